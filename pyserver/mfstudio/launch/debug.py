"""What "Debug step" runs: one task re-executed from a previous run's inputs, or the whole
flow with one worker when no run has reached that step yet.

``plan_debug`` picks the task (the step's failed task first, in the newest run that has
the step), or explains why the step cannot be re-executed alone; ``debugpy_launch`` turns a
plan into the arguments of debugpy's ``launch`` request, which the editor's debug adapter
sends. ``launch_configurations`` writes the same plans as readable launch.json entries.

A task is re-executed in the launched process itself (``debug_task.py``: Metaflow's
``spin-step`` with the inputs ``spin`` would give it), so the debugger has one process to
start and no child to attach, and debugpy's processes start through ``quick_debugpy.py``
(without their environment report): together a third of the time to the breakpoint, and a
quarter of the CPU (bench/bench_debug_step.py). Steps whose
decorators need ``spin``'s own runtime (an environment to build, variables set for the
task process) and flows with ``Config`` values (which ``spin`` resolves and hands to its
task process) go through ``flow.py spin`` and its child process instead, with the reason
in ``DebugPlan.forks``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from mfstudio.flowgraph import Flow
from mfstudio.query import NotFoundError, QueryBackend, list_runs, tasks

from .command import LaunchError

__all__ = [
    "DEBUG_TYPE",
    "DebugPlan",
    "adapter_command",
    "debugpy_launch",
    "debugpy_python",
    "launch_configurations",
    "plan_debug",
]

DEBUG_TYPE = "metaflow"  # the debug type the extension contributes
RUNS_SEARCHED = 20  # newest runs looked at for one that reached the step
IN_PROCESS_RUNNER = Path(__file__).with_name("debug_task.py")
QUICK_DEBUGPY = Path(__file__).with_name("quick_debugpy.py")

# Decorators whose work for a spun task happens in ``spin``'s runtime, around the task
# process, not inside it: re-executing the task in the launched process would skip it.
SPIN_RUNTIME_DECORATORS = {
    "conda": "@conda builds the task's environment, which spin runs it in",
    "conda_base": "@conda_base builds the task's environment, which spin runs it in",
    "pypi": "@pypi builds the task's environment, which spin runs it in",
    "pypi_base": "@pypi_base builds the task's environment, which spin runs it in",
    "environment": "@environment sets variables for spin's task process",
}

DebugMode = Literal["spin", "run"]


@dataclass(frozen=True, slots=True)
class DebugPlan:
    mode: DebugMode
    flow_file: Path
    task: str | None  # "Flow/run/step/task" for spin
    why: str  # shown to the user: which task and why that one
    # spin only: why the task runs in spin's child process rather than in the launched
    # one (None: in the launched process, through IN_PROCESS_RUNNER)
    forks: str | None = None

    @property
    def in_process(self) -> bool:
        return self.mode == "spin" and self.forks is None

    @property
    def program(self) -> Path:
        """What debugpy launches: the in-process runner, else the flow file itself."""
        return IN_PROCESS_RUNNER if self.in_process else self.flow_file

    @property
    def args(self) -> list[str]:
        """The program's arguments: ``FLOW_FILE FLOW/RUN/STEP/TASK`` for the runner, else
        the flow file's ``spin RUN/STEP/TASK`` or a one-worker ``run``."""
        if self.mode == "spin":
            assert self.task is not None
            if self.in_process:
                return [str(self.flow_file), self.task]
            return ["--no-pylint", "spin", self.task.split("/", 1)[1]]
        return ["--no-pylint", "run", "--max-workers", "1"]

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "flow_file": str(self.flow_file),
            "task": self.task,
            "why": self.why,
            "program": str(self.program),
            "args": self.args,
            "forks": self.forks,
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


def _forks(flow: Flow, step: str) -> str | None:
    """Why ``step``'s task must run in ``spin``'s child process, or None."""
    decorators = [*flow.decorators, *flow.steps[step].decorators]
    for decorator in decorators:
        reason = SPIN_RUNTIME_DECORATORS.get(decorator.name)
        if reason:
            return reason
    configs = [p.name for p in flow.parameters if p.kind == "config"]
    if configs:
        return f"spin resolves the Config values ({', '.join(configs)}) for its task process"
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
    forks = _forks(flow, step)
    if task is not None:
        return DebugPlan("spin", flow_file, task, f"task {task}, as asked", forks)
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
            return DebugPlan("spin", flow_file, chosen.pathspec, why, forks)
    return DebugPlan(
        "run",
        flow_file,
        None,
        f"no run of {flow.name} has run {step} yet, so the whole flow runs under the debugger "
        "with one worker",
    )


def adapter_command(python: str) -> list[str]:
    """Starts debugpy's adapter, as ``python -m debugpy.adapter`` does, without its
    start-up environment report (``quick_debugpy.py``)."""
    return [python, str(QUICK_DEBUGPY), "adapter"]


def debugpy_python(python: str) -> list[str]:
    """debugpy's ``python`` for the debuggee: ``python`` running ``quick_debugpy.py``,
    which starts debugpy without its environment report. ``-X frozen_modules=off`` is what
    debugpy gives Python >= 3.11 (and older ones ignore)."""
    return [python, "-X", "frozen_modules=off", str(QUICK_DEBUGPY), "debuggee"]


def debugpy_launch(plan: DebugPlan, python: str, cwd: Path) -> dict[str, Any]:
    """Arguments of debugpy's ``launch`` request. ``cwd`` is the folder holding the
    datastore (Metaflow reads runs from its working directory). ``subProcess`` is on only
    when the task runs in a child process (a forked spin, a whole run): following
    subprocesses costs start-up time, and the in-process task has none."""
    return {
        "request": "launch",
        "program": str(plan.program),
        "args": plan.args,
        "cwd": str(cwd),
        "python": debugpy_python(python),
        "debugLauncherPython": python,
        "debugLauncherPath": str(QUICK_DEBUGPY),  # debugpy's launcher, quick_debugpy.py's way
        "subProcess": not plan.in_process,
        "justMyCode": True,
        # The Debug Console, not a terminal: starting a terminal costs seconds in a remote
        # workbench, and a step reads no stdin.
        "console": "internalConsole",
        "redirectOutput": True,
        # Not debugpy's: how the editor starts the adapter for this session (debugpy
        # ignores keys it does not know, as it does launch.json's "name" and "type").
        "adapterCommand": adapter_command(python),
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
