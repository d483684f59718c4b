"""Failed tasks of a run, from status files; exceptions and stderr tails of failed ones.

Finding them costs what :mod:`.run_tasks` costs: per task one listing and at most one
small ``N.runtime`` read. Only the failed tasks reported (at most ``limit``) cost more:
their attempt's ``N.data.json``, the ``_exception`` blob (loaded with the restricted
unpickler of :mod:`.unpickle`, never Metaflow's classes) and a tail of the stderr logs
read from the end. When the exception artifact is missing (a killed attempt) or cannot be
loaded, the exception comes from the last Python traceback in the stderr tail.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass

from ..api import Limits
from ..model import FailureReport, Problem, TaskFailure
from .layout import LocalLayout
from .mflog import log_files, tail_lines
from .reader import Reader
from .resolve import require
from .run_tasks import TaskEntry, iter_tasks
from .unpickle import ExceptionState, UnsafePickleError, load_exception, read_blob

__all__ = ["describe_failure", "failures", "parse_traceback"]

EXCEPTION_BYTES = 4_000_000  # largest _exception pickle loaded (tracebacks are text)
TRACEBACK_LINES = 200  # stderr lines searched for a traceback when the artifact has none
_TRACEBACK_START = "Traceback (most recent call last):"
_EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*)(?::\s?(.*))?$")


def failures(
    reader: Reader, layout: LocalLayout, run: str, limit: int, stderr_lines: int
) -> FailureReport:
    spec = require(reader, layout, run, "run")
    assert spec.run_id is not None
    problems: list[Problem] = []
    failed: list[TaskEntry] = []
    examined = 0
    for task in iter_tasks(reader, layout, spec.flow, spec.run_id, Limits.tasks_max + 1):
        if examined == Limits.tasks_max:
            problems.append(
                Problem(
                    str(spec),
                    f"stopped after examining {Limits.tasks_max} tasks; failures of the "
                    "remaining tasks are not reported",
                )
            )
            break
        examined += 1
        if task.state.problem is not None:
            problems.append(task.state.problem)
        if task.state.status == "failed":
            failed.append(task)
    failed.sort(key=lambda t: (t.state.finished_at is None, t.state.finished_at or 0.0, t.pathspec))
    reported = [describe_failure(reader, layout, t, stderr_lines, problems) for t in failed[:limit]]
    return FailureReport(str(spec), reported, len(failed) > limit, examined, reader.cost, problems)


@dataclass(frozen=True, slots=True)
class _Exception:
    type: str | None
    message: str | None
    traceback: str | None


def describe_failure(
    reader: Reader,
    layout: LocalLayout,
    task: TaskEntry,
    stderr_lines: int,
    problems: list[Problem],
) -> TaskFailure:
    """The failed latest attempt of ``task``: its exception and the last ``stderr_lines``
    lines of its stderr (MFLOG prefixes removed)."""
    attempt = task.state.attempt if task.state.attempt is not None else 0
    flow = task.pathspec.split("/", 1)[0]
    found = _artifact_exception(reader, layout, flow, task, attempt, problems)
    wanted = stderr_lines if found is not None else max(stderr_lines, TRACEBACK_LINES)
    files = log_files(reader, task.path, attempt, "stderr")
    lines = [line.text for line in tail_lines(reader, files, wanted, Limits.log_bytes).lines]
    if found is None:
        found = parse_traceback(lines)
    return TaskFailure(
        pathspec=task.pathspec,
        step=task.step,
        task_id=task.task_id,
        attempt=attempt,
        exception_type=found.type,
        message=found.message,
        traceback=found.traceback,
        stderr_tail=lines[-stderr_lines:],
        finished_at=task.state.finished_at,
    )


def _artifact_exception(
    reader: Reader,
    layout: LocalLayout,
    flow: str,
    task: TaskEntry,
    attempt: int,
    problems: list[Problem],
) -> _Exception | None:
    """The ``_exception`` artifact of the attempt, or ``None`` when it has none (or it
    cannot be read: then a :class:`Problem` says why)."""
    name = f"{attempt}.data.json"
    try:
        data = reader.read_json(task.path / name)
    except ValueError:
        problems.append(Problem(task.pathspec, f"damaged {name} (not JSON)"))
        return None
    objects = data.get("objects") if isinstance(data, dict) else None
    sha = objects.get("_exception") if isinstance(objects, dict) else None
    if not isinstance(sha, str):
        return None
    try:
        state = load_exception(read_blob(reader, layout, flow, sha, EXCEPTION_BYTES))
    except (ValueError, UnsafePickleError) as err:
        problems.append(Problem(task.pathspec, f"exception of attempt {attempt} unreadable: {err}"))
        return None
    return _from_state(state) if state is not None else None


def _from_state(state: ExceptionState) -> _Exception | None:
    kind, message = state.text("type"), state.text("exception")
    if kind is None and message is None:
        return None
    return _Exception(kind, message, state.text("stacktrace"))


def parse_traceback(lines: list[str]) -> _Exception:
    """The last Python traceback in ``lines``: its text up to the exception line, whose
    ``Type: message`` gives type and message (builtin types as ``builtins.Name``, as
    Metaflow names them). Nothing found: all ``None``."""
    starts = [i for i, line in enumerate(lines) if line.startswith(_TRACEBACK_START)]
    if not starts:
        return _Exception(None, None, None)
    start = starts[-1]
    for end in range(start + 1, len(lines)):
        line = lines[end]
        if not line or line[0].isspace():
            continue
        match = _EXCEPTION_LINE.match(line)
        if match is None:
            break
        return _Exception(
            _qualified(match.group(1)), match.group(2), "\n".join(lines[start : end + 1]) + "\n"
        )
    return _Exception(None, None, "\n".join(lines[start:]) + "\n")


def _qualified(name: str) -> str:
    value = getattr(builtins, name, None) if "." not in name else None
    if isinstance(value, type) and issubclass(value, BaseException):
        return f"builtins.{name}"
    return name
