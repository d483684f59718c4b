"""Artifact listing and search from ``N.data.json`` metadata: never unpickles.

Metaflow records, per task attempt, every artifact's content hash (``objects``) and its
serialized size, type and encoding (``info``) in one small JSON file, so a search needs one
listing and one small read per task, and never a per-artifact file.

Cost: the scope's pathspec checks; for a flow, one listing of its folder; per run one
listing of the run and one per step; per task one listing and one ``N.data.json`` read.
Grows with the tasks examined, capped at ``Limits.tasks_max``; stops early at ``limit``.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..api import Limits
from ..model import ArtifactInfo, ArtifactList, Problem
from .layout import LocalLayout, Pathspec, is_run_id, is_step_name
from .reader import Reader
from .resolve import require
from .run_order import RunOrder
from .run_tasks import id_order, task_ids

__all__ = ["TaskData", "artifacts", "read_task_data", "short_type", "type_name"]

_ATTEMPT_KINDS = frozenset(("data.json", "runtime", "DONE.lock"))
_CLASS_REPR = re.compile(r"^<class '([^']+)'>$")


def type_name(recorded: str) -> str:
    """Metaflow records ``str(type(value))``: ``"<class 'float'>"`` -> ``"builtins.float"``,
    ``"<class 'pandas.core.frame.DataFrame'>"`` -> ``"pandas.core.frame.DataFrame"``."""
    match = _CLASS_REPR.match(recorded)
    if match is None:
        return recorded
    name = match.group(1)
    return name if "." in name else f"builtins.{name}"


def short_type(full: str) -> str:
    return full.rsplit(".", 1)[-1]


@dataclass(frozen=True, slots=True)
class TaskData:
    """A task attempt's artifact table, as recorded in its ``N.data.json``."""

    attempt: int
    objects: dict[str, str]  # name -> sha
    info: dict[str, dict[str, Any]]  # name -> {"size", "type", "encoding", ...}


_GLOB = re.compile(r'[*?\[\]"\\]|[\x00-\x1f]')


def pick_data_attempt(names: list[str]) -> int | None:
    """The attempt whose artifacts count, from a listing of the task folder: the latest
    attempt that ended with a ``data.json`` (as the client's ``attempt-done`` rule picks;
    an attempt only starts after the previous one failed, so this is the latest successful
    one when there is one), else the latest ``data.json`` at all, else ``None``."""
    with_data: set[int] = set()
    ended: set[int] = set()
    for name in names:  # "<attempt>.<kind>"; str methods, as this runs once per task
        attempt, _, kind = name.partition(".")
        if kind in _ATTEMPT_KINDS and attempt.isdigit():
            (with_data if kind == "data.json" else ended).add(int(attempt))
    done = with_data & ended
    if done:
        return max(done)
    return max(with_data) if with_data else None


def read_task_data(
    reader: Reader, task_dir: Path | str, pathspec: str, must_contain: bytes | None = None
) -> tuple[TaskData | None, Problem | None]:
    """One read of the chosen ``N.data.json``: a task never retried (no ``1.attempt.json``,
    one stat) uses ``0.data.json``; any other task costs a listing to pick the attempt. A
    task without one yet (running, or killed early) gives ``(None, None)``; a damaged one
    gives a :class:`Problem` saying which file. With ``must_contain``, a file whose bytes
    lack it is not parsed (parsing is most of a search's time) and gives ``(None, None)``."""
    raw = None
    attempt = 0
    if reader.stat(f"{task_dir}/1.attempt.json") is None:
        raw = reader.read_bytes(f"{task_dir}/0.data.json")
    if raw is None:
        picked = pick_data_attempt(reader.names(task_dir))
        if picked is None:
            return None, None
        attempt = picked
        raw = reader.read_bytes(f"{task_dir}/{attempt}.data.json")
    file_name = f"{attempt}.data.json"
    if raw is None or (must_contain is not None and must_contain not in raw):
        return None, None
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as err:
        return None, Problem(pathspec, f"damaged {file_name} (not JSON: {err}); skipped")
    objects = document.get("objects") if isinstance(document, dict) else None
    if not isinstance(objects, dict):
        return None, Problem(pathspec, f"damaged {file_name}: no 'objects' table; skipped")
    info = document.get("info")
    return TaskData(attempt, objects, info if isinstance(info, dict) else {}), None


