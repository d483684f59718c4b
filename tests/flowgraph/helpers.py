"""Small helpers shared by the flowgraph test modules."""

from __future__ import annotations

from mfstudio.flowgraph import FileAnalysis
from mfstudio.flowgraph.model import JSONValue

__all__ = ["snapshot"]


def snapshot(analysis: FileAnalysis) -> dict[str, JSONValue]:
    """Everything an analysis says, as JSON: every flow's payload and every diagnostic."""
    return {
        "flows": [analysis.to_json(f.name) for f in analysis.flows],
        "classes": [
            (f.name, f.range.to_json(), f.name_range.to_json(), f.doc, f.bases)
            for f in analysis.flows
        ],
        "transitions": [
            [
                (t.source, t.target, t.range.to_json())
                for s in f.steps.values()
                for t in s.transitions
            ]
            for f in analysis.flows
        ],
        "diagnostics": [d.to_json() for d in analysis.diagnostics],
    }
