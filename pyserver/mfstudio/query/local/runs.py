"""Flows, runs of a flow (newest first, paged by cursor) and one run's summary.

``list_runs`` lists the flow folder once and orders ids without reading anything per run
(:mod:`.run_order`); then it examines runs in that order, reading per run only what the
filters need (metadata for user and tags, then status), until the page is full or
``Limits.runs_scan_max`` runs were examined. Runs on the page cost a fixed number of reads
each (:mod:`.run_info`), so a page costs the same in a flow with ten runs or fifty thousand.
A long-lived backend passes a :class:`.FinishedRunCache`: a run that ended well then costs
two stats.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from ..api import Limits, RunFilter
from ..model import (
    Problem,
    RunInfo,
    RunPage,
    RunStatus,
    RunSummary,
    StepSummary,
    TaskStatus,
)
from .failures import describe_failure
from .layout import LocalLayout, is_run_id
from .reader import Reader
from .resolve import require
from .run_cache import CachedRun, FinishedRunCache
from .run_info import (
    RunMeta,
    make_run_info,
    read_origin_run_id,
    read_parameters,
    read_run_meta,
    read_run_status,
)
from .run_order import RunOrder, RunOrderCache, decode_cursor, encode_cursor, id_time
from .run_tasks import TaskEntry, iter_tasks, run_status

__all__ = ["list_flows", "list_runs", "run_summary"]

_NOT_FLOWS = frozenset({"mf.cards"})


def list_flows(reader: Reader, layout: LocalLayout) -> list[str]:
    """Flow folders of the datastore, sorted (not ``mf.cards``, not dot folders)."""
    return sorted(
        entry.name
        for entry in reader.entries(layout.metaflow_dir)
        if entry.is_dir() and not entry.name.startswith(".") and entry.name not in _NOT_FLOWS
    )


def list_runs(
    reader: Reader,
    layout: LocalLayout,
    flow: str,
    runs_filter: RunFilter,
    limit: int,
    cursor: str | None,
    orders: RunOrderCache | None = None,
    finished: FinishedRunCache | None = None,
) -> RunPage:
    spec = require(reader, layout, flow, "flow")
    after = decode_cursor(spec.flow, cursor) if cursor is not None else None
    flow_dir = layout.flow_dir(spec.flow)

    def build() -> RunOrder:
        return RunOrder(reader.names(flow_dir), is_run_id)

    if orders is None:
        order = build()
    else:
        stat = reader.stat(flow_dir)
        order = orders.get(str(flow_dir), stat.st_mtime_ns if stat else None, build)
    candidates = order.after(after, runs_filter.since, runs_filter.until, first=limit + 1)
    runs: list[RunInfo] = []
    problems: list[Problem] = []
    scanned = 0
    last: str | None = None
    for run_id in candidates:
        if len(runs) == limit or scanned == Limits.runs_scan_max:
            return _page(runs, spec.flow, last, scanned, reader, problems)
        scanned += 1
        last = run_id
        info = _examine(reader, layout, spec.flow, run_id, runs_filter, problems, finished)
        if info is not None:
            runs.append(info)
    return RunPage(runs, None, scanned, reader.cost, problems)


def _page(
    runs: list[RunInfo],
    flow: str,
    last: str | None,
    scanned: int,
    reader: Reader,
    problems: list[Problem],
) -> RunPage:
    """A page with more runs after it: the cursor resumes after the last run examined."""
    cursor = encode_cursor(flow, last) if last is not None else None
    return RunPage(runs, cursor, scanned, reader.cost, problems)


def _examine(
    reader: Reader,
    layout: LocalLayout,
    flow: str,
    run_id: str,
    runs_filter: RunFilter,
    problems: list[Problem],
    finished: FinishedRunCache | None = None,
) -> RunInfo | None:
    """The run's info when it passes the filters, reading the cheap parts first; the
    problems of runs that are filtered out are not reported."""
    stamp = _stamp(reader, layout, flow, run_id) if finished is not None else None
    cached = finished.get(flow, run_id, stamp) if finished and stamp else None
    if cached is not None:
        if not _passes_meta(cached.meta, run_id, runs_filter):
            return None
        if runs_filter.status is not None and cached.status != runs_filter.status:
            return None
        return make_run_info(flow, run_id, *_parts(cached))
    found: list[Problem] = []
    meta = read_run_meta(reader, layout, flow, run_id, found)
    if not _passes_meta(meta, run_id, runs_filter):
        return None
    status, finished_at = read_run_status(reader, layout, flow, run_id, found)
    if runs_filter.status is not None and status != runs_filter.status:
        return None
    parameters = read_parameters(reader, layout, flow, run_id, found)
    origin = read_origin_run_id(reader, layout, flow, run_id)
    problems.extend(found)
    run = CachedRun(meta, status, finished_at, parameters, origin)
    if finished is not None and stamp is not None and not found:
        finished.put(flow, run_id, stamp, run)
    return make_run_info(flow, run_id, *_parts(run))


def _parts(run: CachedRun) -> tuple[RunMeta, RunStatus, float | None, dict[str, str], str | None]:
    return run.meta, run.status, run.finished_at, run.parameters, run.origin_run_id


def _stamp(reader: Reader, layout: LocalLayout, flow: str, run_id: str) -> tuple[int, int] | None:
    """When the run folder or its tags last changed (None when either is missing)."""
    run_dir = layout.run_dir(flow, run_id)
    folder, meta = reader.stat(run_dir), reader.stat(run_dir / "_meta" / "_self.json")
    if folder is None or meta is None:
        return None
    return folder.st_mtime_ns, meta.st_mtime_ns


def _passes_meta(meta: RunMeta, run_id: str, runs_filter: RunFilter) -> bool:
    if runs_filter.user is not None and not meta.by_user(runs_filter.user):
        return False
    if runs_filter.tags and not meta.has_tags(runs_filter.tags):
        return False
    if runs_filter.q is not None and not meta.matches(run_id, runs_filter.q):
        return False
    if id_time(run_id) is not None:  # RunOrder already applied since/until to the id
        return True
    started = meta.started_at
    if runs_filter.since is not None and (started is None or started < runs_filter.since):
        return False
    return not (runs_filter.until is not None and (started is None or started > runs_filter.until))


def run_summary(reader: Reader, layout: LocalLayout, run: str) -> RunSummary:
    """The run's info and its steps in order of first start, from one pass over its tasks
    (a listing and a status file each), one start-time read per step, and the exception
    and stderr tail of each step's first failed task."""
    spec = require(reader, layout, run, "run")
    assert spec.run_id is not None
    flow, run_id = spec.flow, spec.run_id
    problems: list[Problem] = []
    meta = read_run_meta(reader, layout, flow, run_id, problems)
    tasks = list(iter_tasks(reader, layout, flow, run_id, Limits.tasks_max))
    problems.extend(t.state.problem for t in tasks if t.state.problem is not None)
    status, finished_at = run_status(tasks)
    parameters = read_parameters(reader, layout, flow, run_id, problems)
    origin = read_origin_run_id(reader, layout, flow, run_id)
    info = make_run_info(flow, run_id, meta, status, finished_at, parameters, origin)
    steps = [
        _step_summary(reader, layout, name, group, problems) for name, group in _by_step(tasks)
    ]
    steps.sort(key=lambda s: (s.started_at is None, s.started_at or 0.0, s.name))
    return RunSummary(info, steps, reader.cost, problems)


