"""``textDocument/documentSymbol``: the outline is flow (Class) -> steps (Method) and
parameters (Property), so the editor's outline and breadcrumbs speak Metaflow."""

from __future__ import annotations

from lsprotocol import types

from mfstudio.flowgraph.model import FileAnalysis, Flow, Parameter, Step
from mfstudio.lsp.lookup import own_steps
from mfstudio.lsp.positions import LineIndex

__all__ = ["document_symbols"]


def _step_symbol(step: Step, lines: LineIndex) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=step.name,
        detail=step.type,
        kind=types.SymbolKind.Method,
        range=lines.to_lsp_range(step.range),
        selection_range=lines.to_lsp_range(step.name_range),
    )


def _parameter_symbol(parameter: Parameter, lines: LineIndex) -> types.DocumentSymbol:
    detail = parameter.kind if parameter.type is None else f"{parameter.kind}: {parameter.type}"
    symbol_range = lines.to_lsp_range(parameter.range)
    return types.DocumentSymbol(
        name=parameter.attribute,
        detail=detail,
        kind=types.SymbolKind.Property,
        range=symbol_range,
        selection_range=symbol_range,
    )


def _flow_symbol(flow: Flow, lines: LineIndex) -> types.DocumentSymbol:
    members = [(p.range.start.line, _parameter_symbol(p, lines)) for p in flow.parameters]
    members += [(s.range.start.line, _step_symbol(s, lines)) for s in own_steps(flow)]
    members.sort(key=lambda item: item[0])
    return types.DocumentSymbol(
        name=flow.name,
        detail="flow",
        kind=types.SymbolKind.Class,
        range=lines.to_lsp_range(flow.range),
        selection_range=lines.to_lsp_range(flow.name_range),
        children=[symbol for _, symbol in members],
    )


def document_symbols(analysis: FileAnalysis, lines: LineIndex) -> list[types.DocumentSymbol]:
    return [_flow_symbol(flow, lines) for flow in analysis.flows]
