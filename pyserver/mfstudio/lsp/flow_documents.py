"""The flow a request names: from the open document's newest analysis, else from the file.

Run, resume and debug requests all name a flow by document uri and class name; this is the
one place that finds it and says what is wrong when it cannot (the uri is not a readable
file, the file has no such flow: then it lists the flows it has).
"""

from __future__ import annotations

from pygls.uris import to_fs_path

from mfstudio.flowgraph import FileAnalysis, Flow, analyze_file
from mfstudio.flowgraph.errors import FlowgraphError

from .errors import DocumentUnreadableError, InvalidParamsError
from .language_server import MetaflowLanguageServer

__all__ = ["analysis_of", "flow_in"]


def analysis_of(ls: MetaflowLanguageServer, method: str, uri: str) -> FileAnalysis:
    """The open document's newest analysis, else the file's on disk."""
    snapshot = ls.snapshot(uri)
    if snapshot is not None:
        return snapshot.analysis
    path = to_fs_path(uri)
    if path is None:
        raise DocumentUnreadableError(f"{method}: {uri} is not a file: URI.")
    try:
        return analyze_file(path, resolver=ls.resolver)
    except (OSError, FlowgraphError) as error:
        raise DocumentUnreadableError(f"{method}: cannot read {uri}: {error}") from error


def flow_in(analysis: FileAnalysis, method: str, name: str | None) -> Flow:
    """The flow ``name`` (default: the file's last, the one Metaflow runs)."""
    flow = analysis.flow(name)
    if flow is None:
        found = ", ".join(f.name for f in analysis.flows) or "none"
        wanted = f"flow {name!r}" if name else "flow"
        raise InvalidParamsError(f"{method}: {analysis.path} has no {wanted} (its flows: {found}).")
    return flow
