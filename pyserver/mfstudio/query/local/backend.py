"""The local backend: reads ``.metaflow`` directly, read-only, through a counting Reader.

Thin: each operation lives in its own module (runs, failures, logs, artifacts, preview,
cards); this class holds the layout and gives each call a fresh :class:`Reader` whose cost
becomes the result's cost.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from ..api import RunFilter
from ..model import (
    ArtifactList,
    ArtifactPreview,
    CardList,
    Comparison,
    FailureReport,
    Lineage,
    LogExcerpt,
    LogStream,
    RunPage,
    RunSummary,
    TaskList,
    Timeline,
)
from . import artifacts as _artifacts
from . import cards as _cards
from . import compare as _compare
from . import failures as _failures
from . import graph as _graph
from . import lineage as _lineage
from . import logs as _logs
from . import preview as _preview
from . import runs as _runs
from . import tasks as _tasks
from . import timeline as _timeline
from .layout import LocalLayout
from .reader import Reader
from .run_cache import FinishedRunCache
from .run_order import RunOrderCache

__all__ = ["LocalBackend"]


class LocalBackend:
    """Implements :class:`~mfstudio.query.api.QueryBackend` over one ``.metaflow`` folder."""

    __slots__ = ("_finished", "_orders", "layout")

    def __init__(self, layout: LocalLayout) -> None:
        self.layout = layout
        # Long-lived backends (LSP, MCP, the UI server) page through big flows at the cost
        # of one stat, and a run that ended well costs two more.
        self._orders = RunOrderCache()
        self._finished = FinishedRunCache()

    @classmethod
    def open(cls, root: str | os.PathLike[str] | None = None) -> LocalBackend:
        return cls(LocalLayout.discover(root))

    @property
    def where(self) -> str:
        return f"the local datastore {self.layout.metaflow_dir}"

    def list_flows(self) -> list[str]:
        return _runs.list_flows(Reader(), self.layout)

    def list_runs(
        self, flow: str, runs_filter: RunFilter, limit: int, cursor: str | None
    ) -> RunPage:
        return _runs.list_runs(
            Reader(), self.layout, flow, runs_filter, limit, cursor, self._orders, self._finished
        )

    def run_summary(self, run: str) -> RunSummary:
        return _runs.run_summary(Reader(), self.layout, run)

    def tasks(self, step: str, limit: int) -> TaskList:
        return _tasks.tasks(Reader(), self.layout, step, limit)

    def failures(self, run: str, limit: int, stderr_lines: int) -> FailureReport:
        return _failures.failures(Reader(), self.layout, run, limit, stderr_lines)

    def logs(
        self,
        task: str,
        stream: LogStream,
        tail: int | None,
        head: int | None,
        grep: str | None,
        max_bytes: int,
        attempt: int | None,
    ) -> LogExcerpt:
        return _logs.logs(Reader(), self.layout, task, stream, tail, head, grep, max_bytes, attempt)

    def artifacts(
        self,
        scope: str,
        name: str | None,
        type: str | None,
        min_size: int | None,
        max_size: int | None,
        limit: int,
        include_private: bool,
    ) -> ArtifactList:
        return _artifacts.artifacts(
            Reader(), self.layout, scope, name, type, min_size, max_size, limit, include_private
        )

    def artifact_value(self, task: str, name: str, max_bytes: int) -> ArtifactPreview:
        return _preview.artifact_value(Reader(), self.layout, task, name, max_bytes)

    def cards(self, task: str, include_html: bool, max_bytes: int) -> CardList:
        return _cards.cards(Reader(), self.layout, task, include_html, max_bytes)

    def run_graph(self, run: str) -> dict[str, Any]:
        return _graph.run_graph(Reader(), self.layout, run)

    def timeline(self, run: str) -> Timeline:
        return _timeline.timeline(Reader(), self.layout, run)

    def compare_runs(self, runs: Sequence[str]) -> Comparison:
        return _compare.compare_runs(Reader(), self.layout, runs)

    def lineage(self, run: str, artifact: str) -> Lineage:
        return _lineage.lineage(Reader(), self.layout, run, artifact)
