"""Bounded reads of task logs (MFLOG lines), seeking from the end."""

from __future__ import annotations

from ..model import LogExcerpt, LogStream
from .layout import LocalLayout
from .reader import Reader


def logs(
    reader: Reader,
    layout: LocalLayout,
    task: str,
    stream: LogStream,
    tail: int | None,
    head: int | None,
    grep: str | None,
    max_bytes: int,
    attempt: int | None,
) -> LogExcerpt:
    raise NotImplementedError
