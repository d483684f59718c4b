"""What "Debug step" runs: one task re-executed from a previous run's inputs, or the whole
flow with one worker when no run has reached that step yet.

``plan_debug`` picks the task (the step's failed task first, in the newest run that has
the step), or explains why the step cannot be re-executed alone; ``debugpy_launch`` turns a
plan into the arguments of debugpy's ``launch`` request, which the editor's debug adapter
sends. ``launch_configurations`` writes the same plans as readable launch.json entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from mfstudio.flowgraph import Flow
from mfstudio.query import NotFoundError, QueryBackend, list_runs, tasks

from .command import LaunchError

__all__ = ["DEBUG_TYPE", "DebugPlan", "debugpy_launch", "launch_configurations", "plan_debug"]

DEBUG_TYPE = "metaflow"  # the debug type the extension contributes
RUNS_SEARCHED = 20  # newest runs looked at for one that reached the step

DebugMode = Literal["spin", "run"]


@dataclass(frozen=True, slots=True)
class DebugPlan:
    mode: DebugMode
    flow_file: Path
    task: str | None  # "Flow/run/step/task" for spin
    why: str  # shown to the user: which task and why that one

    @property
    def args(self) -> list[str]:
        """The flow file's arguments: ``spin RUN/STEP/TASK`` or a one-worker ``run``."""
        if self.mode == "spin":
            assert self.task is not None
            return ["--no-pylint", "spin", self.task.split("/", 1)[1]]
        return ["--no-pylint", "run", "--max-workers", "1"]

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "flow_file": str(self.flow_file),
            "task": self.task,
            "why": self.why,
            "args": self.args,
        }


def _refusal(flow: Flow, step: str) -> str | None:
    node = flow.steps.get(step)
    if node is None:
        known = ", ".join(flow.steps) or "none"
        return f"{flow.name} has no step {step!r} (its steps: {known})"
    if any(d.name == "parallel" for d in node.decorators):
        return (
            f"{step} is a @parallel step: its tasks run as a gang and cannot be re-run one "
            'at a time; use "Debug run" to debug the whole flow'
        )
    return None


def plan_debug(
    flow: Flow,
    flow_file: Path,
    step: str,
    backend: QueryBackend | None,
    task: str | None = None,
) -> DebugPlan:
    """The task to re-execute for ``step`` (``task`` when given), else a one-worker run.
    ``backend`` None: there is no datastore yet, so no run to re-execute a task of.
    Raises :class:`LaunchError` when the step cannot be debugged alone, with the reason."""
    refusal = _refusal(flow, step)
    if refusal:
        raise LaunchError({"step": refusal})
    if task is not None:
        return DebugPlan("spin", flow_file, task, f"task {task}, as asked")
    try:
        page = list_runs(flow.name, limit=RUNS_SEARCHED, backend=backend) if backend else None
    except NotFoundError:
        page = None
    for run in page.runs if page else []:
        try:
            found = tasks(f"{run.pathspec}/{step}", limit=1, backend=backend)
        except NotFoundError:
            continue  # that run did not reach the step
        if found.tasks:
            chosen = found.tasks[0]
            why = (
                f"the failed task {chosen.pathspec}"
                if chosen.status == "failed"
                else f"task {chosen.pathspec} of the newest run that ran {step}"
            )
            return DebugPlan("spin", flow_file, chosen.pathspec, why)
    return DebugPlan(
        "run",
        flow_file,
        None,
        f"no run of {flow.name} has run {step} yet, so the whole flow runs under the debugger "
        "with one worker",
    )


def debugpy_launch(plan: DebugPlan, python: str, cwd: Path) -> dict[str, Any]:
    """Arguments of debugpy's ``launch`` request. ``subProcess`` is on because Metaflow
    runs each task in a child process: the breakpoint is in the child."""
    return {
        "request": "launch",
        "program": str(plan.flow_file),
        "args": plan.args,
        "cwd": str(cwd),
        "python": [python],
        "subProcess": True,
        "justMyCode": True,
        # The Debug Console, not a terminal: starting a terminal costs seconds in a remote
        # workbench, and a step reads no stdin.
        "console": "internalConsole",
        "redirectOutput": True,
    }


def launch_configurations(flow: Flow, flow_file: str) -> list[dict[str, Any]]:
    """Readable launch.json entries: one "Debug step" per step (the task is chosen when it
    starts, as ``plan_debug`` does) and one "Debug run". ``flow_file`` is written as given
    (e.g. ``${workspaceFolder}/flows/train.py``)."""
    entries: list[dict[str, Any]] = [
        {
            "type": DEBUG_TYPE,
            "request": "launch",
            "name": f"{flow.name}: debug run",
            "flowFile": flow_file,
            "mode": "run",
        }
    ]
    for name in flow.steps:
        if _refusal(flow, name) is None:
            entries.append(
                {
                    "type": DEBUG_TYPE,
                    "request": "launch",
                    "name": f"{flow.name}: debug step {name}",
                    "flowFile": flow_file,
                    "mode": "spin",
                    "step": name,
                }
            )
    return entries
