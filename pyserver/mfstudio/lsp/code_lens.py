"""``textDocument/codeLens``: "Show DAG" above each flow, "Show in DAG" above each step, and
"Show latest card" above each step that has ``@card``, "Debug step" above each step, and
"Run flow…" above each flow (``metaflow.runFlow`` with ``[uri, flowName]``: the run form).

The lenses only carry client commands: ``metaflow.showDag`` with ``[uri, stepName,
flowName]`` (stepName null for the whole flow; flowName tells which flow of a file with
several), after which the extension opens the DAG panel and highlights the node; and
``metaflow.showLatestCard`` with ``[flowName, stepName, uri]``, after which it asks
``metaflow/latestCards`` and shows the card; and ``metaflow.debugStep`` with ``[uri,
stepName, flowName]``, which starts a ``metaflow`` debug session (see lsp/debugging.py).

In any Python file, "Deploy as function" sits above each ``@json_function`` definition
(``metaflow.deployFunction`` with ``[uri, functionName]``; see lsp/functions.py).
"""

from __future__ import annotations

from lsprotocol import types

from mfstudio.flowgraph.model import FileAnalysis, Position, SourceRange
from mfstudio.functions_deploy.discover import definitions_in_source
from mfstudio.lsp.lookup import own_steps
from mfstudio.lsp.positions import LineIndex
from mfstudio.lsp.protocol import (
    DEBUG_STEP_COMMAND,
    DEPLOY_FUNCTION_COMMAND,
    RUN_FLOW_COMMAND,
    SHOW_DAG_COMMAND,
    SHOW_LATEST_CARD_COMMAND,
)

__all__ = ["code_lenses", "function_lenses"]


def _lens(
    lines: LineIndex, at: SourceRange, title: str, command: str, arguments: list[object]
) -> types.CodeLens:
    start = lines.to_lsp_position(at.start)  # the first decorator: the lens sits above them all
    return types.CodeLens(
        range=types.Range(start=start, end=start),
        command=types.Command(title=title, command=command, arguments=arguments),
    )


def code_lenses(analysis: FileAnalysis, lines: LineIndex, uri: str) -> list[types.CodeLens]:
    lenses: list[types.CodeLens] = []
    for flow in analysis.flows:
        lenses.append(
            _lens(lines, flow.range, "Show DAG", SHOW_DAG_COMMAND, [uri, None, flow.name])
        )
        lenses.append(_lens(lines, flow.range, "Run flow…", RUN_FLOW_COMMAND, [uri, flow.name]))
        for step in own_steps(flow):
            lenses.append(
                _lens(
                    lines, step.range, "Show in DAG", SHOW_DAG_COMMAND, [uri, step.name, flow.name]
                )
            )
            debug_args: list[object] = [uri, step.name, flow.name]
            lenses.append(_lens(lines, step.range, "Debug step", DEBUG_STEP_COMMAND, debug_args))
            if any(d.name == "card" for d in step.decorators):
                arguments: list[object] = [flow.name, step.name, uri]
                lenses.append(
                    _lens(
                        lines, step.range, "Show latest card", SHOW_LATEST_CARD_COMMAND, arguments
                    )
                )
    return lenses


def function_lenses(text: str, lines: LineIndex, uri: str) -> list[types.CodeLens]:
    """The "Deploy as function" lens above each ``@json_function`` (above its decorators)."""
    lenses: list[types.CodeLens] = []
    for function in definitions_in_source(text):
        at = Position(function.decorator_line + 1, 0)
        arguments: list[object] = [uri, function.name]
        where = SourceRange(at, at)
        lenses.append(_lens(lines, where, "Deploy as function", DEPLOY_FUNCTION_COMMAND, arguments))
    return lenses
