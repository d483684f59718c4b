"""``metaflow/debugPlan`` and ``metaflow/launchConfigurations``: what "Debug step" runs.

The editor's ``metaflow`` debug type asks ``metaflow/debugPlan`` when a session starts:
which task to re-execute (:func:`mfstudio.launch.debug.plan_debug`), the arguments of
debugpy's ``launch`` request for this server's interpreter, the folder to run in (the one
holding the datastore, since Metaflow finds ``.metaflow`` from its working directory), and
whether that interpreter can import ``metaflow`` and ``debugpy`` at all. A missing module
is not an error response but a ``problems`` entry with the pip command that fixes it, so
the editor can offer to run it.

Planning reads run data (the newest runs, one step's tasks): it runs in the query thread
pool. ``launchConfigurations`` only reads the flow's analysis.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pygls.uris import to_fs_path

from mfstudio import query
from mfstudio.flowgraph import Flow
from mfstudio.launch import LaunchError
from mfstudio.launch.debug import DebugPlan, debugpy_launch, plan_debug
from mfstudio.launch.debug import launch_configurations as configurations_of

from .errors import DocumentUnreadableError, InvalidParamsError, RequestError
from .flow_documents import analysis_of, flow_in
from .language_server import MetaflowLanguageServer
from .protocol import DEBUG_PLAN, LAUNCH_CONFIGURATIONS
from .runs import Params, datastore_roots

__all__ = [
    "REQUIRED_MODULES",
    "DebugRefusedError",
    "debug_plan",
    "interpreter_problems",
    "launch_configurations",
    "plan_json",
]

REQUIRED_MODULES = ("metaflow", "debugpy")
"""What a debug session imports in the interpreter: the flow needs metaflow, the adapter
and the debuggee need debugpy."""


class DebugRefusedError(RequestError):
    """The step cannot be debugged (unknown step, ``@parallel``, a task but no datastore);
    the message says why and what to do instead."""

    code = -32803  # RequestFailed: the editor shows the message


def interpreter_problems(
    python: str, modules: Sequence[str] = REQUIRED_MODULES
) -> list[dict[str, Any]]:
    """One entry per module this interpreter (the server's own) cannot import, with the
    command that installs it there. ``find_spec`` locates without importing."""
    problems: list[dict[str, Any]] = []
    for module in modules:
        if importlib.util.find_spec(module) is None:
            problems.append(
                {
                    "module": module,
                    "message": f"{module} is not installed in {python}",
                    "install": [python, "-m", "pip", "install", module],
                }
            )
    return problems


def _flow_of(ls: MetaflowLanguageServer, method: str, uri: str, name: str | None) -> Flow:
    return flow_in(analysis_of(ls, method, uri), method, name)


def _path_of(uri: str) -> Path:
    path = to_fs_path(uri)
    if path is None:
        raise DocumentUnreadableError(f"{DEBUG_PLAN}: {uri} is not a file: URI.")
    return Path(path)


def _datastore_for(flow_file: Path, roots: list[str]) -> str | None:
    """The datastore folder for this flow: the nearest one above the flow file (where
    Metaflow itself would look when run from the file's folder), else the first found."""
    for root in roots:
        if flow_file.resolve().is_relative_to(root):
            return root
    return roots[0] if roots else None


def _working_dir(flow_file: Path, root: str | None, folders: Sequence[str]) -> str:
    if root is not None:
        return root
    for folder in folders:
        if flow_file.resolve().is_relative_to(Path(folder).resolve()):
            return folder
    return str(flow_file.parent)


def plan_json(
    flow: Flow,
    flow_file: Path,
    step: str | None,
    task: str | None,
    mode: str | None,
    candidates: Sequence[str],
    python: str = sys.executable,
) -> dict[str, Any]:
    """The ``metaflow/debugPlan`` result (blocking: reads run data)."""
    roots = datastore_roots(candidates)
    root = _datastore_for(flow_file, roots)
    if mode == "run":
        plan = DebugPlan("run", flow_file, None, "the whole flow with one worker, as asked")
    else:
        if step is None:
            raise InvalidParamsError(f"{DEBUG_PLAN}: 'step' is required unless mode is 'run'.")
        if root is None and task is not None:
            where = ", ".join(candidates) or "no workspace folder"
            raise DebugRefusedError(
                f"Cannot debug {task}: no Metaflow datastore (a .metaflow folder) in "
                f"{where}. Set metaflow.datastoreRoot to the folder holding the run."
            )
        backend = query.open_backend(root) if root is not None else None
        try:
            plan = plan_debug(flow, flow_file, step, backend, task)
        except LaunchError as error:
            raise DebugRefusedError("; ".join(error.errors.values())) from error
    cwd = _working_dir(flow_file, root, candidates)
    return {
        "plan": plan.to_json(),
        "launch": debugpy_launch(plan, python, Path(cwd)),
        "python": python,
        "cwd": cwd,
        "datastore": root,
        "problems": interpreter_problems(python),
    }


def debug_plan(
    ls: MetaflowLanguageServer, payload: object, candidates: Sequence[str]
) -> Callable[[], dict[str, Any]]:
    """Validates ``payload`` and reads the document on the event loop; the returned
    function does the planning (run in the query pool).

    ``{uri, step?, task?, flow?, mode?: "spin" | "run"}``."""
    params = Params(DEBUG_PLAN, payload)
    uri = params.text("uri", required=True)
    step, task, name, mode = (params.text(k) for k in ("step", "task", "flow", "mode"))
    params.finish()
    if mode not in (None, "spin", "run"):
        raise InvalidParamsError(f"{DEBUG_PLAN}: 'mode' must be 'spin' or 'run', got {mode!r}.")
    flow = _flow_of(ls, DEBUG_PLAN, uri, name)
    return functools.partial(
        plan_json, flow, _path_of(uri), step, task, mode, [*candidates, *ls.workspace_roots()]
    )


def launch_configurations(ls: MetaflowLanguageServer, payload: object) -> dict[str, Any]:
    """``{uri, flow?, flow_file?}`` -> ``{"configurations": [...]}``: launch.json entries,
    with ``flow_file`` written as given (e.g. ``${workspaceFolder}/flows/x.py``; default:
    the file's path)."""
    params = Params(LAUNCH_CONFIGURATIONS, payload)
    uri = params.text("uri", required=True)
    name, written = params.text("flow"), params.text("flow_file")
    params.finish()
    flow = _flow_of(ls, LAUNCH_CONFIGURATIONS, uri, name)
    return {"configurations": configurations_of(flow, written or os.fspath(_path_of(uri)))}
