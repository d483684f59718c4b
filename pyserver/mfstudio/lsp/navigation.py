"""``textDocument/definition`` and ``textDocument/references`` for steps.

Definition jumps from a transition target (``self.next(self.x)``, also a case of a switch
dict) to ``def x``; references list every transition into a step, which is how a user
answers "where does this step get called from".
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path

from mfstudio.flowgraph.model import FileAnalysis, Position, SourceRange, Step
from mfstudio.lsp.lookup import step_at, transitions_into
from mfstudio.lsp.positions import LineIndex

__all__ = ["definition", "references"]


def _location(step: Step, at: SourceRange, lines: LineIndex, uri: str) -> types.Location | None:
    """Where ``at`` (a range inside ``step``) is: in this document, or in the module the
    step is inherited from (read now, so its columns convert exactly)."""
    if step.source_file is None:
        return types.Location(uri=uri, range=lines.to_lsp_range(at))
    try:
        text = Path(step.source_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    other = from_fs_path(step.source_file)
    if other is None:
        return None
    return types.Location(uri=other, range=LineIndex(text, lines.encoding).to_lsp_range(at))


def definition(
    analysis: FileAnalysis, lines: LineIndex, uri: str, position: Position
) -> types.Location | None:
    found = step_at(analysis, position)
    if found is None or found.step is None:
        return None
    return _location(found.step, found.step.name_range, lines, uri)


def references(
    analysis: FileAnalysis,
    lines: LineIndex,
    uri: str,
    position: Position,
    *,
    include_declaration: bool,
) -> list[types.Location] | None:
    found = step_at(analysis, position)
    if found is None:
        return None
    locations = [
        types.Location(uri=uri, range=lines.to_lsp_range(r))
        for r in transitions_into(found.flow, found.name)
    ]
    inherited = [
        _location(step, t.range, lines, uri)
        for step in found.flow.steps.values()
        if step.source_file is not None
        for t in step.transitions
        if t.target == found.name
    ]
    locations += [loc for loc in inherited if loc is not None]
    step = found.step
    if include_declaration and step is not None:
        declaration = _location(step, step.name_range, lines, uri)
        if declaration is not None:
            locations.insert(0, declaration)
    return locations
