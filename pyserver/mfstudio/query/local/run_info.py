"""One run's :class:`RunInfo`, read in the stages ``list_runs`` filters by.

Each stage costs a small, fixed number of reads, so a page of runs costs the same however
many runs the flow has: the run's ``_meta/_self.json`` (user, tags, start time); its status
(``end`` succeeded: one listing of ``end/``, one of the task, one small read; otherwise
the run's tasks, see :mod:`.run_tasks`); its parameters (one listing and one JSON read of
the ``_parameters`` task, plus one read per small builtin value); and the run it resumed
(two listings and one small read in the ``start`` task's metadata).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from ...humanize import format_size
from ..api import Limits
from ..model import Problem, RunInfo, RunStatus
from .layout import PARAMETERS_STEP, LocalLayout, read_task_state
from .reader import Reader
from .run_order import id_time
from .run_tasks import END_STEP, iter_tasks, run_status, task_ids
from .unpickle import UnsafePickleError, load_builtin, read_blob

__all__ = [
    "RunMeta",
    "make_run_info",
    "read_origin_run_id",
    "read_parameters",
    "read_run_meta",
    "read_run_status",
]

PARAMETER_VALUE_BYTES = 4096  # larger values are summarised as "<type, size>"
_VALUE_CHARS = 80
_CLASS = re.compile(r"^<class '([^']+)'>$")
# Types whose pickles the builtin-only unpickler can load (see .unpickle).
_LOADABLE = frozenset(
    {"str", "int", "float", "bool", "NoneType", "list", "tuple", "dict", "set", "frozenset"}
    | {"complex", "bytes", "bytearray"}
)
# Artifacts of the _parameters task that are not parameters: the flow's name and
# Metaflow's own (underscore) bookkeeping.
_NOT_PARAMETERS = frozenset({"name"})
_ORIGIN_FILE = re.compile(r"^sysmeta_origin-run-id_(\d+)\.json$")
_START_STEP = "start"


@dataclass(frozen=True, slots=True)
class RunMeta:
    """What the run's ``_meta/_self.json`` says."""

    user: str | None
    tags: list[str]
    system_tags: list[str]
    started_at: float | None

    def has_tags(self, wanted: tuple[str, ...]) -> bool:
        present = set(self.tags) | set(self.system_tags)
        return all(tag in present for tag in wanted)

    def by_user(self, user: str) -> bool:
        return self.user == user or f"user:{user}" in self.system_tags

    def matches(self, run_id: str, needle: str) -> bool:
        """``needle`` (already case-folded) is part of the run id, the user or a user tag."""
        fields = [run_id, self.user or "", *self.tags]
        return any(needle in field.casefold() for field in fields)


def _strings(value: object) -> list[str]:
    return sorted(str(v) for v in value) if isinstance(value, list) else []


def read_run_meta(
    reader: Reader, layout: LocalLayout, flow: str, run_id: str, problems: list[Problem]
) -> RunMeta:
    """User, tags and start time; a missing or damaged file is a :class:`Problem` and the
    start time then comes from the run id when it is a timestamp."""
    path = layout.run_dir(flow, run_id) / "_meta" / "_self.json"
    pathspec = f"{flow}/{run_id}"
    fallback = RunMeta(None, [], [], id_time(run_id))
    try:
        data = reader.read_json(path)
    except ValueError:
        problems.append(Problem(pathspec, "damaged run metadata _meta/_self.json (not JSON)"))
        return fallback
    if data is None:
        problems.append(
            Problem(
                pathspec,
                "no run metadata (_meta/_self.json): user and tags unknown; the run may be "
                "starting, or its folder was copied incompletely",
            )
        )
        return fallback
    if not isinstance(data, dict):
        problems.append(Problem(pathspec, "damaged run metadata _meta/_self.json"))
        return fallback
    ts = data.get("ts_epoch")
    user = data.get("user_name")
    return RunMeta(
        user=user if isinstance(user, str) else None,
        tags=_strings(data.get("tags")),
        system_tags=_strings(data.get("system_tags")),
        started_at=ts / 1000 if isinstance(ts, int | float) else fallback.started_at,
    )


