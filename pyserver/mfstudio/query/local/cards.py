"""A task's cards (``mf.cards/...``) and their HTML.

Metaflow names card files ``<type>-<hash>.html`` or ``<type>-<id>-<hash>.html`` (see its
``CardDatastore.get_card_location``), under ``mf.cards/<Flow>/runs/<run>/steps/<step>/
tasks/<task>/cards/``; cards written before mid-2022 sit at the same path without
``steps/<step>``, which Metaflow still reads when the new folder is empty, and so do we.

A task cloned by ``resume`` has no cards of its own; like ``get_cards`` (which follows
resumed tasks by default), its origin task's cards are returned, with the origin's pathspec.

Cost: the task's pathspec checks, one or two listings, one stat per card, and one read
per card whose HTML is asked for and fits ``max_bytes``; for a task without cards, one
listing of its ``_meta`` and the reads of its (at most two) origin files, per origin.
"""

from __future__ import annotations

from pathlib import Path
from stat import S_ISREG

from ..model import CardInfo, CardList, Problem
from .layout import LocalLayout
from .reader import Reader
from .resolve import require

__all__ = ["cards"]

_SUFFIX = ".html"
_MAX_RESUMES = 20  # a task cloned from a clone ...: follow at most this many origins


def cards(
    reader: Reader, layout: LocalLayout, task: str, include_html: bool, max_bytes: int
) -> CardList:
    spec = require(reader, layout, task, "task")
    assert spec.run_id is not None and spec.step is not None and spec.task_id is not None
    result = CardList(str(spec), [], reader.cost, [])
    run_id, task_id = spec.run_id, spec.task_id
    folder, names = _card_files(reader, layout, spec.flow, run_id, spec.step, task_id)
    for _ in range(_MAX_RESUMES):
        if names:
            break
        origin = _origin(reader, layout.task_dir(spec.flow, run_id, spec.step, task_id))
        if origin is None:
            break
        run_id, task_id = origin
        folder, names = _card_files(reader, layout, spec.flow, run_id, spec.step, task_id)
    pathspec = f"{spec.flow}/{run_id}/{spec.step}/{task_id}"
    found: list[tuple[float, str, CardInfo]] = []
    for name in names:
        if not name.endswith(_SUFFIX):
            continue
        parts = name[: -len(_SUFFIX)].split("-")
        if len(parts) not in (2, 3):
            result.problems.append(
                Problem(
                    pathspec,
                    f"card file {name!r} is not named TYPE-HASH.html or TYPE-ID-HASH.html; skipped",
                )
            )
            continue
        stat = reader.stat(folder / name)
        if stat is None or not S_ISREG(stat.st_mode):  # vanished, or a folder
            continue
        card = CardInfo(
            pathspec=pathspec,
            type=parts[0],
            id=parts[1] if len(parts) == 3 else None,
            hash=parts[-1],
            size=stat.st_size,
            html=None,
        )
        if include_html:
            card.html = _html(reader, folder / name, card, max_bytes, result.problems)
        found.append((stat.st_mtime, name, card))
    result.cards = [card for _, _, card in sorted(found, key=lambda t: (t[0], t[1]))]
    return result


def _html(
    reader: Reader, path: Path, card: CardInfo, max_bytes: int, problems: list[Problem]
) -> str | None:
    """The card's HTML when it fits ``max_bytes``; otherwise a problem saying how to get it."""
    if card.size > max_bytes:
        problems.append(
            Problem(
                card.pathspec,
                f"card {card.type} {card.hash} is {card.size:,} bytes, above "
                f"max_bytes={max_bytes:,}; its HTML was left out (pass a larger max_bytes, "
                f"or open {path} directly).",
            )
        )
        return None
    data = reader.read_bytes(path, max_bytes)
    return None if data is None else data.decode("utf-8", errors="replace")


def _card_files(
    reader: Reader, layout: LocalLayout, flow: str, run_id: str, step: str, task_id: str
) -> tuple[Path, list[str]]:
    """The cards folder of a task and its entries, trying the pre-2022 folder when empty."""
    folder = layout.cards_dir(flow, run_id, step, task_id)
    names = reader.names(folder)
    if not names:
        folder = layout.metaflow_dir / "mf.cards" / flow / "runs" / run_id / "tasks" / task_id
        folder = folder / "cards"
        names = reader.names(folder)
    return folder, names


def _origin(reader: Reader, task_dir: Path) -> tuple[str, str] | None:
    """For a task cloned by ``resume``: the run and task it was cloned from, from its
    ``origin-run-id`` and ``origin-task-id`` metadata (``None`` for a task that ran)."""
    meta = task_dir / "_meta"
    values: dict[str, str] = {}
    for name in reader.names(meta):
        for field in ("origin-run-id", "origin-task-id"):
            if name.startswith(f"sysmeta_{field}_") and name.endswith(".json"):
                try:
                    document = reader.read_json(meta / name)
                except (ValueError, UnicodeDecodeError):
                    continue
                if isinstance(document, dict):
                    values[field] = str(document.get("value"))
    run_id, task_id = values.get("origin-run-id"), values.get("origin-task-id")
    if run_id in (None, "None") or task_id in (None, "None"):
        return None
    return str(run_id), str(task_id)
