"""Which tasks a function can be bound to, through the query layer (artifact names only:
nothing is unpickled).

For a function that reads ``params.model``, the candidates are the tasks of the newest runs
(``RUNS_PER_FLOW`` per flow) that have any of the artifacts it reads, each with the ones it
lacks (``missing``): a task that lacks nothing can be bound. When the reads are unknown
(the function uses its parameters dynamically) or it reads none, every run's ``end`` task
that has artifacts is a candidate: the end of a run holds what the run produced.

``suggested`` is the newest task of a succeeded run that lacks nothing. Cost: per flow one
run listing, then per run one artifact listing (one small metadata file per task) and one
task listing per step that has candidates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from mfstudio import query
from mfstudio.query import QueryBackend
from mfstudio.query.errors import NotFoundError
from mfstudio.query.model import RunInfo

__all__ = ["MAX_TASKS", "RUNS_PER_FLOW", "CandidateTask", "TaskCandidates", "candidate_tasks"]

RUNS_PER_FLOW = 20
"""Newest runs of each flow looked at."""
MAX_TASKS = 200
"""Candidates returned at most (newest first)."""
_ARTIFACTS_PER_RUN = 20_000

RunStatus = Literal["succeeded", "failed", "running", "unknown"]


@dataclass(frozen=True, slots=True)
class CandidateTask:
    """``FunctionTask`` of functionsProtocol.ts."""

    pathspec: str
    flow: str
    run: str
    step: str
    finished_at: float | None
    run_status: RunStatus
    missing: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "pathspec": self.pathspec,
            "flow": self.flow,
            "run": self.run,
            "step": self.step,
            "finished_at": self.finished_at,
            "run_status": self.run_status,
            "missing": list(self.missing),
        }


@dataclass(frozen=True, slots=True)
class TaskCandidates:
    tasks: list[CandidateTask]  # newest first
    suggested: str | None

    def to_json(self) -> dict[str, Any]:
        return {"tasks": [t.to_json() for t in self.tasks], "suggested": self.suggested}


def candidate_tasks(
    reads: Sequence[str] | None,
    backend: QueryBackend,
    runs_per_flow: int = RUNS_PER_FLOW,
    max_tasks: int = MAX_TASKS,
) -> TaskCandidates:
    """The tasks of ``backend``'s newest runs a function reading ``reads`` can bind to."""
    found: list[CandidateTask] = []
    for flow in backend.list_flows():
        for run in query.list_runs(flow, limit=runs_per_flow, backend=backend).runs:
            found.extend(_run_candidates(run, reads, backend))
    found.sort(key=_newest_first)
    found = found[:max_tasks]
    suggested = next(
        (t.pathspec for t in found if t.run_status == "succeeded" and not t.missing), None
    )
    return TaskCandidates(found, suggested)


def _newest_first(task: CandidateTask) -> tuple[float, str]:
    # A task still running has no end time yet: it is the newest of all.
    finished = float("inf") if task.finished_at is None else task.finished_at
    return (-finished, task.pathspec)


def _run_candidates(
    run: RunInfo, reads: Sequence[str] | None, backend: QueryBackend
) -> list[CandidateTask]:
    wanted = list(reads or [])
    scope = f"{run.pathspec}/end" if not wanted else run.pathspec
    try:
        listing = query.artifacts(scope, limit=_ARTIFACTS_PER_RUN, backend=backend)
    except NotFoundError:  # no end step yet (running or failed before it)
        return []
    names: dict[str, set[str]] = defaultdict(set)
    for artifact in listing.artifacts:
        names[artifact.pathspec].add(artifact.name)
    if wanted:
        names = {task: have for task, have in names.items() if have & set(wanted)}
    status: RunStatus = (
        run.status if run.status in ("succeeded", "failed", "running") else "unknown"
    )
    finished = _finish_times({task.rsplit("/", 1)[0] for task in names}, backend)
    return [
        CandidateTask(
            pathspec=task,
            flow=run.flow,
            run=run.run_id,
            step=task.split("/")[2],
            finished_at=finished.get(task),
            run_status=status,
            missing=[name for name in wanted if name not in have],
        )
        for task, have in names.items()
    ]


def _finish_times(steps: set[str], backend: QueryBackend) -> dict[str, float | None]:
    times: dict[str, float | None] = {}
    for step in sorted(steps):
        for task in query.tasks(step, backend=backend).tasks:
            times[task.pathspec] = task.finished_at
    return times
