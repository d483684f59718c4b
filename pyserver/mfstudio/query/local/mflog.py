"""MFLOG, Metaflow's structured log lines: parsing, and bounded reads from either end.

Metaflow prefixes every line a task prints with
``[MFLOG|0|2026-11-26T20:59:20.359746Z|runtime|<uuid>]`` and stores a stream per attempt
and per log source: ``N.runtime_<stream>.log`` (written by the runtime that launched the
task) and, for tasks run elsewhere (@batch, @kubernetes), ``N.task_<stream>.log``. The
client reads those files whole and merges them by timestamp; here each file is read in
blocks from the end (``tail``) or the start (``head``) and reading stops as soon as enough
lines are found or the byte budget is spent, so a 1 GB log costs a block or two.

Public API (also used by ``failures`` for stderr tails)::

    files = log_files(reader, task_dir, attempt, "stderr")   # existing files, with sizes
    part = tail_lines(reader, files, 20, max_bytes=1_000_000)  # or head_lines
    [line.text for line in part.lines]

Lines are cut only at ``\\n`` and decoded whole, so a UTF-8 character is never split; only a
fragment cut by the byte budget (shown only when no whole line fits) is decoded with
replacement characters. Lines without an MFLOG prefix are kept, with ``timestamp=None``.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Generator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..model import LogLine, LogStream
from .reader import Reader

__all__ = [
    "LOG_SOURCES",
    "LogFile",
    "LogSlice",
    "head_lines",
    "log_files",
    "parse_line",
    "tail_lines",
]

LOG_SOURCES = ("runtime", "task")
"""Metaflow's log sources, in the order its client lists them."""