def artifacts(
    reader: Reader,
    layout: LocalLayout,
    scope: str,
    name: str | None,
    type: str | None,
    min_size: int | None,
    max_size: int | None,
    limit: int,
    include_private: bool,
) -> ArtifactList:
    spec = require(reader, layout, scope)
    wanted = _Filter(name, type, min_size, max_size, include_private)
    found: list[ArtifactInfo] = []
    problems: list[Problem] = []
    result = ArtifactList(str(spec), found, False, 0, reader.cost, problems)
    for pathspec, task_dir in _tasks_in(reader, layout, spec):
        if result.tasks_examined == Limits.tasks_max:
            result.truncated = True
            problems.append(
                Problem(
                    str(spec),
                    f"stopped after {Limits.tasks_max} tasks; narrow the scope to a run or "
                    "step to search the rest.",
                )
            )
            break
        if len(found) == limit:  # full, and tasks remain unexamined
            result.truncated = True
            break
        result.tasks_examined += 1
        data, problem = read_task_data(reader, task_dir, pathspec, wanted.literal_key)
        if problem is not None:
            problems.append(problem)
        if data is None:
            continue
        for artifact in _matching(pathspec, data, wanted):
            if len(found) == limit:
                result.truncated = True
                return result
            found.append(artifact)
    return result


class _Filter:
    """The search's filters: globs on the name and on the full or short type name (the
    type case-insensitively, so ``dataframe`` finds pandas DataFrames), size bounds."""

    __slots__ = ("include_private", "literal_key", "max_size", "min_size", "name", "type")

    def __init__(
        self,
        name: str | None,
        type: str | None,
        min_size: int | None,
        max_size: int | None,
        include_private: bool,
    ) -> None:
        self.name = re.compile(fnmatch.translate(name)).match if name is not None else None
        # A name without glob characters must appear in the file as a JSON key: files
        # without it are skipped unparsed. Only for names JSON writes unescaped.
        plain = name is not None and not _GLOB.search(name) and name.isascii()
        self.literal_key = json.dumps(name).encode() if plain and name else None
        self.type = type.lower() if type is not None else None
        self.min_size = min_size
        self.max_size = max_size
        self.include_private = include_private

    def names(self, names: Iterable[str]) -> list[str]:
        """The accepted names, sorted: comprehensions, since this runs once per task."""
        if not self.include_private:
            names = [n for n in names if not n.startswith("_")]
        if self.name is not None:
            match = self.name
            names = [n for n in names if match(n) is not None]
        return sorted(names)

    def accepts(self, type_full: str, size: int | None) -> bool:
        if self.type is not None:
            full = type_full.lower()
            if not (
                fnmatch.fnmatchcase(full, self.type)
                or fnmatch.fnmatchcase(short_type(full), self.type)
            ):
                return False
        if size is None:
            return self.min_size is None and self.max_size is None
        if self.min_size is not None and size < self.min_size:
            return False
        return self.max_size is None or size <= self.max_size


def _matching(pathspec: str, data: TaskData, wanted: _Filter) -> Iterator[ArtifactInfo]:
    for artifact_name in wanted.names(data.objects):
        meta = data.info.get(artifact_name)
        meta = meta if isinstance(meta, dict) else {}
        size = meta.get("size")
        size = size if isinstance(size, int) and not isinstance(size, bool) else None
        full = type_name(str(meta.get("type", "unknown")))
        if not wanted.accepts(full, size):
            continue
        yield ArtifactInfo(
            pathspec=pathspec,
            name=artifact_name,
            sha=str(data.objects[artifact_name]),
            size=size if size is not None else -1,
            type=full,
            encoding=str(meta.get("encoding", "gzip+pickle-v2")),
            attempt=data.attempt,
        )


def _tasks_in(
    reader: Reader, layout: LocalLayout, spec: Pathspec
) -> Iterator[tuple[str, Path | str]]:
    """Task folders of the scope, lazily: runs newest first, steps in the order they ran
    (local task ids are handed out in order, so by their smallest task id), tasks by id."""
    if spec.task_id is not None:
        yield str(spec), layout.path_of(spec)
        return
    if spec.run_id is not None:
        run_ids = [spec.run_id]
    else:
        listing = reader.names(layout.flow_dir(spec.flow))
        run_ids = list(RunOrder(listing, is_run_id).after(None))
    for run_id in run_ids:
        run_dir = layout.run_dir(spec.flow, run_id)
        if spec.step is not None:
            steps = [spec.step]
        else:
            steps = [n for n in reader.names(run_dir) if is_step_name(n)]
        listed = [(step, task_ids(reader, run_dir / step)) for step in steps]
        listed.sort(key=lambda pair: (id_order(pair[1][0]) if pair[1] else (2, 0, ""), pair[0]))
        for step, ids in listed:
            step_folder = f"{run_dir}/{step}"  # strings: a Path per task costs (hot path)
            for task_id in ids:
                yield f"{spec.flow}/{run_id}/{step}/{task_id}", f"{step_folder}/{task_id}"
