"""An Avro schema from a function's JSON Schema (itself derived from the type hints).

    JSON Schema                           Avro
    object with properties (TypedDict,    record; a field that is not required is
      dataclass, pydantic model)            ["null", T] with default null
    object with additionalProperties: T   map of T
    array of T                            array of T
    string / integer / number / boolean   string / long / double / boolean
    null                                  null
    enum of strings (Literal)             enum
    anyOf / Optional                      union
    anything else ({} , bare dict/list)   a scalar: null|boolean|long|double|string (a bare
                                            dict is a map of scalars, a bare list an array)

Avro cannot express arbitrary nested JSON: annotate the record's type (TypedDict, pydantic)
to send nested values as Avro. ``$ref``s into ``$defs`` (pydantic) become named types.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["avro_schema", "prune_absent"]

JsonSchema = dict[str, Any]
SCALAR = ["null", "boolean", "long", "double", "string"]
_PRIMITIVE = {
    "null": "null",
    "boolean": "boolean",
    "integer": "long",
    "number": "double",
    "string": "string",
}


def avro_schema(schema: JsonSchema, name: str) -> Any:
    """The Avro schema for values of ``schema``; ``name`` names the top record."""
    return _Builder(schema.get("$defs", {})).build(schema, name)


class _Builder:
    def __init__(self, defs: dict[str, JsonSchema]) -> None:
        self.defs = defs
        self.named: dict[str, str] = {}  # $ref -> Avro name already defined
        self.used: set[str] = set()

    def unique(self, name: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_]", "_", name) or "Record"
        if base[0].isdigit():
            base = f"_{base}"
        candidate, n = base, 1
        while candidate in self.used:
            n += 1
            candidate = f"{base}_{n}"
        self.used.add(candidate)
        return candidate

    def build(self, s: JsonSchema, name: str, ref: str = "") -> Any:
        """``ref``: the $ref this schema was reached by; a record or enum made from it is
        named once and referred to by name afterwards (which also ends recursion)."""
        target = s.get("$ref")
        if isinstance(target, str):
            if target in self.named:
                return self.named[target]
            key = target.rsplit("/", 1)[-1]
            return self.build(self.defs.get(key, {}), key, target)
        for key in ("anyOf", "oneOf"):
            if key in s:
                return _union([self.build(b, f"{name}_{i}") for i, b in enumerate(s[key])])
        if "enum" in s or "const" in s:
            values = s.get("enum", [s.get("const")])
            if values and all(isinstance(v, str) for v in values):
                enum_name = self.unique(name)
                if ref:
                    self.named[ref] = enum_name
                return {"type": "enum", "name": enum_name, "symbols": list(values)}
            return _union([_PRIMITIVE[_json_type(v)] for v in values])
        kind = s.get("type")
        if isinstance(kind, list):
            return _union([self.build({**s, "type": k}, name) for k in kind])
        if kind in _PRIMITIVE:
            return _PRIMITIVE[kind]
        if kind == "array":
            items = s.get("items")
            if isinstance(items, dict):
                return {"type": "array", "items": self.build(items, f"{name}_item")}
            prefix = s.get("prefixItems") or []
            branches = [self.build(p, f"{name}_{i}") for i, p in enumerate(prefix)]
            return {"type": "array", "items": _union(branches) if branches else list(SCALAR)}
        if kind == "object" or "properties" in s:
            return self.record_or_map(s, name, ref)
        return list(SCALAR)

    def record_or_map(self, s: JsonSchema, name: str, ref: str) -> Any:
        props: dict[str, JsonSchema] = s.get("properties") or {}
        if not props:
            extra = s.get("additionalProperties")
            values = self.build(extra, f"{name}_value") if isinstance(extra, dict) else SCALAR
            return {"type": "map", "values": values}
        record_name = self.unique(str(s.get("title") or name))
        if ref:
            self.named[ref] = record_name
        required = set(s.get("required", []))
        fields = []
        for field, sub in props.items():
            avro = self.build(sub, f"{record_name}_{field}")
            entry: dict[str, Any] = {"name": field, "type": avro}
            if field not in required:
                entry = {"name": field, "type": _union(["null", avro]), "default": None}
            fields.append(entry)
        return {"type": "record", "name": record_name, "fields": fields}


def _union(branches: list[Any]) -> Any:
    """Flattened, without duplicates, "null" first (so that null can be a default)."""
    flat: list[Any] = []
    for b in branches:
        for item in b if isinstance(b, list) else [b]:
            if item not in flat:
                flat.append(item)
    flat.sort(key=lambda b: b != "null")
    return flat[0] if len(flat) == 1 else flat


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def prune_absent(value: Any, schema: JsonSchema, defs: dict[str, Any] | None = None) -> Any:
    """Drop the nulls Avro fills in for optional fields that were absent, where the JSON
    Schema does not allow null (so the decoded value validates as the JSON one would)."""
    defs = schema.get("$defs", {}) if defs is None else defs
    ref = schema.get("$ref")
    if isinstance(ref, str):
        schema = defs.get(ref.rsplit("/", 1)[-1], {})
    if isinstance(value, dict) and "properties" in schema:
        required = set(schema.get("required", []))
        for field, sub in schema["properties"].items():
            if field not in value:
                continue
            if value[field] is None and field not in required and not _allows_null(sub, defs):
                del value[field]
            else:
                value[field] = prune_absent(value[field], sub, defs)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [prune_absent(v, schema["items"], defs) for v in value]
    return value


def _allows_null(schema: JsonSchema, defs: dict[str, Any]) -> bool:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return _allows_null(defs.get(ref.rsplit("/", 1)[-1], {}), defs)
    kind = schema.get("type")
    if kind is None and not any(k in schema for k in ("anyOf", "oneOf", "enum", "const")):
        return True  # any JSON
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    if None in schema.get("enum", []):
        return True
    return any(_allows_null(b, defs) for b in schema.get("anyOf", []) + schema.get("oneOf", []))
