"""``textDocument/publishDiagnostics``: the analysis' diagnostics as LSP diagnostics.

The rule name travels as ``code`` so the editor can show it and tests (and users) can
tell Metaflow's own lint rules (``check_*``) from ``syntax`` and ``mfstudio-*`` checks.
"""

from __future__ import annotations

from lsprotocol import types

from mfstudio.flowgraph.model import Diagnostic, FileAnalysis, Severity
from mfstudio.lsp.positions import LineIndex
from mfstudio.lsp.protocol import SOURCE

__all__ = ["to_lsp_diagnostic", "to_lsp_diagnostics"]

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


def to_lsp_diagnostic(diagnostic: Diagnostic, lines: LineIndex) -> types.Diagnostic:
    return types.Diagnostic(
        range=lines.to_lsp_range(diagnostic.range),
        message=diagnostic.message,
        severity=_SEVERITY.get(diagnostic.severity, types.DiagnosticSeverity.Error),
        code=diagnostic.rule,
        source=SOURCE,
    )


def to_lsp_diagnostics(analysis: FileAnalysis, lines: LineIndex) -> list[types.Diagnostic]:
    """All diagnostics of the file (every flow's and the file's own), in source order."""
    ordered = sorted(analysis.diagnostics, key=lambda d: (d.range.start.line, d.range.start.column))
    return [to_lsp_diagnostic(d, lines) for d in ordered]
