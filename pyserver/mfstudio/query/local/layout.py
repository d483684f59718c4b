"""Where Metaflow's local datastore and local metadata keep things (Metaflow 2.19).

``.metaflow/<Flow>/<run>/<step>/<task>/`` holds, per attempt N: ``N.attempt.json`` and
``N.task_begin`` when it starts; ``N.data.json`` (artifact name -> sha, with size, type and
encoding: readable without unpickling), ``N.runtime`` (``{"return_code", "killed",
"success"}``), ``N.runtime_stdout.log``/``N.runtime_stderr.log`` (MFLOG lines) and
``N.DONE.lock`` when it ends. ``_meta/`` folders hold local-metadata JSON (``_self.json``
with tags, user and ``ts_epoch``; ``sysmeta_<field>_<ts>.json``). Blobs are gzip(pickle)
under ``<Flow>/data/<sha[:2]>/<sha>``; cards under ``mf.cards/<Flow>/runs/<run>/steps/
<step>/tasks/<task>/cards/``. Runs started locally get ids from the start time in
microseconds, so sorting ids sorts by time.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import BadQueryError, DatastoreNotFoundError
from ..model import Problem, TaskStatus
from .reader import Reader

__all__ = [
    "LocalLayout",
    "Pathspec",
    "TaskState",
    "read_task_state",
]

DATASTORE_DIR = ".metaflow"
PARAMETERS_STEP = "_parameters"
_ATTEMPT_FILE = re.compile(r"^(\d+)\.(attempt\.json|task_begin|data\.json|runtime|DONE\.lock)$")

PathspecKind = Literal["flow", "run", "step", "task"]
_KINDS: tuple[PathspecKind, ...] = ("flow", "run", "step", "task")
_EXAMPLE = ("TrainFlow", "1712345678901234", "train", "7")


@dataclass(frozen=True, slots=True)
class Pathspec:
    """``Flow[/run[/step[/task]]]``, Metaflow's address of an object."""

    flow: str
    run_id: str | None = None
    step: str | None = None
    task_id: str | None = None

    @classmethod
    def parse(cls, text: str, kind: PathspecKind | None = None) -> Pathspec:
        """Parse ``text``; with ``kind``, require exactly that depth (``"task"`` needs four
        parts). Raises :class:`BadQueryError` naming the expected form."""
        parts = text.strip().strip("/").split("/")
        forms = {
            "flow": "Flow",
            "run": "Flow/run_id",
            "step": "Flow/run_id/step",
            "task": "Flow/run_id/step/task_id",
        }
        if not text.strip() or any(not p for p in parts) or len(parts) > 4:
            raise BadQueryError(
                f"{text!r} is not a pathspec; expected {forms[kind or 'task']}"
                + ("" if kind else " (or a prefix of it)")
                + "."
            )
        if any(p in (".", "..") or "\\" in p for p in parts):
            raise BadQueryError(f"{text!r} is not a pathspec: '.', '..' and '\\' are not allowed.")
        if kind is not None and len(parts) != _KINDS.index(kind) + 1:
            raise BadQueryError(
                f"{text!r} is not a {kind} pathspec; expected {forms[kind]}, e.g. "
                + "/".join(
                    ["TrainFlow", "1712345678901234", "train", "7"][: _KINDS.index(kind) + 1]
                )
                + "."
            )
        padded: list[str | None] = [*parts, None, None, None]
        return cls(parts[0], padded[1], padded[2], padded[3])

    @property
    def kind(self) -> PathspecKind:
        if self.task_id is not None:
            return "task"
        if self.step is not None:
            return "step"
        return "run" if self.run_id is not None else "flow"

    def __str__(self) -> str:
        return "/".join(p for p in (self.flow, self.run_id, self.step, self.task_id) if p)


class LocalLayout:
    """Paths inside one ``.metaflow`` folder. Pure path arithmetic: reads nothing."""

    __slots__ = ("metaflow_dir",)

    def __init__(self, metaflow_dir: Path) -> None:
        self.metaflow_dir = metaflow_dir

    @classmethod
    def discover(cls, root: str | os.PathLike[str] | None = None) -> LocalLayout:
        """The datastore for ``root``: a folder holding ``.metaflow``, or ``.metaflow``
        itself. Without ``root``: ``$METAFLOW_DATASTORE_SYSROOT_LOCAL``, else the nearest
        ``.metaflow`` in the current folder or its parents (as Metaflow finds it)."""
        if root is not None:
            base = Path(root).expanduser().resolve()
            candidates = [base] if base.name == DATASTORE_DIR else [base / DATASTORE_DIR]
            where = f"{base}"
        else:
            env = os.environ.get("METAFLOW_DATASTORE_SYSROOT_LOCAL")
            if env:
                base = Path(env).expanduser().resolve()
                candidates = [base / DATASTORE_DIR, base]
                where = f"METAFLOW_DATASTORE_SYSROOT_LOCAL={env}"
            else:
                cwd = Path.cwd().resolve()
                candidates = [p / DATASTORE_DIR for p in (cwd, *cwd.parents)]
                where = f"{cwd} or its parents"
        for candidate in candidates:
            if candidate.is_dir():
                return cls(candidate)
        raise DatastoreNotFoundError(
            f"No Metaflow datastore (a {DATASTORE_DIR} folder) in {where}. Run a flow there "
            "first, or pass the folder that holds .metaflow (--root DIR)."
        )

    def flow_dir(self, flow: str) -> Path:
        return self.metaflow_dir / flow

    def run_dir(self, flow: str, run_id: str) -> Path:
        return self.metaflow_dir / flow / run_id

    def step_dir(self, flow: str, run_id: str, step: str) -> Path:
        return self.metaflow_dir / flow / run_id / step

    def task_dir(self, flow: str, run_id: str, step: str, task_id: str) -> Path:
        return self.metaflow_dir / flow / run_id / step / task_id

    def path_of(self, spec: Pathspec) -> Path:
        parts = [p for p in (spec.flow, spec.run_id, spec.step, spec.task_id) if p]
        return self.metaflow_dir.joinpath(*parts)

    def blob_path(self, flow: str, sha: str) -> Path:
        return self.metaflow_dir / flow / "data" / sha[:2] / sha

    def cards_dir(self, flow: str, run_id: str, step: str, task_id: str) -> Path:
        return (
            self.metaflow_dir
            / "mf.cards"
            / flow
            / "runs"
            / run_id
            / "steps"
            / step
            / "tasks"
            / task_id
            / "cards"
        )


