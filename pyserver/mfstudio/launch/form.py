"""The run form of a flow: one typed field per Parameter, Config and IncludeFile, and the
validation that turns what the user typed into command-line arguments.

Fields come from the AST analysis (flowgraph), so the form is available while the flow is
being written and no user code runs. Validation happens before any launch and returns one
message per bad field, written for the place it is shown (next to the field).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from mfstudio.flowgraph import Flow, Parameter

__all__ = ["FieldKind", "FormField", "Validated", "form_fields", "validate"]

FieldKind = Literal["string", "integer", "number", "boolean", "json", "file", "config"]

_KIND_OF_TYPE: dict[str, FieldKind] = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "JSONType": "json",
}


@dataclass(frozen=True, slots=True)
class FormField:
    """One input of the run form. ``default`` is the literal default from the source (or
    its source text when it is an expression: then ``default_is_literal`` is False and the
    field starts empty, meaning "use the flow's default")."""

    name: str  # as on the command line
    kind: FieldKind
    type: str | None  # the Parameter's type as written ("int", "JSONType", ...)
    default: Any
    default_is_literal: bool
    help: str | None
    required: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "type": self.type,
            "default": self.default if self.default_is_literal else None,
            "default_text": None if self.default_is_literal else self.default,
            "help": self.help,
            "required": self.required,
        }


def _kind(param: Parameter) -> FieldKind:
    if param.kind == "include_file":
        return "file"
    if param.kind == "config":
        return "config"
    return _KIND_OF_TYPE.get(param.type or "str", "string")


def form_fields(flow: Flow) -> list[FormField]:
    """The fields of ``flow``'s run form, in declaration order."""
    fields = []
    for param in flow.parameters:
        kind = _kind(param)
        fields.append(
            FormField(
                name=param.name,
                kind=kind,
                type=param.type,
                default=param.default,
                default_is_literal=param.default is not None and param.default_is_literal,
                help=param.help,
                required=param.required,
            )
        )
    return fields


@dataclass(frozen=True, slots=True)
class Validated:
    """What validation made of the form: command-line pairs for ``run`` (parameters and
    files), top-level pairs (``--config-value``), and one message per bad field."""

    run_args: list[str]
    top_level_args: list[str]
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.errors


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _convert(field: FormField, value: Any, base: Path) -> str:
    """The command-line text for ``value``; raises ValueError with the message to show."""
    kind = field.kind
    if kind == "integer":
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError(f"expected a whole number, got {value!r}")
        try:
            return str(int(str(value).strip()))
        except ValueError:
            raise ValueError(f"expected a whole number, got {value!r}") from None
    if kind == "number":
        try:
            number = float(str(value).strip()) if not isinstance(value, bool) else math.nan
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise ValueError(f"expected a number, got {value!r}")
        return repr(number) if isinstance(value, float) else str(value).strip()
    if kind == "boolean":
        text = str(value).strip().lower()
        if text in ("true", "1", "yes", "on"):
            return "True"
        if text in ("false", "0", "no", "off"):
            return "False"
        raise ValueError(f"expected true or false, got {value!r}")
    if kind in ("json", "config"):
        text = value if isinstance(value, str) else json.dumps(value)
        try:
            json.loads(text)
        except json.JSONDecodeError as err:
            raise ValueError(
                f"not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}"
            ) from None
        return text
    if kind == "file":
        path = Path(str(value)).expanduser()
        full = path if path.is_absolute() else base / path
        if not full.is_file():
            raise ValueError(f"no file at {full}")
        return str(full)
    return str(value)


def validate(fields: list[FormField], values: Mapping[str, Any], base: Path) -> Validated:
    """Check ``values`` (field name -> what the user entered) against ``fields``. A blank
    value means "the flow's default" unless the field is required. Relative file paths are
    resolved against ``base`` (the folder the run starts in)."""
    known = {f.name for f in fields}
    errors = {name: f"the flow has no parameter {name!r}" for name in values if name not in known}
    run_args: list[str] = []
    top_level: list[str] = []
    for field in fields:
        value = values.get(field.name)
        if _blank(value):
            if field.required and not field.default_is_literal:
                errors[field.name] = "required: the flow has no default for it"
            continue
        try:
            text = _convert(field, value, base)
        except ValueError as err:
            errors[field.name] = str(err)
            continue
        if field.kind == "config":
            top_level += ["--config-value", field.name, text]
        else:
            run_args += [f"--{field.name}", text]
    return Validated(run_args, top_level, errors)
