"""Launching flows: the run form's fields and validation, and the command lines for run,
resume and spin. Pure functions over the flow analysis; the editor and the CLI start the
processes."""

from .command import LaunchError, RunRequest, decospec, resume_argv, run_argv, spin_argv
from .form import FieldKind, FormField, Validated, form_fields, validate

__all__ = [
    "FieldKind",
    "FormField",
    "LaunchError",
    "RunRequest",
    "Validated",
    "decospec",
    "form_fields",
    "resume_argv",
    "run_argv",
    "spin_argv",
    "validate",
]