def read_run_status(
    reader: Reader, layout: LocalLayout, flow: str, run_id: str, problems: list[Problem]
) -> tuple[RunStatus, float | None]:
    """Status and finish time: cheaply when ``end`` succeeded, else from every task."""
    end_dir = layout.step_dir(flow, run_id, END_STEP)
    for task_id in task_ids(reader, end_dir):
        state = read_task_state(reader, end_dir / task_id, f"{flow}/{run_id}/end/{task_id}")
        if state.status == "succeeded":
            return "succeeded", state.finished_at
    tasks = list(iter_tasks(reader, layout, flow, run_id, Limits.tasks_max))
    problems.extend(t.state.problem for t in tasks if t.state.problem is not None)
    return run_status(tasks)


def read_parameters(
    reader: Reader, layout: LocalLayout, flow: str, run_id: str, problems: list[Problem]
) -> dict[str, str]:
    """Parameter name -> short repr, from the ``_parameters`` task's latest ``N.data.json``.
    Only small values of builtin types are unpickled (builtin-only unpickler); the rest
    read ``<type, size>``."""
    task_dir = layout.task_dir(flow, run_id, PARAMETERS_STEP, "0")
    attempts = [
        int(name.split(".", 1)[0])
        for name in reader.names(task_dir)
        if name.endswith(".data.json") and name.split(".", 1)[0].isdigit()
    ]
    if not attempts:
        return {}
    pathspec = f"{flow}/{run_id}/{PARAMETERS_STEP}/0"
    try:
        data = reader.read_json(task_dir / f"{max(attempts)}.data.json")
    except ValueError:
        problems.append(Problem(pathspec, f"damaged {max(attempts)}.data.json (not JSON)"))
        return {}
    objects = data.get("objects") if isinstance(data, dict) else None
    infos = data.get("info") if isinstance(data, dict) else None
    if not isinstance(objects, dict):
        problems.append(Problem(pathspec, f"damaged {max(attempts)}.data.json (no objects)"))
        return {}
    infos = infos if isinstance(infos, dict) else {}
    return {
        name: _parameter_value(reader, layout, flow, str(sha), infos.get(name))
        for name, sha in sorted(objects.items())
        if not name.startswith("_") and name not in _NOT_PARAMETERS
    }


def _parameter_value(reader: Reader, layout: LocalLayout, flow: str, sha: str, info: object) -> str:
    info = info if isinstance(info, dict) else {}
    match = _CLASS.match(str(info.get("type", "")))
    type_name = match.group(1) if match else "object"
    size = info.get("size")
    size = size if isinstance(size, int) else None
    if type_name in _LOADABLE and size is not None and size <= PARAMETER_VALUE_BYTES:
        try:
            value = load_builtin(read_blob(reader, layout, flow, sha, PARAMETER_VALUE_BYTES))
        except (ValueError, UnsafePickleError):
            pass
        else:
            text = repr(value)
            return text if len(text) <= _VALUE_CHARS else text[: _VALUE_CHARS - 3] + "..."
    return f"<{type_name}, {format_size(size)}>"


def read_origin_run_id(reader: Reader, layout: LocalLayout, flow: str, run_id: str) -> str | None:
    """The run a ``resume`` started from: the ``origin-run-id`` metadata of the start task
    (Metaflow records ``"None"`` for ordinary runs)."""
    start_dir = layout.step_dir(flow, run_id, _START_STEP)
    ids = task_ids(reader, start_dir)
    if not ids:
        return None
    meta_dir = start_dir / ids[0] / "_meta"
    stamps = [
        (int(m.group(1)), name)
        for name in reader.names(meta_dir)
        if (m := _ORIGIN_FILE.match(name)) is not None
    ]
    if not stamps:
        return None
    try:
        data = reader.read_json(meta_dir / max(stamps)[1])
    except ValueError:
        return None
    value = data.get("value") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value not in ("", "None") else None


def make_run_info(
    flow: str,
    run_id: str,
    meta: RunMeta,
    status: RunStatus,
    finished_at: float | None,
    parameters: dict[str, str],
    origin_run_id: str | None,
) -> RunInfo:
    """Assemble the parts; a running run's duration runs until now."""
    if status == "running":
        finished_at = None
    end = finished_at if finished_at is not None else time.time()
    duration = max(0.0, end - meta.started_at) if meta.started_at is not None else None
    return RunInfo(
        pathspec=f"{flow}/{run_id}",
        flow=flow,
        run_id=run_id,
        status=status,
        started_at=meta.started_at,
        finished_at=finished_at,
        duration_s=duration,
        user=meta.user,
        tags=list(meta.tags),  # copies: a caller may change its RunInfo, never our cache
        system_tags=list(meta.system_tags),
        parameters=dict(parameters),
        origin_run_id=origin_run_id,
    )
