"""Failed tasks of a run, from status files; exceptions and stderr tails of failed ones."""

from __future__ import annotations

from ..model import FailureReport
from .layout import LocalLayout
from .reader import Reader


def failures(
    reader: Reader, layout: LocalLayout, run: str, limit: int, stderr_lines: int
) -> FailureReport:
    raise NotImplementedError
