"""The function's JSON Schemas on HTTP: request validation and the OpenAPI document.

Validation uses ``jsonschema`` (compiled once per server) and reports every error the way
FastAPI does: ``{"detail": [{"loc": ["body", "petal_width"], "msg": ..., "type": ...}]}``,
with the missing field's name in ``loc`` for a required property.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

__all__ = ["openapi_parts", "validator_for"]

JsonSchema = dict[str, Any]
Detail = list[dict[str, Any]]


def validator_for(schema: JsonSchema) -> Callable[[Any], Detail]:
    """``check(value)`` -> the validation errors (empty when ``value`` is valid)."""
    if not schema:
        return lambda _value: []
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema)

    def check(value: Any) -> Detail:
        errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
        return [_detail(e, value) for e in errors[:20]]

    return check


def _detail(error: Any, value: Any) -> dict[str, Any]:
    loc: list[Any] = ["body", *error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [k for k in error.validator_value if k not in error.instance]
        if missing:
            loc.append(missing[0])
            return {"loc": loc, "msg": "field required", "type": "missing"}
    return {"loc": loc, "msg": error.message, "type": str(error.validator)}


def openapi_parts(
    name: str, input_schema: JsonSchema, output_schema: JsonSchema
) -> tuple[JsonSchema, JsonSchema, dict[str, JsonSchema]]:
    """(request schema, response schema, components) for the OpenAPI document: the schemas
    become ``components/schemas/<Name>Input`` and ``<Name>Output``, and their ``$defs``
    (pydantic's nested models) move to components too, with their ``$ref``s rewritten."""
    title = "".join(part.capitalize() for part in name.split("_")) or "Function"
    components: dict[str, JsonSchema] = {}
    refs = {}
    for suffix, schema in (("Input", input_schema), ("Output", output_schema)):
        moved = _hoist(copy.deepcopy(schema), components)
        components[f"{title}{suffix}"] = moved
        refs[suffix] = {"$ref": f"#/components/schemas/{title}{suffix}"}
    return refs["Input"], refs["Output"], components


def _hoist(schema: JsonSchema, components: dict[str, JsonSchema]) -> JsonSchema:
    for key, sub in schema.pop("$defs", {}).items():
        components[key] = _rewrite(sub)
    rewritten: JsonSchema = _rewrite(schema)
    return rewritten


def _rewrite(value: Any) -> Any:
    if isinstance(value, dict):
        out = {k: _rewrite(v) for k, v in value.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            out["$ref"] = "#/components/schemas/" + ref[len("#/$defs/") :]
        return out
    if isinstance(value, list):
        return [_rewrite(v) for v in value]
    return value
