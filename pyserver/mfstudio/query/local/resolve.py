"""Check that a pathspec exists, or say which existing ones are nearest.

Used by every operation before it reads, so an unknown flow, run, step or task always gets
the same clear :class:`NotFoundError` instead of an empty result.
"""

from __future__ import annotations

import difflib

from ..errors import NotFoundError
from .layout import LocalLayout, Pathspec, PathspecKind, is_run_id, is_step_name
from .reader import Reader

__all__ = ["require"]

_SUGGESTIONS = 3


def require(
    reader: Reader, layout: LocalLayout, text: str, kind: PathspecKind | None = None
) -> Pathspec:
    """Parse ``text`` and check each level exists, from the flow down. Raises
    :class:`NotFoundError` at the first missing level, naming its nearest siblings."""
    spec = Pathspec.parse(text, kind)
    where = f"the local datastore {layout.metaflow_dir}"
    levels: list[tuple[PathspecKind, str | None]] = [
        ("flow", spec.flow),
        ("run", spec.run_id),
        ("step", spec.step),
        ("task", spec.task_id),
    ]
    parent = layout.metaflow_dir
    prefix = ""
    for level, name in levels:
        if name is None:
            break
        path = parent / name
        if not reader.exists(path) or not _valid(level, name):
            candidates = [n for n in reader.names(parent) if _valid(level, n)]
            nearest = _nearest(level, name, candidates)
            raise NotFoundError(level, prefix + name, where, [prefix + n for n in nearest])
        parent = path
        prefix += name + "/"
    return spec


def _valid(level: PathspecKind, name: str) -> bool:
    if level == "flow":
        return not name.startswith(".") and name != "mf.cards"
    if level == "run":
        return is_run_id(name)
    if level == "step":
        return is_step_name(name)
    return not name.startswith("_")


def _nearest(level: PathspecKind, name: str, candidates: list[str]) -> list[str]:
    """Closest names by spelling; for numeric ids (runs, tasks) the numerically nearest,
    since a mistyped id is usually one digit off or a neighbouring run."""
    if level in ("run", "task") and name.isdigit():
        numeric = [c for c in candidates if c.isdigit()]
        if numeric:
            target = int(name)
            return sorted(numeric, key=lambda c: abs(int(c) - target))[:_SUGGESTIONS]
    close = difflib.get_close_matches(name, candidates, n=_SUGGESTIONS, cutoff=0.5)
    if close:
        return close
    if level in ("run", "task"):
        numeric = sorted((c for c in candidates if c.isdigit()), key=int, reverse=True)
        return numeric[:_SUGGESTIONS]
    return sorted(candidates)[:_SUGGESTIONS]
