"""Progress of a batch: a callback, or a one-line bar on stderr when a person is watching.

``progress`` arguments accept ``None`` (a bar only when stderr is a terminal, so logs and CI
output stay clean), ``True`` / ``False`` (always / never a bar), or a callable
``progress(done, total)`` called after each finished batch of records (``total`` is None
when the input's length is unknown, e.g. a JSON Lines file being read as it goes).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["ProgressArg", "ProgressCallback", "Reporter", "reporter", "wanted"]

ProgressCallback = Callable[[int, "int | None"], None]
ProgressArg = bool | ProgressCallback | None


class Reporter:
    """Counts finished records and tells the callback (or draws the bar)."""

    def __init__(self, callback: ProgressCallback | None, total: int | None) -> None:
        self.callback = callback
        self.total = total
        self.done = 0

    def advance(self, count: int) -> None:
        self.done += count
        if self.callback is not None:
            self.callback(self.done, self.total)

    def close(self) -> None:
        """The batch ended (finished or failed)."""


class _Bar(Reporter):
    """``label  [#######.....]  7000/10000  70%  1234 rec/s  eta 2s`` redrawn in place,
    at most ten times a second (drawing is not free on a slow terminal)."""

    def __init__(self, label: str, total: int | None, out: TextIO) -> None:
        super().__init__(None, total)
        self.label = label
        self.out = out
        self.started = time.monotonic()
        self.drawn_at = 0.0

    def advance(self, count: int) -> None:
        super().advance(count)
        now = time.monotonic()
        if now - self.drawn_at >= 0.1 or self.done == self.total:
            self.drawn_at = now
            self._draw(now)

    def close(self) -> None:
        self._draw(time.monotonic())
        self.out.write("\n")
        self.out.flush()

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        if self.total:
            filled = int(30 * self.done / self.total)
            eta = (self.total - self.done) / rate if rate else 0.0
            text = (
                f"{self.label}  [{'#' * filled}{'.' * (30 - filled)}]  {self.done}/{self.total}"
                f"  {100 * self.done // self.total}%  {rate:.0f} rec/s  eta {eta:.0f}s"
            )
        else:
            text = f"{self.label}  {self.done} records  {rate:.0f} rec/s  {elapsed:.0f}s"
        self.out.write("\r" + text)
        self.out.flush()


def wanted(progress: ProgressArg) -> bool:
    """Whether anyone will see the progress (worth counting the records first)."""
    return callable(progress) or bool(sys.stderr.isatty() if progress is None else progress)


def reporter(progress: ProgressArg, total: int | None, label: str) -> Reporter:
    """The reporter that ``progress`` asks for (see the module's docstring)."""
    if callable(progress):
        return Reporter(progress, total)
    return _Bar(label, total, sys.stderr) if wanted(progress) else Reporter(None, total)
