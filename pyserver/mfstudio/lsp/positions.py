"""Conversions between the analysis' positions and LSP positions.

The analysis (flowgraph/model.py) counts lines from 1 and columns in code points, as
Python does; LSP counts lines from 0 and columns in the code units of the negotiated
position encoding (UTF-16 unless the client offers otherwise). A column is only
meaningful together with its line's text, so conversions go through ``LineIndex``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lsprotocol import types

from mfstudio.flowgraph.model import Position, SourceRange

__all__ = ["LineIndex", "split_lines"]

_NEWLINE = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` as LSP and Python's tokenizer see them (``\\n``, ``\\r\\n``
    and ``\\r`` end a line; ``str.splitlines`` would also split on form feeds and
    Unicode separators, shifting every line after them)."""
    return _NEWLINE.split(text)


_UTF8 = types.PositionEncodingKind.Utf8.value
_UTF32 = types.PositionEncodingKind.Utf32.value


def _units(text: str, encoding: str) -> int:
    if text.isascii():
        return len(text)
    if encoding == _UTF8:
        return len(text.encode("utf-8"))
    if encoding == _UTF32:
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _code_points(text: str, units: int, encoding: str) -> int:
    """How many code points of ``text`` fit in ``units`` code units (never splits one)."""
    if text.isascii() or encoding == _UTF32:
        return min(units, len(text))
    seen = 0
    for index, char in enumerate(text):
        width = _units(char, encoding)
        if seen + width > units:
            return index
        seen += width
    return len(text)


class LineIndex:
    """One document's lines, for converting positions in both directions."""

    __slots__ = ("encoding", "lines")

    def __init__(self, text: str | Sequence[str], encoding: str = "utf-16"):
        self.lines: Sequence[str] = split_lines(text) if isinstance(text, str) else text
        # lsprotocol's PositionEncodingKind is a str enum: keep its plain value
        self.encoding: str = getattr(encoding, "value", encoding)

    def line(self, index: int) -> str:
        """The text of 0-based line ``index`` ('' past the end)."""
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def to_lsp_position(self, position: Position) -> types.Position:
        line = max(position.line - 1, 0)
        text = self.line(line)
        column = min(max(position.column, 0), len(text))
        return types.Position(line=line, character=_units(text[:column], self.encoding))

    def to_lsp_range(self, source_range: SourceRange) -> types.Range:
        return types.Range(
            start=self.to_lsp_position(source_range.start),
            end=self.to_lsp_position(source_range.end),
        )

    def from_lsp_position(self, position: types.Position) -> Position:
        """The model position (1-based line, code-point column) of an LSP position."""
        text = self.line(position.line)
        return Position(
            line=position.line + 1,
            column=_code_points(text, max(position.character, 0), self.encoding),
        )
