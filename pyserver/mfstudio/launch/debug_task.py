"""Re-executes one task of a previous run IN THIS PROCESS, for "Debug step".

    python debug_task.py FLOW_FILE FLOW/RUN/STEP/TASK

debugpy launches this file as its program, so the step body runs in the launched process
itself: no child process to announce and attach, which is what made "Debug step" slow
(``flow.py spin`` imports Metaflow, then forks a task process that imports it again, and the
editor must attach to that child). Here the task runs through Metaflow's own ``spin-step``
command, the one ``spin`` starts in its child, with the arguments ``spin`` would give it:

- the inputs: the parent tasks' latest attempts (the run's ``_parameters`` for the start
  step), found with Metaflow's client exactly as ``spin`` finds them;
- the foreach index of the original task, the original datastore to read artifacts from,
  and spin's own datastore (``.metaflow_spin`` beside ``.metaflow``) for what it writes.

Metaflow is imported, and the inputs read, with the debugger's tracing switched off: under
Python < 3.12 debugpy traces every call, and a traced ``import metaflow`` takes about twice
as long. Tracing is on again before the flow file runs, so breakpoints in the step body,
and in anything it calls, are hit.

Runs in the user's interpreter, which need not have mfstudio: standard library, metaflow
and (when present) debugpy only; no imports of this package.
"""

from __future__ import annotations

import contextlib
import os
import runpy
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any


@contextlib.contextmanager
def _untraced() -> Iterator[None]:
    """This thread untraced while inside, when a debugger is attached (see the module
    docstring); breakpoints set meanwhile still apply to the calls made after."""
    debugpy: Any = sys.modules.get("debugpy")
    traced = debugpy is not None and debugpy.is_client_connected()
    if traced:
        debugpy.trace_this_thread(False)
    try:
        yield
    finally:
        if traced:
            debugpy.trace_this_thread(True)


def spin_step_args(pathspec: str) -> list[str]:
    """The flow file's arguments that run ``pathspec`` again the way ``flow.py spin`` runs
    it in its task process (metaflow.runtime.SpinRuntime and CLIArgs.spin_args)."""
    from metaflow import util
    from metaflow.client.core import Step, Task, get_metadata, get_namespace
    from metaflow.metaflow_config import DATASTORE_LOCAL_DIR, DATASTORE_SPIN_LOCAL_DIR, SPIN_PERSIST

    compress_list: Callable[[list[str]], str] = util.compress_list  # "run/step/:1/0,2/0"
    flow, run_id, step, _ = pathspec.split("/")
    task = Task(pathspec, _namespace_check=False)
    parents = list(task.parent_tasks)
    if not parents:  # the start step: it reads the run's parameters
        parameters = Step(f"{flow}/{run_id}/_parameters", _namespace_check=False).task
        if parameters is None:
            sys.exit(f"debug_task.py: {flow}/{run_id} has no parameters task to start from")
        parents = [parameters]
    inputs = [f"{run_id}/{p.path_components[2]}/{p.id}/{p.current_attempt}" for p in parents]
    ds_type = task.metadata_dict.get("ds-type", "local")
    if ds_type == "local":
        # Where the client just read the task (the folder may have moved since the run
        # recorded its ds-root): local metadata and datastore share the folder.
        ds_root = os.path.join(get_metadata().split("@", 1)[1], DATASTORE_LOCAL_DIR)
    else:
        ds_root = task.metadata_dict["ds-root"]
    top = ["--quiet", "--no-pylint", "--metadata", "spin", "--environment", "local"]
    top += ["--datastore", "spin", "--event-logger", "nullSidecarLogger"]
    top += ["--monitor", "nullSidecarMonitor"]
    top += ["--datastore-root", os.path.join(os.getcwd(), DATASTORE_SPIN_LOCAL_DIR)]
    command = ["spin-step", step, "--run-id", str(int(time.time() * 1e6)), "--task-id", "0"]
    command += ["--input-paths", compress_list(inputs)]
    index = getattr(task, "index", None)
    if index is not None:
        command += ["--split-index", str(index)]
    command += ["--namespace", get_namespace() or "", "--orig-flow-datastore"]
    command += [f"{ds_type}@{ds_root}", "--persist" if SPIN_PERSIST else "--no-persist"]
    return [*top, *command]


def main(argv: list[str]) -> None:
    if len(argv) != 2 or argv[1].count("/") != 3:
        sys.exit("usage: debug_task.py FLOW_FILE FLOW/RUN/STEP/TASK")
    flow_file, pathspec = os.path.abspath(argv[0]), argv[1]
    # As if the flow file had been started itself: its folder first on the path, not
    # this one (whose modules, e.g. runner.py, would shadow the flow's own imports).
    sys.path[0] = os.path.dirname(flow_file)
    main_module = sys.modules["__main__"]
    before = set(vars(main_module))
    with _untraced():  # importing Metaflow and reading the inputs: no user code runs
        args = spin_step_args(pathspec)
    # Metaflow puts some names on __main__ when imported (ForeachFrame, so that pickled
    # foreach stacks load); the flow's own __main__ below needs them too.
    registered = {k: v for k, v in vars(main_module).items() if k not in before}
    print(f"Debug step: {pathspec} in this process: {flow_file} {' '.join(args)}", file=sys.stderr)
    sys.argv = [flow_file, *args]
    runpy.run_path(flow_file, init_globals=registered, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
