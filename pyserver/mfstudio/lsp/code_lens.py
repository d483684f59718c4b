"""``textDocument/codeLens``: "Show DAG" above each flow and "Show in DAG" above each step.

The lenses only carry the client command ``metaflow.showDag`` with ``[uri, stepName,
flowName]`` (stepName null for the whole flow; flowName tells which flow of a file with
several); the extension opens the DAG panel and highlights the node.
"""

from __future__ import annotations

from lsprotocol import types

from mfstudio.flowgraph.model import FileAnalysis, SourceRange
from mfstudio.lsp.lookup import own_steps
from mfstudio.lsp.positions import LineIndex
from mfstudio.lsp.protocol import SHOW_DAG_COMMAND

__all__ = ["code_lenses"]


def _lens(
    lines: LineIndex, at: SourceRange, title: str, uri: str, step: str | None, flow: str
) -> types.CodeLens:
    start = lines.to_lsp_position(at.start)  # the first decorator: the lens sits above them all
    return types.CodeLens(
        range=types.Range(start=start, end=start),
        command=types.Command(title=title, command=SHOW_DAG_COMMAND, arguments=[uri, step, flow]),
    )


def code_lenses(analysis: FileAnalysis, lines: LineIndex, uri: str) -> list[types.CodeLens]:
    lenses: list[types.CodeLens] = []
    for flow in analysis.flows:
        lenses.append(_lens(lines, flow.range, "Show DAG", uri, None, flow.name))
        lenses.extend(
            _lens(lines, s.range, "Show in DAG", uri, s.name, flow.name) for s in own_steps(flow)
        )
    return lenses
