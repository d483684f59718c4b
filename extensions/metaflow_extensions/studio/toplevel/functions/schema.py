"""JSON Schema from Python type hints: pydantic models, TypedDict and plain types.

The schemas describe a function's input (``data``) and output; later backends use them for
OpenAPI and request validation. pydantic is used only when a hint is a pydantic model, so
this module imports nothing outside the standard library at import time.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

__all__ = ["UnsupportedTypeError", "schema_for"]

JsonSchema = dict[str, Any]

_PRIMITIVES: dict[Any, JsonSchema] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    type(None): {"type": "null"},
    None: {"type": "null"},
    dict: {"type": "object"},
    list: {"type": "array"},
    tuple: {"type": "array"},
    Any: {},
    object: {},
}


class UnsupportedTypeError(TypeError):
    """A hint with no JSON equivalent (a class that is not a model, a set, bytes...)."""


def schema_for(hint: Any) -> JsonSchema:
    """The JSON Schema of ``hint``; raises UnsupportedTypeError naming the offending type."""
    if hint in _PRIMITIVES:
        return dict(_PRIMITIVES[hint])
    if _is_pydantic_model(hint):
        schema: JsonSchema = hint.model_json_schema()
        return schema
    if typing.is_typeddict(hint):
        return _typeddict_schema(hint)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _object_schema(
            hint.__name__,
            typing.get_type_hints(hint),
            {f.name for f in dataclasses.fields(hint) if _dataclass_field_required(f)},
        )
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Annotated:
        return schema_for(args[0])
    if origin is typing.Literal:
        return {"enum": list(args)}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [schema_for(a) for a in args]}
    if origin in (list, typing.Sequence, typing.List):  # noqa: UP006
        return {"type": "array", "items": schema_for(args[0])} if args else {"type": "array"}
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": schema_for(args[0])}
        return {
            "type": "array",
            "prefixItems": [schema_for(a) for a in args],
            "minItems": len(args),
            "maxItems": len(args),
        }
    if origin in (dict, typing.Mapping, typing.Dict):  # noqa: UP006
        if args and args[0] is not str:
            raise UnsupportedTypeError(f"{_name(hint)}: JSON object keys are strings")
        return (
            {"type": "object", "additionalProperties": schema_for(args[1])}
            if args
            else {"type": "object"}
        )
    raise UnsupportedTypeError(
        f"{_name(hint)} has no JSON form; use a pydantic model, a TypedDict, a dataclass or "
        "plain types (dict, list, str, int, float, bool, None)"
    )


def _is_pydantic_model(hint: Any) -> bool:
    # Looking the base class up by name keeps pydantic out of the import unless it is used.
    return isinstance(hint, type) and any(
        c.__module__.startswith("pydantic") and c.__name__ == "BaseModel" for c in hint.__mro__
    )


def _typeddict_schema(hint: Any) -> JsonSchema:
    return _object_schema(hint.__name__, typing.get_type_hints(hint), set(hint.__required_keys__))


def _object_schema(title: str, fields: dict[str, Any], required: set[str]) -> JsonSchema:
    schema: JsonSchema = {
        "title": title,
        "type": "object",
        "properties": {name: schema_for(h) for name, h in fields.items()},
    }
    if required:
        schema["required"] = sorted(required)
    return schema


def _dataclass_field_required(f: dataclasses.Field[Any]) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def _name(hint: Any) -> str:
    return getattr(hint, "__qualname__", None) or repr(hint)
