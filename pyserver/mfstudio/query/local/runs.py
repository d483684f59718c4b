"""Runs of a flow (newest first, paged by cursor) and one run's summary."""

from __future__ import annotations

from ..api import RunFilter
from ..model import RunPage, RunSummary
from .layout import LocalLayout
from .reader import Reader


def list_flows(reader: Reader, layout: LocalLayout) -> list[str]:
    raise NotImplementedError


def list_runs(
    reader: Reader,
    layout: LocalLayout,
    flow: str,
    runs_filter: RunFilter,
    limit: int,
    cursor: str | None,
) -> RunPage:
    raise NotImplementedError


def run_summary(reader: Reader, layout: LocalLayout, run: str) -> RunSummary:
    raise NotImplementedError