_MFLOG = re.compile(rb"(?:\[!)?\[MFLOG\|0\|(.+?)Z\|(.+?)\|(.+?)\](.*)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class LogFile:
    """One existing log file of a task attempt."""

    source: str  # "runtime" or "task"
    path: Path
    size: int


@dataclass(slots=True)
class LogSlice:
    """Lines picked from one or more log files, oldest first."""

    lines: list[LogLine]
    truncated: bool  # the files hold lines that were not examined or not returned
    bytes_scanned: int


def log_files(reader: Reader, task_dir: Path, attempt: int, stream: LogStream) -> list[LogFile]:
    """The log files of ``attempt`` that exist (one stat per log source)."""
    found = []
    for source in LOG_SOURCES:
        path = task_dir / f"{attempt}.{source}_{stream}.log"
        stat = reader.stat(path)
        if stat is not None:
            found.append(LogFile(source, path, stat.st_size))
    return found


def parse_line(raw: bytes, source: str) -> LogLine:
    """One line (without its ``\\n``). ``source`` is used when the line has no MFLOG prefix
    (or a prefix whose timestamp does not parse: Metaflow keeps those lines whole too)."""
    match = _MFLOG.match(raw)
    if match is not None:
        try:
            moment = datetime.fromisoformat(match.group(1).decode("ascii"))
        except (ValueError, UnicodeDecodeError):
            pass
        else:
            return LogLine(
                text=match.group(4).decode("utf-8", errors="replace"),
                timestamp=moment.replace(tzinfo=timezone.utc).timestamp(),
                source=match.group(2).decode("utf-8", errors="replace"),
            )
    return LogLine(text=raw.decode("utf-8", errors="replace"), timestamp=None, source=source)


def tail_lines(
    reader: Reader,
    files: Sequence[LogFile],
    n: int,
    max_bytes: int,
    pattern: re.Pattern[str] | None = None,
) -> LogSlice:
    """The last ``n`` lines (matching ``pattern`` when given) of the merged ``files``,
    reading at most ``max_bytes`` in all, from the end of each file."""
    return _pick(reader, files, n, max_bytes, pattern, backward=True)


def head_lines(
    reader: Reader,
    files: Sequence[LogFile],
    n: int,
    max_bytes: int,
    pattern: re.Pattern[str] | None = None,
) -> LogSlice:
    """The first ``n`` lines (matching ``pattern`` when given) of the merged ``files``,
    reading at most ``max_bytes`` in all, from the start of each file."""
    return _pick(reader, files, n, max_bytes, pattern, backward=False)


class _Scan:
    """Whole lines of one file in reading order, within a byte budget. After iterating,
    ``cut`` says the budget ended before the file did; ``fragment`` holds the partial line
    at that cut."""

    __slots__ = ("bytes_read", "cut", "fragment")

    def __init__(self) -> None:
        self.bytes_read = 0
        self.cut = False
        self.fragment = b""

    def backward(self, reader: Reader, log: LogFile, budget: int) -> Generator[bytes, None, None]:
        """Lines newest first. ``pending`` holds the pieces (read last-to-first) of the line
        that the next ``\\n`` closes, so a very long line is joined once, not per block."""
        pending: list[bytes] = []
        last_offset: int | None = None
        with closing(reader.tail_blocks(log.path, max_bytes=budget)) as blocks:
            for offset, block in blocks:
                first_block = last_offset is None
                last_offset = offset
                self.bytes_read += len(block)
                parts = block.split(b"\n")
                if len(parts) == 1:
                    pending.append(block)
                    continue
                newest = parts[-1] + b"".join(reversed(pending))
                if not (first_block and newest == b""):  # the file's final "\n" ends no line
                    yield newest
                yield from reversed(parts[1:-1])
                pending = [parts[0]]
        reached_start = last_offset == 0 or (last_offset is None and budget > 0)
        if reached_start:
            if pending:
                yield b"".join(reversed(pending))
        else:
            self.cut = True
            self.fragment = b"".join(reversed(pending))

    def forward(self, reader: Reader, log: LogFile, budget: int) -> Generator[bytes, None, None]:
        """Lines oldest first; ``pending`` holds the pieces of the line still open."""
        pending: list[bytes] = []
        with closing(reader.head_blocks(log.path, max_bytes=budget)) as blocks:
            for _, block in blocks:
                self.bytes_read += len(block)
                parts = block.split(b"\n")
                if len(parts) == 1:
                    pending.append(block)
                    continue
                pending.append(parts[0])
                yield b"".join(pending)
                yield from parts[:-1][1:]
                pending = [parts[-1]]
        rest = b"".join(pending)
        if self.bytes_read < budget or self.bytes_read >= log.size:
            if rest:  # a last line without "\n" (or a task still writing it)
                yield rest
        else:
            self.cut = True
            self.fragment = rest


def _pick(
    reader: Reader,
    files: Sequence[LogFile],
    n: int,
    max_bytes: int,
    pattern: re.Pattern[str] | None,
    backward: bool,
) -> LogSlice:
    """Pick up to ``n`` lines per file (smallest file first, each taking what is left of
    the budget), then merge the files by timestamp and keep ``n`` at the wanted end. The
    last ``n`` merged lines are always among the last ``n`` of each file, so this is exact."""
    budget = max_bytes
    truncated = False
    per_file: list[list[LogLine]] = []
    fragments: list[LogLine] = []
    for log in sorted(files, key=lambda f: f.size):
        scan = _Scan()
        picked: list[LogLine] = []
        lines = (
            scan.backward(reader, log, budget) if backward else scan.forward(reader, log, budget)
        )
        with closing(lines):
            for raw in lines:
                if len(picked) == n:  # a line beyond the n wanted: more than is shown
                    truncated = True
                    break
                line = parse_line(raw, log.source)
                if pattern is None or pattern.search(line.text):
                    picked.append(line)
        budget -= scan.bytes_read
        truncated = truncated or scan.cut
        if scan.fragment:
            text = scan.fragment.decode("utf-8", errors="replace")
            if pattern is None or pattern.search(text):
                fragments.append(LogLine(text=text, timestamp=None, source=log.source))
        per_file.append(picked[::-1] if backward else picked)
    merged = _merge(per_file)
    if len(merged) > n:
        truncated = True
        merged = merged[-n:] if backward else merged[:n]
    if not merged and fragments:  # no whole line fits the budget: show what was read
        merged = fragments[:1]
    return LogSlice(merged, truncated, max_bytes - budget)


def _merge(per_file: list[list[LogLine]]) -> list[LogLine]:
    """Merge files' lines (each oldest first) by timestamp, like Metaflow's client. A line
    without a timestamp sorts with the line before it in its file (or the first dated line
    after it), so unprefixed continuation lines stay next to their neighbours; ties keep
    file order (runtime before task)."""
    if len(per_file) == 1:
        return per_file[0]
    keyed: list[list[tuple[float, LogLine]]] = []
    for lines in per_file:
        dated = [line.timestamp for line in lines if line.timestamp is not None]
        current = dated[0] if dated else 0.0
        keys = []
        for line in lines:
            if line.timestamp is not None:
                current = line.timestamp
            keys.append((current, line))
        keyed.append(keys)
    return [line for _, line in heapq.merge(*keyed, key=lambda pair: pair[0])]
