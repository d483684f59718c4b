"""Command lines for ``run``, ``resume`` and ``spin``, built from what the run form holds.

A target is a Metaflow decorator added with ``--with`` (a decospec such as
``kubernetes:cpu=2,memory=8192``), so this module knows no backend internals; see
targets.py for which targets exist.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .form import FormField, validate

__all__ = ["LaunchError", "RunRequest", "decospec", "resume_argv", "run_argv", "spin_argv"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_OPTION_VALUE = re.compile(r"^[^,=\s]+$")
MAX_TAG_CHARS = 512  # Metaflow refuses longer tags


class LaunchError(ValueError):
    """The request cannot become a command. ``errors`` maps a form field (or "tags",
    "max_workers", "with", "target") to the message shown next to it."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


def decospec(name: str, options: Mapping[str, Any] | None = None) -> str:
    """``name:key=value,...`` with empty options left out; raises ValueError for text that
    Metaflow's decospec parser would split wrongly (commas, '=' or spaces in a value)."""
    if not _NAME.match(name):
        raise ValueError(f"{name!r} is not a decorator name")
    parts = []
    for key, value in (options or {}).items():
        if value is None or value == "":
            continue
        if not _NAME.match(key):
            raise ValueError(f"{key!r} is not an option name of @{name}")
        text = str(value)
        if not _OPTION_VALUE.match(text):
            raise ValueError(f"{key}={text!r}: a value cannot contain commas, '=' or spaces")
        parts.append(f"{key}={text}")
    return name + (":" + ",".join(parts) if parts else "")


def _check_with(spec: str) -> str | None:
    """None when ``spec`` looks like a decospec, else why not."""
    name, _, options = spec.partition(":")
    if not _NAME.match(name):
        return f"{spec!r}: expected a decorator name such as retry or kubernetes:cpu=2"
    for option in filter(None, options.split(",")):
        key, eq, value = option.partition("=")
        if not eq or not _NAME.match(key) or not value:
            return f"{spec!r}: options are written key=value, separated by commas"
    return None


@dataclass(frozen=True)
class RunRequest:
    """Everything the run form sends: parameter values by name, tags, max workers, extra
    ``--with`` decospecs and the target's decospec (None for local)."""

    flow_file: Path
    values: Mapping[str, Any] = field(default_factory=dict)
    tags: Sequence[str] = ()
    max_workers: int | None = None
    with_specs: Sequence[str] = ()
    target: str | None = None


def run_argv(python: str, request: RunRequest, fields: list[FormField]) -> list[str]:
    """``python flow.py --no-pylint [--config-value ...] run [params] [--tag ...]
    [--max-workers N] [--with ...]``; raises :class:`LaunchError` with every problem."""
    checked = validate(fields, request.values, request.flow_file.parent)
    errors = dict(checked.errors)
    tags = [t.strip() for t in request.tags if t.strip()]
    for tag in tags:
        if len(tag) > MAX_TAG_CHARS:
            errors["tags"] = f"a tag is at most {MAX_TAG_CHARS} characters"
    if request.max_workers is not None and (
        isinstance(request.max_workers, bool) or request.max_workers < 1
    ):
        errors["max_workers"] = f"expected a whole number of 1 or more, got {request.max_workers}"
    specs = [s.strip() for s in request.with_specs if s.strip()]
    for spec in specs:
        problem = _check_with(spec)
        if problem:
            errors["with"] = problem
    if request.target is not None:
        problem = _check_with(request.target)
        if problem:
            errors["target"] = problem
        else:
            specs.append(request.target)
    if errors:
        raise LaunchError(errors)
    argv = [python, str(request.flow_file), "--no-pylint", *checked.top_level_args, "run"]
    argv += checked.run_args
    for tag in tags:
        argv += ["--tag", tag]
    if request.max_workers is not None:
        argv += ["--max-workers", str(request.max_workers)]
    for spec in specs:
        argv += ["--with", spec]
    return argv


def resume_argv(
    python: str, flow_file: Path, origin_run_id: str, step: str | None = None
) -> list[str]:
    """``resume --origin-run-id RUN [STEP]``: re-runs from ``step`` (default: the failed
    step Metaflow finds) reusing the origin run's results before it."""
    argv = [python, str(flow_file), "--no-pylint", "resume", "--origin-run-id", origin_run_id]
    return argv + ([step] if step else [])


def spin_argv(python: str, flow_file: Path, task_pathspec: str) -> list[str]:
    """``spin RUN/STEP/TASK``: re-executes one task from its original inputs (Metaflow 2.19);
    its artifacts go to ``.metaflow_spin`` and the original run is left untouched."""
    flow_relative = task_pathspec.split("/", 1)[1] if task_pathspec.count("/") == 3 else ""
    if not flow_relative:
        raise LaunchError({"task": f"{task_pathspec!r} is not a Flow/run/step/task pathspec"})
    return [python, str(flow_file), "--no-pylint", "spin", flow_relative]
