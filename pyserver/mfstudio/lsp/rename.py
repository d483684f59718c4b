"""``textDocument/prepareRename`` and ``textDocument/rename`` for steps.

A step's name lives in its ``def`` and in every ``self.<name>`` transition into it; renaming
one by hand leaves the flow broken until all are found. Names Metaflow would reject are
refused up front with the reason, rather than producing a flow that fails its lint.
"""

from __future__ import annotations

import keyword
import re

from lsprotocol import types

from mfstudio.flowgraph.model import FileAnalysis, Position
from mfstudio.lsp.errors import RenameRefusedError
from mfstudio.lsp.lookup import StepAt, step_at, transitions_into
from mfstudio.lsp.positions import LineIndex

__all__ = ["FIXED_STEP_NAMES", "RESERVED_STEP_NAMES", "check_new_name", "prepare_rename", "rename"]

FIXED_STEP_NAMES = frozenset({"start", "end"})
"""Steps Metaflow finds by name: renaming them (or to them) changes the flow's shape."""

RESERVED_STEP_NAMES = frozenset({"name", "next", "input", "index", "cmd"})
"""Metaflow's lint (check_reserved_words) rejects these as step names."""

_VALID_STEP_NAME = re.compile(r"[a-z][a-z0-9_]*")  # metaflow lint: check_step_names


def _renameable(analysis: FileAnalysis, position: Position) -> StepAt | None:
    found = step_at(analysis, position)
    if found is None:
        return None
    if found.name in FIXED_STEP_NAMES:
        raise RenameRefusedError(
            f"The {found.name!r} step cannot be renamed: Metaflow finds it by that name."
        )
    if found.step is None:
        raise RenameRefusedError(
            f"There is no step {found.name!r} in flow {found.flow.name}: define it before "
            "renaming it."
        )
    if found.step.source_file is not None:
        raise RenameRefusedError(
            f"Step {found.name!r} is inherited from {found.step.source_file}: rename it there."
        )
    return found


def prepare_rename(
    analysis: FileAnalysis, lines: LineIndex, position: Position
) -> types.PrepareRenamePlaceholder | None:
    """The name to rename at ``position``; None when the cursor is not on a step name."""
    found = _renameable(analysis, position)
    if found is None:
        return None
    return types.PrepareRenamePlaceholder(
        range=lines.to_lsp_range(found.range), placeholder=found.name
    )


def check_new_name(found: StepAt, new_name: str) -> None:
    """Raise ``RenameRefusedError`` unless Metaflow would accept ``new_name`` here."""
    if not _VALID_STEP_NAME.fullmatch(new_name) or keyword.iskeyword(new_name):
        raise RenameRefusedError(
            f"{new_name!r} is not a valid step name: use lowercase ASCII letters, digits "
            "and underscores, starting with a letter (and not a Python keyword)."
        )
    if new_name in FIXED_STEP_NAMES:
        raise RenameRefusedError(
            f"{new_name!r} is reserved for Metaflow's {new_name} step: choose another name."
        )
    if new_name in RESERVED_STEP_NAMES:
        raise RenameRefusedError(
            f"{new_name!r} is a reserved word in Metaflow and cannot name a step."
        )
    if new_name != found.name and new_name in found.flow.steps:
        raise RenameRefusedError(
            f"Flow {found.flow.name} already has a step named {new_name!r}: choose another name."
        )


def rename(
    analysis: FileAnalysis, lines: LineIndex, uri: str, position: Position, new_name: str
) -> types.WorkspaceEdit | None:
    """Edits renaming the step at ``position`` in its ``def`` and every transition into it."""
    found = _renameable(analysis, position)
    if found is None or found.step is None:
        return None
    check_new_name(found, new_name)
    ranges = [found.step.name_range, *transitions_into(found.flow, found.name)]
    edits = [types.TextEdit(range=lines.to_lsp_range(r), new_text=new_name) for r in ranges]
    return types.WorkspaceEdit(changes={uri: edits})
