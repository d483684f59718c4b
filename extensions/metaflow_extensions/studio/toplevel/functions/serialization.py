"""How records and results travel as bytes: JSON by default, Avro, and user-registered formats.

A ``Serializer`` is named by its media type and turns into a ``Codec`` for one JSON Schema
(the function's input or output), so a schema-driven format such as Avro parses its schema
once. The HTTP server picks the request's codec by ``Content-Type`` and the response's by
``Accept``; every format decodes to the same JSON-like values the function receives.

    register_serializer("text/csv", encode, decode)   # encode(value) -> bytes, decode(b) -> value

Avro (``application/avro``) is registered when fastavro is installed (``pip install
'metaflow-studio[avro]'``): one schemaless datum per body, with the Avro schema derived from
the JSON Schema (``avro_schema.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from typing import Any

from .avro_schema import avro_schema, prune_absent

__all__ = [
    "AVRO",
    "JSON",
    "Codec",
    "SerializationError",
    "Serializer",
    "accepted",
    "media_type",
    "register_serializer",
    "registered",
]

JSON = "application/json"
AVRO = "application/avro"
JsonSchema = dict[str, Any]


class SerializationError(ValueError):
    """A body that its format cannot decode, or a value it cannot encode."""


@dataclass(frozen=True)
class Codec:
    """One format bound to one schema."""

    content_type: str
    encode: Callable[[Any], bytes]
    decode: Callable[[bytes], Any]
    avro_schema: Any = None  # set for Avro: shown in the OpenAPI document


@dataclass(frozen=True)
class Serializer:
    """A format: ``codec(schema, name)`` binds it to a schema (``name`` titles the schema)."""

    content_type: str
    codec: Callable[[JsonSchema, str], Codec]


_REGISTRY: dict[str, Serializer] = {}


def media_type(header: str | None) -> str:
    """``"Application/JSON; charset=utf-8"`` -> ``"application/json"``."""
    return (header or "").split(";", 1)[0].strip().lower()


def register_serializer(
    content_type: str, encode: Callable[[Any], bytes], decode: Callable[[bytes], Any]
) -> None:
    """Serve and accept ``content_type`` with ``encode(value) -> bytes`` and
    ``decode(bytes) -> value``. Registering a type again replaces it (JSON included)."""
    kind = media_type(content_type)
    if "/" not in kind:
        raise ValueError(f"register_serializer: {content_type!r} is not a media type (type/sub)")
    _REGISTRY[kind] = Serializer(
        kind, lambda _schema, _name: Codec(kind, _guard(kind, encode), _guard(kind, decode))
    )


def registered() -> dict[str, Serializer]:
    """The formats known now, JSON first."""
    return dict(_REGISTRY)


def accepted(accept: str | None, available: list[str]) -> str | None:
    """The media type to answer with for an ``Accept`` header: the highest-q type that is
    available (``*/*`` and a missing header mean JSON); None when none is acceptable."""
    if not accept or not accept.strip():
        return JSON
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        kind, _, params = part.partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranked.append((-q, index, kind.strip().lower()))
    for neg_q, _, kind in sorted(ranked):
        if neg_q >= 0:
            continue
        if kind in available:
            return kind
        if kind in ("*/*", "application/*") and JSON in available:
            return JSON
    return None


def _guard(kind: str, fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """User code's exceptions as SerializationError naming the format."""

    def guarded(value: Any) -> Any:
        try:
            return fn(value)
        except SerializationError:
            raise
        except Exception as exc:
            raise SerializationError(f"{kind}: {type(exc).__name__}: {exc}") from exc

    return guarded


def _json_codec(_schema: JsonSchema, _name: str) -> Codec:
    def decode(data: bytes) -> Any:
        try:
            return json.loads(data)
        except ValueError as exc:  # UnicodeDecodeError is a ValueError too
            raise SerializationError(f"body is not valid JSON: {exc}") from None

    def encode(value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":")).encode()

    return Codec(JSON, encode, decode)


def _avro_codec(schema: JsonSchema, name: str) -> Codec:
    import io

    import fastavro

    derived = avro_schema(schema, name)
    parsed = fastavro.parse_schema(derived)

    def decode(data: bytes) -> Any:
        try:
            value = fastavro.schemaless_reader(io.BytesIO(data), parsed, None)
        except Exception as exc:
            raise SerializationError(
                f"body is not an Avro datum of the input schema: {type(exc).__name__}: {exc}"
            ) from None
        return prune_absent(value, schema)

    def encode(value: Any) -> bytes:
        out = io.BytesIO()
        try:
            fastavro.schemaless_writer(out, parsed, value)
        except Exception as exc:
            raise SerializationError(
                f"the result does not fit its Avro schema: {type(exc).__name__}: {exc}"
            ) from None
        return out.getvalue()

    return Codec(AVRO, encode, decode, derived)


_REGISTRY[JSON] = Serializer(JSON, _json_codec)
if find_spec("fastavro") is not None:
    _REGISTRY[AVRO] = Serializer(AVRO, _avro_codec)
