"""Flow analysis: Metaflow flows read from the AST, never executed.

``analyze_source``/``analyze_file`` give a :class:`FileAnalysis` (flows, steps, graph,
diagnostics) equal to Metaflow's own ``output-raw`` graph and lint; ``IncrementalAnalyzer``
keeps one per open document and re-reads only the step an edit touched.
"""

from __future__ import annotations

from .analyzer import MAX_SOURCE_CHARS, analyze_file, analyze_source, read_source
from .catalog import catalog
from .errors import FlowgraphError, SourceUnreadableError
from .incremental import IncrementalAnalyzer
from .model import (
    Decorator,
    Diagnostic,
    FileAnalysis,
    Flow,
    Parameter,
    Position,
    Severity,
    SourceRange,
    Step,
    StepType,
    Transition,
)
from .resolver import ModuleResolver

__all__ = [
    "MAX_SOURCE_CHARS",
    "Decorator",
    "Diagnostic",
    "FileAnalysis",
    "Flow",
    "FlowgraphError",
    "IncrementalAnalyzer",
    "ModuleResolver",
    "Parameter",
    "Position",
    "Severity",
    "SourceRange",
    "SourceUnreadableError",
    "Step",
    "StepType",
    "Transition",
    "analyze_file",
    "analyze_source",
    "catalog",
    "read_source",
]