def _by_step(tasks: list[TaskEntry]) -> Iterator[tuple[str, list[TaskEntry]]]:
    groups: dict[str, list[TaskEntry]] = {}
    for task in tasks:
        groups.setdefault(task.step, []).append(task)
    yield from groups.items()


def _step_summary(
    reader: Reader,
    layout: LocalLayout,
    name: str,
    tasks: list[TaskEntry],
    problems: list[Problem],
) -> StepSummary:
    """Task counts per state; the step started when its first task (lowest id: local task
    ids are handed out in launch order) began its first attempt, and finished when its
    last status file was written, once no task is running."""
    counts: dict[TaskStatus, int] = {"running": 0, "succeeded": 0, "failed": 0}
    for task in tasks:
        counts[task.state.status or "running"] += 1
    started_at = _attempt_start(reader, tasks[0])
    ends = [t.state.finished_at for t in tasks if t.state.finished_at is not None]
    finished_at = max(ends) if ends and counts["running"] == 0 else None
    duration = None
    if started_at is not None:
        duration = max(0.0, (finished_at if finished_at is not None else time.time()) - started_at)
    failed = [t for t in tasks if t.state.status == "failed"]
    first_failure = None
    if failed:
        first = min(failed, key=lambda t: (t.state.finished_at is None, t.state.finished_at or 0.0))
        first_failure = describe_failure(reader, layout, first, Limits.stderr_tail, problems)
    return StepSummary(name, counts, started_at, finished_at, duration, first_failure)


def _attempt_start(reader: Reader, task: TaskEntry) -> float | None:
    """``time`` of the task's ``0.attempt.json`` (when attempt 0 began)."""
    try:
        data = reader.read_json(task.path / "0.attempt.json")
    except ValueError:
        return None
    value = data.get("time") if isinstance(data, dict) else None
    return float(value) if isinstance(value, int | float) else None
