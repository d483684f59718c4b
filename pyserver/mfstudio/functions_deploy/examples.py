"""An example request body built from a function's input JSON Schema, for the panel's
request editor: every field with a placeholder of its type (``{"x": 0.0}``), ``{}`` for a
plain ``dict`` or a function without an input hint."""

from __future__ import annotations

from typing import Any

__all__ = ["example_for"]

_PLACEHOLDERS: dict[str, Any] = {
    "string": "",
    "integer": 0,
    "number": 0.0,
    "boolean": False,
    "null": None,
    "array": [],
    "object": {},
}
_MAX_DEPTH = 6


def example_for(schema: dict[str, Any]) -> Any:
    """A value of ``schema`` with placeholders (``$ref``s into ``$defs`` followed)."""
    return _example(schema, schema.get("$defs", {}), 0)


def _example(schema: Any, defs: dict[str, Any], depth: int) -> Any:
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return {}
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return _example(defs.get(ref.rsplit("/", 1)[-1], {}), defs, depth + 1)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    for key in ("anyOf", "oneOf"):
        options = [
            o for o in schema.get(key, []) if not (isinstance(o, dict) and o.get("type") == "null")
        ]
        if options:
            return _example(options[0], defs, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {name: _example(sub, defs, depth + 1) for name, sub in properties.items()}
    if kind == "array" and isinstance(schema.get("items"), dict):
        return [_example(schema["items"], defs, depth + 1)]
    return _PLACEHOLDERS.get(kind, {}) if isinstance(kind, str) else {}
