"""Reading small pickled blobs without running anything they name.

Metaflow stores artifacts as gzip(pickle) blobs. A pickle may call any importable function
while it loads, so a query never uses plain ``pickle.loads`` on them: the unpicklers here
resolve only an allowlist of harmless builtin types (parameter values) and, for a task's
``_exception`` artifact, map ``metaflow.exception.MetaflowExceptionWrapper`` to a local
shim that keeps its state dict. Any other global refuses the whole blob
(:class:`UnsafePickleError`); callers then fall back to what they can say without it.
Blobs are decompressed with a bound, so a small-looking blob cannot expand into memory.
"""

from __future__ import annotations

import io
import pickle
import zlib
from pathlib import Path
from typing import Any

from .layout import LocalLayout
from .reader import Reader

__all__ = [
    "BlobError",
    "ExceptionState",
    "UnsafePickleError",
    "load_builtin",
    "load_exception",
    "read_blob",
]

# Builtin types a pickle may name (protocol 4 writes str, bytes, int, float, bool, None,
# list, tuple, dict, set and frozenset with opcodes, without naming any global).
_SAFE_BUILTINS = frozenset({"complex", "bytearray", "set", "frozenset", "range", "slice"})
_WRAPPER = ("metaflow.exception", "MetaflowExceptionWrapper")


class UnsafePickleError(ValueError):
    """The blob names a global outside the allowlist, or is not a valid pickle."""


class ExceptionState:
    """Stand-in for ``MetaflowExceptionWrapper``: Metaflow pickles it as
    ``Wrapper(None)`` followed by its ``__dict__`` (``type``, ``exception``, ``stacktrace``);
    this keeps that dict without importing Metaflow or running its code."""

    __slots__ = ("state",)

    def __init__(self, _exc: object = None) -> None:
        self.state: dict[str, Any] = {}

    def __setstate__(self, state: object) -> None:
        self.state = dict(state) if isinstance(state, dict) else {}

    def text(self, key: str) -> str | None:
        value = self.state.get(key)
        return value if isinstance(value, str) else None


class _BuiltinUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name in _SAFE_BUILTINS:
            return super().find_class(module, name)
        raise UnsafePickleError(f"refused to load {module}.{name}")


class _ExceptionUnpickler(_BuiltinUnpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == _WRAPPER:
            return ExceptionState
        return super().find_class(module, name)


def _load(unpickler: type[pickle.Unpickler], data: bytes) -> object:
    try:
        return unpickler(io.BytesIO(data)).load()
    except UnsafePickleError:
        raise
    except Exception as err:  # a damaged pickle can raise almost anything
        raise UnsafePickleError(f"not a valid pickle ({type(err).__name__})") from None


def load_builtin(data: bytes) -> object:
    """Unpickle a value made only of builtin data types; anything else is refused."""
    return _load(_BuiltinUnpickler, data)


def load_exception(data: bytes) -> ExceptionState | None:
    """The state of a pickled ``MetaflowExceptionWrapper``; ``None`` when the artifact holds
    no exception (Metaflow stores ``None`` for tasks that did not raise)."""
    value = _load(_ExceptionUnpickler, data)
    if value is None or isinstance(value, ExceptionState):
        return value
    raise UnsafePickleError(f"expected an exception wrapper, found {type(value).__name__}")


class BlobError(ValueError):
    """A blob that cannot be read: ``reason`` completes "blob <sha> ..."."""

    def __init__(self, sha: str, reason: str, *, too_large: bool = False) -> None:
        super().__init__(f"blob {sha} {reason}")
        self.reason = reason
        self.too_large = too_large


def read_blob(reader: Reader, layout: LocalLayout, flow: str, sha: str, max_raw: int) -> bytes:
    """The pickle bytes of blob ``sha`` of ``flow``, at most ``max_raw`` of them.

    Metaflow's content-addressed store gzips blobs unless their ``<sha>_meta`` says
    ``cas_raw``. Gzip is told by its magic bytes, so the meta file is read only for a blob
    that is not gzip (one more small read, and only then).

    Raises :class:`BlobError` when the blob is missing, damaged, or larger than ``max_raw``
    once decompressed (found out without inflating more than ``max_raw + 1`` bytes)."""
    if not sha or "/" in sha or sha.startswith("."):
        raise BlobError(sha, "has a bad name")
    # gzip adds a few bytes per 16 kB of incompressible input, plus a header.
    packed_max = max_raw + max_raw // 100 + 1024
    blob_path = layout.blob_path(flow, sha)
    packed = reader.read_bytes(blob_path, packed_max)
    if packed is None:
        raise BlobError(sha, "is missing from the datastore")
    if not packed.startswith(_GZIP_MAGIC):
        if not _is_raw_blob(reader, blob_path.with_name(f"{sha}_meta")):
            raise BlobError(sha, "is damaged: it is not gzip data")
        if len(packed) > max_raw:
            raise BlobError(sha, f"is larger than {max_raw:,} bytes", too_large=True)
        return packed
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        raw = inflater.decompress(packed, max_raw + 1)
    except zlib.error as err:
        raise BlobError(sha, f"is damaged: {err}") from None
    if len(raw) > max_raw or (not inflater.eof and len(packed) == packed_max):
        raise BlobError(sha, f"is larger than {max_raw:,} bytes", too_large=True)
    if not inflater.eof:
        raise BlobError(sha, "is damaged: it is truncated")
    return raw


_GZIP_MAGIC = b"\x1f\x8b"


def _is_raw_blob(reader: Reader, meta_path: Path) -> bool:
    try:
        meta = reader.read_json(meta_path)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(meta, dict) and bool(meta.get("cas_raw"))