_NOT_RUNS = frozenset({"data", "latest_run"})


def is_run_id(name: str) -> bool:
    """Run folders are named by id; ``data`` (blobs), ``_meta`` and the ``latest_run`` file
    (the id of the newest local run) sit beside them."""
    return not name.startswith((".", "_")) and name not in _NOT_RUNS


def is_step_name(name: str) -> bool:
    """Step folders; ``_parameters`` (the run's parameters task) and ``_meta`` are not steps."""
    return not name.startswith("_")


@dataclass(frozen=True, slots=True)
class TaskState:
    """A task's latest attempt and how it stands, from one listing and one small read."""

    attempt: int | None  # None: the task folder has no attempt yet
    status: TaskStatus | None
    return_code: int | None
    finished_at: float | None  # mtime of N.runtime
    problem: Problem | None


def read_task_state(reader: Reader, task_dir: Path | str, pathspec: str) -> TaskState:
    """The latest attempt of the task at ``task_dir``: running (started, no ``N.runtime``),
    succeeded or failed (``N.runtime``'s ``success``; a killed attempt is failed). A task
    cloned by ``resume`` (``N.DONE.lock`` without ``N.task_begin``) succeeded.

    Fast path: Metaflow retries only a failed attempt, so when ``0.runtime`` says the first
    attempt succeeded it is the latest one, and that one small read is the whole cost (no
    listing). Every other case lists the folder to find the latest attempt."""
    first = reader.read_small(f"{task_dir}/0.runtime")
    if first is not None:
        state = _from_runtime(first, 0, pathspec)
        if state.status == "succeeded":
            return state
    attempts: dict[int, set[str]] = {}
    task_dir = Path(task_dir)
    for name in reader.names(task_dir):
        match = _ATTEMPT_FILE.match(name)
        if match:
            attempts.setdefault(int(match.group(1)), set()).add(match.group(2))
    if not attempts:
        return TaskState(None, None, None, None, None)
    latest = max(attempts)
    if latest == 0 and first is not None:
        return state
    files = attempts[latest]
    if "runtime" not in files:
        if "DONE.lock" in files and "task_begin" not in files:
            # ``resume`` clones the origin run's successful tasks: their data and DONE.lock
            # are written, but no task began here and the runtime writes no status file.
            stat = reader.stat(task_dir / f"{latest}.DONE.lock")
            return TaskState(latest, "succeeded", None, stat.st_mtime if stat else None, None)
        if "DONE.lock" in files:
            # The task wrote DONE.lock on its way out, after its own verdict (attempt_ok
            # metadata); the runtime writes N.runtime once the process exited. A live run
            # shows this for a moment after every task; a dead runtime leaves it for good.
            verdict = _attempt_ok(reader, task_dir, latest)
            if verdict is not None:
                stat = reader.stat(task_dir / f"{latest}.DONE.lock")
                status: TaskStatus = "succeeded" if verdict else "failed"
                return TaskState(latest, status, None, stat.st_mtime if stat else None, None)
            problem = Problem(pathspec, f"attempt {latest} ended without a runtime status file")
            return TaskState(latest, "failed", None, None, problem)
        return TaskState(latest, "running", None, None, None)
    found = reader.read_small(task_dir / f"{latest}.runtime")
    if found is None:  # removed between the listing and the read
        return TaskState(latest, "running", None, None, None)
    return _from_runtime(found, latest, pathspec)


def _attempt_ok(reader: Reader, task_dir: Path, attempt: int) -> bool | None:
    """The task's own verdict on ``attempt`` (``_meta/sysmeta_attempt_ok_<ts>.json``, value
    "True"/"False", tagged ``attempt_id:N``); None when it wrote none."""
    meta = task_dir / "_meta"
    tag = f"attempt_id:{attempt}"
    for name in sorted(n for n in reader.names(meta) if n.startswith("sysmeta_attempt_ok_")):
        try:
            entry = reader.read_json(meta / name)
        except ValueError:
            continue
        if isinstance(entry, dict) and tag in (entry.get("tags") or []):
            return str(entry.get("value")) == "True"
    return None


def _from_runtime(found: tuple[bytes, float], attempt: int, pathspec: str) -> TaskState:
    """The state ``N.runtime`` records: ``{"return_code", "killed", "success"}``."""
    data, mtime = found
    try:
        info = json.loads(data.decode("utf-8", "replace"))
    except ValueError:
        problem = Problem(pathspec, f"damaged status file {attempt}.runtime (not JSON)")
        return TaskState(attempt, "failed", None, None, problem)
    if not isinstance(info, dict):
        problem = Problem(pathspec, f"damaged status file {attempt}.runtime")
        return TaskState(attempt, "failed", None, None, problem)
    success = bool(info.get("success")) and not info.get("killed")
    code = info.get("return_code")
    return TaskState(
        attempt,
        "succeeded" if success else "failed",
        code if isinstance(code, int) else None,
        mtime,
        None,
    )
