"""Every task of one run with its latest attempt's state, and the run status they imply.

Shared by run status (when the ``end`` shortcut does not apply), run summaries and failure
reports. Cost: one listing of the run folder, one per step, then per task one listing and
at most one small ``N.runtime`` read plus a stat (:func:`read_task_state`). It grows with
the run's tasks only and stops at ``max_tasks``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..model import RunStatus
from .layout import LocalLayout, TaskState, is_step_name, read_task_state
from .reader import Reader

__all__ = ["END_STEP", "TaskEntry", "id_order", "iter_tasks", "run_status"]

END_STEP = "end"


@dataclass(frozen=True, slots=True)
class TaskEntry:
    step: str
    task_id: str
    pathspec: str
    folder: str  # the task folder; a plain string because a Path per task costs (hot path)
    state: TaskState

    @property
    def path(self) -> Path:
        return Path(self.folder)


def id_order(task_id: str) -> tuple[int, int, str]:
    """Numeric ids in numeric order, other ids after them by name."""
    return (0, int(task_id), "") if task_id.isdigit() else (1, 0, task_id)


def task_ids(reader: Reader, step_dir: Path) -> list[str]:
    return sorted((n for n in reader.names(step_dir) if not n.startswith("_")), key=id_order)


def iter_tasks(
    reader: Reader, layout: LocalLayout, flow: str, run_id: str, max_tasks: int | None = None
) -> Iterator[TaskEntry]:
    """Tasks of the run, step by step (steps by name, tasks by id), at most ``max_tasks``."""
    run_dir = layout.run_dir(flow, run_id)
    count = 0
    for step in sorted(n for n in reader.names(run_dir) if is_step_name(n)):
        step_dir = run_dir / step
        step_folder = str(step_dir)
        for task_id in task_ids(reader, step_dir):
            if max_tasks is not None and count >= max_tasks:
                return
            count += 1
            pathspec = f"{flow}/{run_id}/{step}/{task_id}"
            folder = f"{step_folder}/{task_id}"
            state = read_task_state(reader, folder, pathspec)
            yield TaskEntry(step, task_id, pathspec, folder, state)


def run_status(tasks: Iterable[TaskEntry]) -> tuple[RunStatus, float | None]:
    """The run status its tasks imply (see :data:`~mfstudio.query.model.RunStatus`), and
    when it finished (the last status file written) unless it is running.

    A task folder without an attempt yet counts as running: the run is still scheduling."""
    running = failed = end_ok = False
    last: float | None = None
    for task in tasks:
        state = task.state
        if state.status is None or state.status == "running":
            running = True
        elif state.status == "failed":
            failed = True
        elif task.step == END_STEP:
            end_ok = True
        if state.finished_at is not None:
            last = state.finished_at if last is None else max(last, state.finished_at)
    if end_ok:
        return "succeeded", last
    if running or not failed:
        return "running", None
    return "failed", last
