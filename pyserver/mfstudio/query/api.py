"""The query operations and the backend interface they run on.

Each operation is a plain function with explicit limits, returning a typed result with its
:class:`~mfstudio.query.model.Cost`. ``backend=`` picks where to read: by default the local
datastore found from the current folder (see :meth:`LocalLayout.discover`). A metadata
service backend implements the same :class:`QueryBackend` protocol later, mapping
``cursor``/filters to server-side pagination and filters.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Protocol

from .errors import BadQueryError
from .model import (
    ArtifactList,
    ArtifactPreview,
    CardList,
    Comparison,
    FailureReport,
    Lineage,
    LogExcerpt,
    LogStream,
    RunPage,
    RunStatus,
    RunSummary,
    TaskList,
    Timeline,
)

__all__ = [
    "DEFAULT_LIMITS",
    "QueryBackend",
    "RunFilter",
    "artifact_value",
    "artifacts",
    "cards",
    "compare_runs",
    "failures",
    "lineage",
    "list_runs",
    "logs",
    "open_backend",
    "run_graph",
    "run_summary",
    "tasks",
    "timeline",
]


class Limits:
    """Defaults and hard caps. A caller may lower any limit; raising past the cap is a
    :class:`BadQueryError`, so no call can turn into an unbounded scan by accident."""

    runs_page = 20
    runs_page_max = 1000
    runs_scan_max = 5000  # runs examined per page when filters skip runs
    failures = 50
    failures_max = 10_000
    tasks_max = 100_000  # tasks examined by one failures/artifacts call
    log_lines = 100
    log_lines_max = 100_000
    log_bytes = 1_000_000
    log_bytes_max = 50_000_000
    stderr_tail = 20
    tasks_page = 1000
    artifacts = 1000
    artifacts_max = 100_000
    preview_bytes = 100_000_000  # largest blob artifact_value unpickles
    preview_chars = 2000
    card_bytes = 20_000_000


DEFAULT_LIMITS = Limits()


def check_limit(name: str, value: int, cap: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadQueryError(f"{name} must be a positive whole number, got {value!r}.")
    if value > cap:
        raise BadQueryError(
            f"{name}={value} is above the cap of {cap}; page with a cursor instead."
        )
    return value


class RunFilter:
    """The filters of :func:`list_runs`, validated once."""

    __slots__ = ("q", "since", "status", "tags", "until", "user")

    def __init__(
        self,
        status: RunStatus | None = None,
        since: float | None = None,
        until: float | None = None,
        tags: Sequence[str] = (),
        user: str | None = None,
        q: str | None = None,
    ) -> None:
        if status not in (None, "running", "succeeded", "failed"):
            raise BadQueryError(f"status must be running, succeeded or failed, got {status!r}.")
        if since is not None and until is not None and since > until:
            raise BadQueryError("since is after until; swap them.")
        self.status = status
        self.since = since
        self.until = until
        self.tags = tuple(tags)
        self.user = user
        # ``q``: a case-insensitive substring of the run id, the user or a user tag.
        self.q = q.strip().casefold() if q is not None and q.strip() else None


class QueryBackend(Protocol):
    """Where runs are read from. ``where`` names it in messages ("the local datastore
    /home/me/proj/.metaflow")."""

    @property
    def where(self) -> str: ...

    def list_flows(self) -> list[str]: ...

    def list_runs(
        self, flow: str, runs_filter: RunFilter, limit: int, cursor: str | None
    ) -> RunPage: ...

    def run_summary(self, run: str) -> RunSummary: ...

    def tasks(self, step: str, limit: int) -> TaskList: ...

    def failures(self, run: str, limit: int, stderr_lines: int) -> FailureReport: ...

    def logs(
        self,
        task: str,
        stream: LogStream,
        tail: int | None,
        head: int | None,
        grep: str | None,
        max_bytes: int,
        attempt: int | None,
    ) -> LogExcerpt: ...

    def artifacts(
        self,
        scope: str,
        name: str | None,
        type: str | None,
        min_size: int | None,
        max_size: int | None,
        limit: int,
        include_private: bool,
    ) -> ArtifactList: ...

    def artifact_value(self, task: str, name: str, max_bytes: int) -> ArtifactPreview: ...

    def cards(self, task: str, include_html: bool, max_bytes: int) -> CardList: ...

    def run_graph(self, run: str) -> dict[str, Any]: ...

    def timeline(self, run: str) -> Timeline: ...

    def compare_runs(self, runs: Sequence[str]) -> Comparison: ...

    def lineage(self, run: str, artifact: str) -> Lineage: ...


def open_backend(root: str | os.PathLike[str] | None = None) -> QueryBackend:
    """The local backend for the datastore at ``root`` (see :meth:`LocalLayout.discover`)."""
    from .local.backend import LocalBackend

    return LocalBackend.open(root)


def _backend(backend: QueryBackend | None) -> QueryBackend:
    return backend if backend is not None else open_backend()


def list_runs(
    flow: str,
    *,
    status: RunStatus | None = None,
    since: float | None = None,
    until: float | None = None,
    tags: Sequence[str] = (),
    user: str | None = None,
    q: str | None = None,
    limit: int = Limits.runs_page,
    cursor: str | None = None,
    backend: QueryBackend | None = None,
) -> RunPage:
    """Runs of ``flow``, newest first, one page. ``tags`` must all be present (user or
    system tags); ``q`` searches run ids, users and user tags (substring, any case). The
    cost of a page does not grow with the number of runs the flow has."""
    check_limit("limit", limit, Limits.runs_page_max)
    runs_filter = RunFilter(status, since, until, tags, user, q)
    return _backend(backend).list_runs(flow, runs_filter, limit, cursor)


def run_summary(run: str, *, backend: QueryBackend | None = None) -> RunSummary:
    """Steps of ``run`` ("Flow/run_id") with task counts per state, durations, first
    failures; the run's parameters and tags."""
    return _backend(backend).run_summary(run)


def tasks(
    step: str, *, limit: int = Limits.tasks_page, backend: QueryBackend | None = None
) -> TaskList:
    """Tasks of ``step`` ("Flow/run_id/step") with their latest attempt and status, failed
    first: one listing and one small status file per task (at most ``Limits.tasks_max``)."""
    check_limit("limit", limit, Limits.tasks_max)
    return _backend(backend).tasks(step, limit)


def failures(
    run: str,
    *,
    limit: int = Limits.failures,
    stderr_lines: int = Limits.stderr_tail,
    backend: QueryBackend | None = None,
) -> FailureReport:
    """Failed tasks of ``run`` with exception and stderr tail, reading at most one small
    status file per task (plus the exception and log tail of the failed ones)."""
    check_limit("limit", limit, Limits.failures_max)
    check_limit("stderr_lines", stderr_lines, Limits.log_lines_max)
    return _backend(backend).failures(run, limit, stderr_lines)


def logs(
    task: str,
    stream: LogStream = "stdout",
    *,
    tail: int | None = None,
    head: int | None = None,
    grep: str | None = None,
    max_bytes: int = Limits.log_bytes,
    attempt: int | None = None,
    backend: QueryBackend | None = None,
) -> LogExcerpt:
    """Lines of a task's log: the last ``tail`` (default 100), the first ``head``, or the
    lines matching the regular expression ``grep`` (newest last), reading at most
    ``max_bytes``. ``attempt`` defaults to the latest."""
    if stream not in ("stdout", "stderr"):
        raise BadQueryError(f"stream must be stdout or stderr, got {stream!r}.")
    if sum(x is not None for x in (tail, head)) > 1:
        raise BadQueryError("Give tail or head, not both.")
    if tail is None and head is None:
        tail = Limits.log_lines
    for name, value in (("tail", tail), ("head", head)):
        if value is not None:
            check_limit(name, value, Limits.log_lines_max)
    check_limit("max_bytes", max_bytes, Limits.log_bytes_max)
    if attempt is not None and (isinstance(attempt, bool) or attempt < 0):
        raise BadQueryError(f"attempt must be 0 or more, got {attempt!r}.")
    return _backend(backend).logs(task, stream, tail, head, grep, max_bytes, attempt)


def artifacts(
    scope: str,
    *,
    name: str | None = None,
    type: str | None = None,
    min_size: int | None = None,
    max_size: int | None = None,
    limit: int = Limits.artifacts,
    include_private: bool = False,
    backend: QueryBackend | None = None,
) -> ArtifactList:
    """Artifacts (name, size, type, sha) of a task, step, run, or every run of a flow,
    from metadata only: nothing is unpickled. ``name`` and ``type`` are glob patterns
    (``type`` matches the full or the short type name)."""
    check_limit("limit", limit, Limits.artifacts_max)
    for label, size in (("min_size", min_size), ("max_size", max_size)):
        if size is not None and (isinstance(size, bool) or size < 0):
            raise BadQueryError(f"{label} must be 0 or more bytes, got {size!r}.")
    if min_size is not None and max_size is not None and min_size > max_size:
        raise BadQueryError("min_size is larger than max_size; swap them.")
    return _backend(backend).artifacts(
        scope, name, type, min_size, max_size, limit, include_private
    )


def artifact_value(
    task: str,
    name: str,
    *,
    max_bytes: int = Limits.preview_bytes,
    backend: QueryBackend | None = None,
) -> ArtifactPreview:
    """A safe preview of one artifact's value (truncated repr, DataFrame head, array shape
    and dtype). This is the one operation that unpickles, and only this artifact; blobs
    larger than ``max_bytes`` are refused with a message saying how large they are."""
    check_limit("max_bytes", max_bytes, 10 * Limits.preview_bytes)
    return _backend(backend).artifact_value(task, name, max_bytes)


def cards(
    task: str,
    *,
    include_html: bool = True,
    max_bytes: int = Limits.card_bytes,
    backend: QueryBackend | None = None,
) -> CardList:
    """The cards of a task, with their HTML when ``include_html`` (each at most
    ``max_bytes``; larger ones come without HTML and a problem saying so)."""
    check_limit("max_bytes", max_bytes, 10 * Limits.card_bytes)
    return _backend(backend).cards(task, include_html, max_bytes)


def run_graph(run: str, *, backend: QueryBackend | None = None) -> dict[str, Any]:
    """The FlowGraph JSON (media/src/protocol.ts) of the graph ``run`` ran, from its
    ``_graph_info`` artifact rather than today's source: two small reads."""
    return _backend(backend).run_graph(run)


def timeline(run: str, *, backend: QueryBackend | None = None) -> Timeline:
    """One bar per task attempt of ``run`` with start, end and status, from file names in
    each task's metadata folder and its status file: no data file is opened."""
    return _backend(backend).timeline(run)


def compare_runs(runs: Sequence[str], *, backend: QueryBackend | None = None) -> Comparison:
    """2 to 8 runs of one flow against the first: parameters, artifacts by sha (small
    scalar values side by side), step durations and statuses."""
    return _backend(backend).compare_runs(list(runs) if not isinstance(runs, str) else [runs])


def lineage(run: str, artifact: str, *, backend: QueryBackend | None = None) -> Lineage:
    """Which steps of ``run`` produced, read and passed on ``artifact``, and the steps of
    resume origin runs it was cloned from."""
    return _backend(backend).lineage(run, artifact)
