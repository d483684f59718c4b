"""What an artifact's value looks like in a preview: a kind and a bounded text.

Pure (no files): :func:`render` takes an unpickled value. DataFrames and arrays are
recognised by their attributes, not by importing pandas or numpy, so this module works in
an interpreter that has neither; if the value is one, its library is already loaded.
Every text is capped at ``Limits.preview_chars``; containers are walked only as deep and as
wide as the preview shows, so a million-element list costs what fifty do.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Any

from ..api import Limits
from ..model import PreviewKind

__all__ = ["Rendered", "render"]

_MAX_ITEMS = 50  # per container level
_MAX_DEPTH = 4
_MAX_ITEM_CHARS = 200  # one string or opaque object inside a container
_HEAD_ROWS = 10
_MAX_COLUMNS = 200


@dataclass(slots=True)
class Rendered:
    kind: PreviewKind
    text: str
    truncated: bool
    shape: list[int] | None = None
    dtype: str | None = None
    columns: list[str] | None = None


def render(value: Any) -> Rendered:
    if value is None or isinstance(value, bool | int | float | complex):
        return _capped("scalar", _scalar_repr(value))
    if isinstance(value, str):
        text = value[: Limits.preview_chars]
        return Rendered("text", text, len(value) > len(text), shape=[len(value)])
    if isinstance(value, bytes | bytearray):
        return _bytes(value)
    if _is_dataframe(value):
        return _dataframe(value)
    if _has(value, "shape", "dtype"):
        if tuple(value.shape) == ():  # a numpy scalar such as numpy.float32(1.5)
            return _capped("scalar", repr(value), dtype=str(value.dtype))
        return _capped("array", repr(value), shape=_shape(value), dtype=str(value.dtype))
    if isinstance(value, Mapping):
        bounded = _Bounded()
        return _capped("mapping", bounded.repr(value, 0), bounded.cut, shape=[len(value)])
    if isinstance(value, list | tuple | Set | range):
        bounded = _Bounded()
        return _capped("sequence", bounded.repr(value, 0), bounded.cut, shape=[len(value)])
    return _capped("object", repr(value))


def _capped(
    kind: PreviewKind,
    text: str,
    cut: bool = False,
    shape: list[int] | None = None,
    dtype: str | None = None,
    columns: list[str] | None = None,
) -> Rendered:
    limit = Limits.preview_chars
    truncated = cut or len(text) > limit
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return Rendered(kind, text, truncated, shape, dtype, columns)


def _scalar_repr(value: Any) -> str:
    try:
        return repr(value)
    except ValueError:  # an int beyond Python's digit limit for str()
        return f"<int of {value.bit_length():,} bits>"


def _bytes(value: bytes | bytearray) -> Rendered:
    """``b'...'`` of the first bytes, with the length when not all of it is shown. A byte
    takes at most four characters (``\\x00``), so the text stays within the cap."""
    shown = bytes(value[: (Limits.preview_chars - 40) // 4])
    text = repr(shown)
    if len(shown) < len(value):
        text += f"… ({len(value):,} bytes)"
    return _capped("text", text, len(shown) < len(value), shape=[len(value)])


def _has(value: Any, *names: str) -> bool:
    return all(hasattr(value, name) for name in names)


def _is_dataframe(value: Any) -> bool:
    return _has(value, "shape", "columns", "dtypes", "head")


def _shape(value: Any) -> list[int]:
    return [int(n) for n in value.shape]


def _dataframe(value: Any) -> Rendered:
    """Shape, columns with their dtypes, and the first rows as the library prints them."""
    names = list(value.columns)[:_MAX_COLUMNS]
    dtypes = list(value.dtypes)[:_MAX_COLUMNS]
    columns = [f"{name}: {dtype}" for name, dtype in zip(names, dtypes, strict=False)]
    head = value.head(_HEAD_ROWS)
    text = head.to_string() if hasattr(head, "to_string") else str(head)
    shape = _shape(value)
    more_rows = bool(shape) and shape[0] > _HEAD_ROWS
    more_columns = len(value.columns) > _MAX_COLUMNS
    return _capped("dataframe", text, more_rows or more_columns, shape=shape, columns=columns)


class _Bounded:
    """``repr`` of nested builtin containers that shows at most ``_MAX_ITEMS`` per level and
    ``_MAX_DEPTH`` levels (like :mod:`reprlib`), and records whether it left anything out."""

    __slots__ = ("cut",)

    def __init__(self) -> None:
        self.cut = False

    def repr(self, value: Any, depth: int) -> str:
        if isinstance(value, Mapping):
            return self._mapping(value, depth)
        if isinstance(value, list | tuple | Set) and type(value).__repr__ in _BUILTIN_REPRS:
            return self._sequence(value, depth)
        if isinstance(value, str | bytes):
            shown = value[:_MAX_ITEM_CHARS]
            self.cut = self.cut or len(shown) < len(value)
            return repr(shown) + ("…" if len(shown) < len(value) else "")
        text = _scalar_repr(value)
        if len(text) > _MAX_ITEM_CHARS:
            self.cut = True
            return text[:_MAX_ITEM_CHARS] + "…"
        return text

    def _items(self, values: Any, depth: int) -> list[str]:
        if depth >= _MAX_DEPTH and len(values):
            self.cut = True
            return ["…"]
        shown = [self.repr(v, depth + 1) for _, v in zip(range(_MAX_ITEMS), values, strict=False)]
        if len(values) > _MAX_ITEMS:
            self.cut = True
            shown.append(f"… {len(values) - _MAX_ITEMS:,} more")
        return shown

    def _sequence(self, value: Any, depth: int) -> str:
        inner = ", ".join(self._items(value, depth))
        if isinstance(value, list):
            return f"[{inner}]"
        if isinstance(value, tuple):
            return f"({inner},)" if len(value) == 1 else f"({inner})"
        if not value:
            return f"{type(value).__name__}()"
        body = "{" + inner + "}"
        return body if type(value) is set else f"{type(value).__name__}({body})"

    def _mapping(self, value: Mapping[Any, Any], depth: int) -> str:
        if depth >= _MAX_DEPTH and len(value):
            self.cut = True
            return "{…}"
        parts = []
        for index, (key, item) in enumerate(value.items()):
            if index == _MAX_ITEMS:
                self.cut = True
                parts.append(f"… {len(value) - _MAX_ITEMS:,} more")
                break
            parts.append(f"{self.repr(key, depth + 1)}: {self.repr(item, depth + 1)}")
        body = "{" + ", ".join(parts) + "}"
        return body if type(value) is dict else f"{type(value).__name__}({body})"


_BUILTIN_REPRS = {list.__repr__, tuple.__repr__, set.__repr__, frozenset.__repr__}
