"""A run's timeline: one bar per task attempt, from file names and status files.

The local metadata provider records each attempt's start and end as files named by their
time in milliseconds (``_meta/sysmeta_attempt_<ms>.json``, ``_meta/sysmeta_attempt-done_
<ms>.json``), so one listing of a task's ``_meta`` folder gives every attempt's times
without opening a file. Attempts run one after the other and Metaflow retries only a failed
attempt, so every attempt before the latest failed; the latest's status is the task's
status (:func:`~.layout.read_task_state`).

Cost: what :mod:`.run_tasks` costs (a listing of the run and of each step; per task at most
one small ``N.runtime`` read, a listing when it was retried), one listing of each task's
``_meta`` folder, and one read of the run's ``_meta/_self.json`` (its start time).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..api import Limits
from ..model import Problem, Timeline, TimelineBar
from .layout import LocalLayout
from .reader import Reader
from .resolve import require
from .run_info import read_run_meta
from .run_tasks import TaskEntry, iter_tasks, run_status

__all__ = ["run_bars", "task_bars", "timeline"]

_STARTED = re.compile(r"^sysmeta_attempt_(\d+)\.json$")
_DONE = re.compile(r"^sysmeta_attempt-done_(\d+)\.json$")


def timeline(reader: Reader, layout: LocalLayout, run: str) -> Timeline:
    spec = require(reader, layout, run, "run")
    assert spec.run_id is not None
    problems: list[Problem] = []
    meta = read_run_meta(reader, layout, spec.flow, spec.run_id, problems)
    tasks, bars = run_bars(reader, layout, spec.flow, spec.run_id, problems)
    status, finished_at = run_status(tasks)
    starts = [b.started_at for b in bars if b.started_at is not None]
    started_at = meta.started_at if meta.started_at is not None else min(starts, default=None)
    return Timeline(
        run=str(spec),
        started_at=started_at,
        finished_at=None if status == "running" else finished_at,
        bars=bars,
        cost=reader.cost,
        problems=problems,
    )


def run_bars(
    reader: Reader, layout: LocalLayout, flow: str, run_id: str, problems: list[Problem]
) -> tuple[list[TaskEntry], list[TimelineBar]]:
    """Every task of the run (at most ``Limits.tasks_max``) and their bars by start time."""
    tasks = list(iter_tasks(reader, layout, flow, run_id, Limits.tasks_max + 1))
    if len(tasks) > Limits.tasks_max:
        tasks = tasks[: Limits.tasks_max]
        problems.append(
            Problem(f"{flow}/{run_id}", f"only the first {Limits.tasks_max} tasks are shown")
        )
    bars: list[TimelineBar] = []
    for task in tasks:
        if task.state.problem is not None:
            problems.append(task.state.problem)
        bars.extend(task_bars(reader, task))
    bars.sort(key=lambda b: (b.started_at is None, b.started_at or 0.0, b.pathspec, b.attempt))
    return tasks, bars


def task_bars(reader: Reader, task: TaskEntry) -> list[TimelineBar]:
    """The task's attempts: times from the names in its ``_meta`` folder (one listing)."""
    starts: list[int] = []
    dones: list[int] = []
    for name in reader.names(f"{task.folder}/_meta"):
        if (m := _STARTED.match(name)) is not None:
            starts.append(int(m.group(1)))
        elif (m := _DONE.match(name)) is not None:
            dones.append(int(m.group(1)))
    starts.sort()
    latest = task.state.attempt
    if latest is None and not starts:
        return []  # the folder exists, no attempt has begun
    count = max(len(starts), (latest if latest is not None else -1) + 1)
    bars = []
    for attempt in range(count):
        begin = starts[attempt] if attempt < len(starts) else None
        following = starts[attempt + 1] if attempt + 1 < len(starts) else None
        end = _done_between(dones, begin, following)
        is_latest = attempt == count - 1
        status = (task.state.status or "running") if is_latest else "failed"
        finished = end / 1000 if end is not None else None
        if is_latest and finished is None and status != "running":
            finished = task.state.finished_at  # killed: no attempt-done, N.runtime's mtime
        bars.append(
            TimelineBar(
                pathspec=task.pathspec,
                step=task.step,
                task_id=task.task_id,
                attempt=attempt,
                status=status,
                started_at=begin / 1000 if begin is not None else None,
                finished_at=None if status == "running" else finished,
            )
        )
    return bars


def _done_between(dones: Iterable[int], begin: int | None, following: int | None) -> int | None:
    """The attempt's end: the first ``attempt-done`` at or after its start and before the
    next attempt's start (a killed attempt writes none, so ends cannot be paired by index)."""
    found = [
        d for d in dones if (begin is None or d >= begin) and (following is None or d < following)
    ]
    return min(found) if found else None
