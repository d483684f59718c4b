"""Read-only, cost-counting access to files under a ``.metaflow`` folder.

Every read of the local backend goes through a :class:`Reader`, so the :class:`Cost` of a
query is exact and nothing can be written by accident (files are only opened ``rb``).
Missing files are ``None`` / empty, never exceptions: a run being written is normal.
"""

from __future__ import annotations

import json
import os
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

from ..model import Cost

__all__ = ["Reader"]

_TAIL_BLOCK = 64 * 1024


class Reader:
    """Counting file access. One per query: ``reader.cost`` is that query's cost."""

    __slots__ = ("cost",)

    def __init__(self, cost: Cost | None = None) -> None:
        self.cost = cost if cost is not None else Cost()

    def names(self, folder: Path | str) -> list[str]:
        """Entry names of ``folder`` (unsorted); ``[]`` when it does not exist."""
        self.cost.dirs_listed += 1
        try:
            return os.listdir(folder)
        except (FileNotFoundError, NotADirectoryError):
            return []

    def entries(self, folder: Path) -> Iterator[os.DirEntry[str]]:
        """``os.scandir`` entries (type known without a stat); nothing when missing."""
        self.cost.dirs_listed += 1
        try:
            with os.scandir(folder) as it:
                yield from it
        except (FileNotFoundError, NotADirectoryError):
            return

    def exists(self, path: Path | str) -> bool:
        self.cost.stats += 1
        return os.path.exists(path)

    def stat(self, path: Path | str) -> os.stat_result | None:
        self.cost.stats += 1
        try:
            return os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None

    def read_bytes(self, path: Path | str, max_bytes: int | None = None) -> bytes | None:
        """The file's bytes (at most ``max_bytes``), ``None`` when it does not exist."""
        try:
            with open(path, "rb") as fh:
                self.cost.files_read += 1
                data = fh.read() if max_bytes is None else fh.read(max_bytes)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
        self.cost.bytes_read += len(data)
        return data

    def read_small(self, path: Path | str, max_bytes: int = 65536) -> tuple[bytes, float] | None:
        """A small file's bytes (at most ``max_bytes``) and its mtime, from one open: the
        mtime comes from the open descriptor, so no second path lookup. ``None`` when the
        file does not exist. This is the per-task hot path of status scans."""
        try:
            fd = os.open(path, os.O_RDONLY)
        except (FileNotFoundError, NotADirectoryError):
            return None
        try:
            mtime = os.fstat(fd).st_mtime
            data = os.read(fd, max_bytes)
        except IsADirectoryError:
            return None
        finally:
            os.close(fd)
        self.cost.files_read += 1
        self.cost.bytes_read += len(data)
        return data, mtime

    def read_json(self, path: Path) -> Any:
        """Parsed JSON; ``None`` when missing. Raises ``ValueError`` for damaged JSON so the
        caller can report it as a :class:`Problem` with its own context."""
        data = self.read_bytes(path)
        if data is None:
            return None
        return json.loads(data)

    def read_range(self, path: Path, offset: int, length: int) -> bytes | None:
        """``length`` bytes from ``offset`` (a short read at the end of the file)."""
        try:
            with open(path, "rb") as fh:
                self.cost.files_read += 1
                fh.seek(offset)
                data = fh.read(length)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
        self.cost.bytes_read += len(data)
        return data

    def tail_blocks(
        self, path: Path, block: int = _TAIL_BLOCK, max_bytes: int | None = None
    ) -> Generator[tuple[int, bytes], None, None]:
        """Blocks of the file from its end backwards, as ``(offset, bytes)``: callers stop
        iterating once they have enough, so a 1 GB log costs a block or two. At most
        ``max_bytes`` are read in all (the last block is shortened to fit)."""
        try:
            fh = open(path, "rb")  # noqa: SIM115 - closed in finally; generator holds it
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return
        try:
            self.cost.files_read += 1
            end = fh.seek(0, os.SEEK_END)
            floor = 0 if max_bytes is None else max(0, end - max_bytes)
            while end > floor:
                start = max(floor, end - block)
                fh.seek(start)
                data = fh.read(end - start)
                self.cost.bytes_read += len(data)
                yield start, data
                end = start
        finally:
            fh.close()

    def head_blocks(
        self, path: Path, block: int = _TAIL_BLOCK, max_bytes: int | None = None
    ) -> Generator[tuple[int, bytes], None, None]:
        """Blocks of the file from its start, as ``(offset, bytes)``, at most ``max_bytes``
        in all: the forward twin of :meth:`tail_blocks` for ``head`` and forward scans."""
        try:
            fh = open(path, "rb")  # noqa: SIM115 - closed in finally; generator holds it
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return
        try:
            self.cost.files_read += 1
            offset = 0
            while max_bytes is None or offset < max_bytes:
                want = block if max_bytes is None else min(block, max_bytes - offset)
                data = fh.read(want)
                if not data:
                    break
                self.cost.bytes_read += len(data)
                yield offset, data
                offset += len(data)
        finally:
            fh.close()
