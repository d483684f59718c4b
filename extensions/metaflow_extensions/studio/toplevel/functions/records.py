"""Records for batch backends: numbered chunks from a list or a JSON Lines file, and an
output file that appears only when the whole batch succeeded.

Chunks carry where their records came from (index in the input, line in the file) so that an
error can name the record a user has to look at.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

__all__ = ["Chunk", "chunks_of", "jsonl_chunks", "write_atomically"]


@dataclass(frozen=True)
class Chunk:
    """Consecutive records of one input, sent to one worker in one round trip."""

    number: int  # 0, 1, 2, ... in input order
    start: int  # index of the first record in the whole input
    records: list[Any]
    lines: list[int] | None = None  # JSON Lines input: the line number of each record
    source: str | None = None  # JSON Lines input: the file

    def where(self, offset: int | None = None) -> str:
        """``record 17 (line 18 of in.jsonl)``; without an offset, the chunk's range."""
        if offset is None and len(self.records) == 1:
            offset = 0
        if offset is None:
            first, last = self.start, self.start + len(self.records) - 1
            text = f"records {first}..{last}"
            if self.lines:
                text += f" (lines {self.lines[0]}..{self.lines[-1]} of {self.source})"
            return text
        text = f"record {self.start + offset}"
        if self.lines:
            text += f" (line {self.lines[offset]} of {self.source})"
        return text


def chunks_of(records: Iterable[Any], size: int) -> Iterator[Chunk]:
    """``records`` in chunks of ``size`` (the last may be shorter), read lazily."""
    batch: list[Any] = []
    number = start = 0
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield Chunk(number, start, batch)
            number, start, batch = number + 1, start + size, []
    if batch:
        yield Chunk(number, start, batch)


def jsonl_chunks(path: Path, size: int) -> Iterator[Chunk]:
    """One record per non-blank line of ``path``, in chunks of ``size``, read as they are
    needed (a file larger than memory is fine). A line that is not JSON raises ValueError
    naming the file and line."""
    records: list[Any] = []
    lines: list[int] = []
    number = start = 0
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except ValueError as exc:
                raise ValueError(
                    f"{path}, line {line_no}: not a JSON value ({exc}); a JSON Lines file has "
                    "one JSON record per line"
                ) from None
            lines.append(line_no)
            if len(records) == size:
                yield Chunk(number, start, records, lines, str(path))
                number, start, records, lines = number + 1, start + size, [], []
    if records:
        yield Chunk(number, start, records, lines, str(path))


@contextlib.contextmanager
def write_atomically(path: Path) -> Iterator[TextIO]:
    """A text file that replaces ``path`` only if the block succeeds; on error nothing is
    left behind, so a half-written output is never mistaken for a finished one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            yield out
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
