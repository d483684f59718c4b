"""The tasks of one step with their latest attempt and status (the Runs tree's task level).

Cost: one listing of the step folder, then per task one listing and at most one small
``N.runtime`` read (:func:`read_task_state`). It grows with the step's tasks only, capped
at ``Limits.tasks_max``; no data files are opened.
"""

from __future__ import annotations

from ..api import Limits
from ..model import Problem, TaskInfo, TaskList, TaskStatus
from .layout import LocalLayout, read_task_state
from .reader import Reader
from .resolve import require
from .run_tasks import id_order, task_ids

__all__ = ["tasks"]

_ORDER: dict[TaskStatus, int] = {"failed": 0, "running": 1, "succeeded": 2}


def tasks(reader: Reader, layout: LocalLayout, step: str, limit: int) -> TaskList:
    spec = require(reader, layout, step, "step")
    assert spec.run_id is not None and spec.step is not None
    step_dir = layout.step_dir(spec.flow, spec.run_id, spec.step)
    ids = task_ids(reader, step_dir)
    examined = ids[: Limits.tasks_max]
    found: list[TaskInfo] = []
    problems: list[Problem] = []
    for task_id in examined:
        pathspec = f"{spec}/{task_id}"
        state = read_task_state(reader, step_dir / task_id, pathspec)
        if state.problem is not None:
            problems.append(state.problem)
        found.append(
            TaskInfo(
                pathspec=pathspec,
                step=spec.step,
                task_id=task_id,
                attempt=state.attempt,
                status=state.status or "running",
                finished_at=state.finished_at,
            )
        )
    found.sort(key=lambda t: (_ORDER[t.status], id_order(t.task_id)))
    return TaskList(
        step=str(spec),
        tasks=found[:limit],
        truncated=len(ids) > limit,
        tasks_examined=len(examined),
        cost=reader.cost,
        problems=problems,
    )
