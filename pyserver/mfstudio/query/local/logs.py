"""Bounded reads of task logs (MFLOG lines), seeking from the end.

Cost: the task's pathspec checks, one listing of the task folder and one small status read
(:func:`read_task_state`, for the latest attempt and whether it still runs), one stat per
log source, then blocks of at most ``max_bytes`` in all. It does not grow with the log's
size. Parsing and reading from either end live in :mod:`.mflog`.
"""

from __future__ import annotations

import re

from ..api import Limits
from ..errors import BadQueryError, NotFoundError
from ..model import LogExcerpt, LogStream, Problem
from .layout import LocalLayout, read_task_state
from .mflog import head_lines, log_files, tail_lines
from .reader import Reader
from .resolve import require

__all__ = ["logs"]


def logs(
    reader: Reader,
    layout: LocalLayout,
    task: str,
    stream: LogStream,
    tail: int | None,
    head: int | None,
    grep: str | None,
    max_bytes: int,
    attempt: int | None,
) -> LogExcerpt:
    pattern = _compile(grep)
    spec = require(reader, layout, task, "task")
    task_dir = layout.path_of(spec)
    state = read_task_state(reader, task_dir, str(spec))
    latest = state.attempt
    if attempt is not None and (latest is None or attempt > latest):
        known = [] if latest is None else [f"{spec} attempt {a}" for a in range(latest, -1, -1)]
        raise NotFoundError("attempt", f"{spec} attempt {attempt}", _where(layout), known)
    chosen = attempt if attempt is not None else (latest or 0)
    problems = [state.problem] if state.problem is not None else []
    files = log_files(reader, task_dir, chosen, stream)
    excerpt = LogExcerpt(
        pathspec=str(spec),
        stream=stream,
        attempt=chosen,
        lines=[],
        truncated=False,
        log_bytes=sum(f.size for f in files),
        available=bool(files),
        cost=reader.cost,
        problems=problems,
    )
    if not files:
        starting = latest is None or (chosen == latest and state.status == "running")
        if not starting:  # a task that has not ended has no log yet: that is normal
            problems.append(
                Problem(
                    str(spec),
                    f"attempt {chosen} has no {stream} log: the task ended before Metaflow "
                    "saved it, or it was written elsewhere (log files are per attempt).",
                )
            )
        return excerpt
    if head is not None:
        part = head_lines(reader, files, head, max_bytes, pattern)
    else:
        n = tail if tail is not None else Limits.log_lines
        part = tail_lines(reader, files, n, max_bytes, pattern)
    excerpt.lines = part.lines
    excerpt.truncated = part.truncated
    return excerpt


def _compile(grep: str | None) -> re.Pattern[str] | None:
    if grep is None:
        return None
    try:
        return re.compile(grep)
    except re.error as err:
        raise BadQueryError(
            f"grep={grep!r} is not a valid regular expression: {err}. Escape special "
            "characters (e.g. '\\(' or '\\.') to search for them literally."
        ) from None


def _where(layout: LocalLayout) -> str:
    return f"the local datastore {layout.metaflow_dir}"
