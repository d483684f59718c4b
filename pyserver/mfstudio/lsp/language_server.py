"""``MetaflowLanguageServer``: the state behind the handlers (open documents, their
analyses, the debounce, the module resolver) and the few operations handlers call.

All handlers run on the server's event loop, one at a time, so this state needs no locks.
Analysis is fast enough (milliseconds, incremental while typing) to run inline; what is
debounced is *publishing*: diagnostics and ``metaflow/flowGraphChanged`` go out once the
user pauses, for the latest version only. A request that needs the current analysis
(``metaflow/flowGraph``, completion, navigation) analyses the newest text on the spot.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.exceptions import FeatureRequestError, PyglsError
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from mfstudio import __version__
from mfstudio.flowgraph import IncrementalAnalyzer, ModuleResolver, analyze_file
from mfstudio.flowgraph.catalog import DecoratorCatalog, catalog
from mfstudio.flowgraph.errors import FlowgraphError
from mfstudio.flowgraph.model import (
    Diagnostic,
    FileAnalysis,
    JSONValue,
    Position,
    Severity,
    SourceRange,
)
from mfstudio.lsp.diagnostics import to_lsp_diagnostics
from mfstudio.lsp.documents import OpenDocument, Snapshot
from mfstudio.lsp.errors import DocumentUnreadableError
from mfstudio.lsp.positions import LineIndex
from mfstudio.lsp.protocol import (
    FLOW_GRAPH_CHANGED,
    FlowGraphChangedParams,
    FlowGraphParams,
    InitializationOptions,
)
from mfstudio.lsp.transport import MetaflowProtocol

__all__ = ["DEBOUNCE_SECONDS", "MetaflowLanguageServer"]

logger = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.15
"""Pause after the last keystroke before diagnostics and graph updates are published."""

_SHOW_ERRORS_EVERY_SECONDS = 30.0


def _path_of(uri: str) -> str:
    return to_fs_path(uri) or uri


def _internal_error_analysis(path: str, error: Exception) -> FileAnalysis:
    """What the user sees if the analysis itself fails: one diagnostic, not a dead server."""
    where = SourceRange(Position(1, 0), Position(1, 0))
    message = f"Metaflow Studio could not analyse this file ({type(error).__name__}: {error})."
    return FileAnalysis(
        path=path,
        flows=[],
        diagnostics=[Diagnostic(message, where, Severity.WARNING, "mfstudio-internal")],
    )


class MetaflowLanguageServer(LanguageServer):
    """pygls server holding Metaflow Studio's per-document state."""

    def __init__(self, debounce_seconds: float = DEBOUNCE_SECONDS) -> None:
        super().__init__(
            name="metaflow-studio",
            version=__version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            # lsprotocol's converter alone: params of custom methods stay plain JSON values
            # (pygls' default turns them into namedtuples, renaming keys that are not
            # identifiers and costing a class per object).
            converter_factory=get_converter,
            protocol_cls=MetaflowProtocol,
        )
        self.debounce_seconds = debounce_seconds
        self.documents: dict[str, OpenDocument] = {}
        self.options = InitializationOptions()
        self._resolver: ModuleResolver | None = None
        self._last_error_shown = float("-inf")

    @property
    def catalog(self) -> DecoratorCatalog:
        """Metaflow's decorators, shared with the analysis; imported on first use only."""
        return catalog()

    # -- configuration -------------------------------------------------------------------

    def configure(self, initialization_options: object) -> None:
        self.options = InitializationOptions.from_json(initialization_options)
        self._resolver = None

    def workspace_roots(self) -> list[str]:
        """Folders searched for workspace modules: initializationOptions.workspaceRoots,
        then the workspace folders, then the root."""
        roots = list(self.options.workspace_roots)
        try:
            workspace = self.workspace
        except RuntimeError:  # not initialized yet
            return roots
        folders: dict[str, types.WorkspaceFolder] = workspace.folders
        roots += [_path_of(f.uri) for f in folders.values()]
        if workspace.root_path:
            roots.append(str(workspace.root_path))
        return list(dict.fromkeys(roots))

    def workspace_changed(self) -> None:
        """Workspace folders changed: new resolver, and every open document re-analysed
        with it (a base flow may now be found, or no longer)."""
        self._resolver = None
        for document in self.documents.values():
            document.analyzer = self._analyzer(document.path)
            document.snapshot = None
            self._publish(document)

    def _analyzer(self, path: str) -> IncrementalAnalyzer:
        # the syntax check of function bodies' middles waits until the analysis has been
        # published (see _schedule_body_check): a file opens with its graph sooner
        return IncrementalAnalyzer(path, resolver=self.resolver, defer_body_check=True)

    @property
    def resolver(self) -> ModuleResolver:
        if self._resolver is None:
            self._resolver = ModuleResolver([Path(r) for r in self.workspace_roots()])
        return self._resolver

    # -- document lifecycle --------------------------------------------------------------

    def open_document(self, uri: str, version: int, text: str) -> None:
        path = _path_of(uri)
        document = OpenDocument(
            uri=uri,
            path=path,
            version=version,
            text=text,
            analyzer=self._analyzer(path),
        )
        self.documents[uri] = document
        self._publish(document)

    def change_document(self, uri: str, version: int) -> None:
        document = self.documents.get(uri)
        if document is None:  # a change without open: treat it as an open
            text = self.workspace.get_text_document(uri).source
            self.open_document(uri, version, text)
            return
        document.text = self.workspace.get_text_document(uri).source
        document.version = version
        document.cancel_pending()
        loop = asyncio.get_running_loop()
        document.pending = loop.call_later(self.debounce_seconds, self._publish_due, uri)

    def close_document(self, uri: str) -> None:
        document = self.documents.pop(uri, None)
        if document is not None:
            document.cancel_pending()
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    # -- analysis ------------------------------------------------------------------------

    def snapshot(self, uri: str) -> Snapshot | None:
        """The analysis of an open document's newest text (made now if it is due)."""
        document = self.documents.get(uri)
        return None if document is None else self._current(document)

    def completion_context(self, uri: str) -> tuple[FileAnalysis, LineIndex] | None:
        """The newest text (for the cursor's context) and the latest analysis that found
        flows (for the candidates). Completion is asked on nearly every keystroke: it
        reuses the last analysis rather than forcing one ahead of the debounce, and
        mid-edit (no flow parsed from the newest text) it still knows the steps."""
        document = self.documents.get(uri)
        if document is None:
            return None
        snapshot = document.last_with_flows or document.snapshot or self._current(document)
        return snapshot.analysis, LineIndex(document.text, self._encoding())

    def _current(self, document: OpenDocument) -> Snapshot:
        if document.snapshot is not None and not document.stale:
            return document.snapshot
        try:
            analysis = document.analyzer.update(document.text)
        except Exception as error:  # analysis must never raise; if it does, stay alive
            logger.exception("analysis of %s failed", document.uri)
            self.report_server_error(error, PyglsError)
            analysis = _internal_error_analysis(document.path, error)
        return self._remember(document, analysis)

    def _remember(self, document: OpenDocument, analysis: FileAnalysis) -> Snapshot:
        snapshot = Snapshot(document.version, document.text, self._encoding(), analysis)
        document.snapshot = snapshot
        if analysis.flows:
            document.last_with_flows = snapshot
        return snapshot

    def _encoding(self) -> str:
        return str(getattr(self.workspace.position_encoding, "value", None) or "utf-16")

    def _publish_due(self, uri: str) -> None:
        document = self.documents.get(uri)
        if document is None:
            return
        document.pending = None
        try:
            self._publish(document)
        except Exception as error:
            logger.exception("publishing the analysis of %s failed", uri)
            self.report_server_error(error, PyglsError)

    def _publish(self, document: OpenDocument) -> None:
        """Send diagnostics, and ``metaflow/flowGraphChanged`` if the graph payload changed."""
        snapshot = self._current(document)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=document.uri,
                version=document.version,
                diagnostics=to_lsp_diagnostics(snapshot.analysis, snapshot.lines),
            )
        )
        fingerprint = snapshot.fingerprint()
        if fingerprint != document.published:
            document.published = fingerprint
            changed = FlowGraphChangedParams(uri=document.uri, version=document.version)
            self.protocol.notify(FLOW_GRAPH_CHANGED, changed.to_json())
        if document.analyzer.body_check_pending:
            self._schedule_body_check(document.uri)

    def _schedule_body_check(self, uri: str) -> None:
        """Syntax-check the lines the published analysis left out, once this publish has
        gone out; if they are broken, publish the file's full analysis (with the error)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # called outside the event loop: check now
            self._finish_body_check(uri)
            return
        loop.call_soon(self._finish_body_check, uri)

    def _finish_body_check(self, uri: str) -> None:
        document = self.documents.get(uri)
        if document is None or document.stale:
            return  # a newer text is due; its update finishes the check first
        try:
            analysis = document.analyzer.finish_body_check()
        except Exception as error:  # analysis must never raise; if it does, stay alive
            logger.exception("syntax check of %s failed", uri)
            self.report_server_error(error, PyglsError)
            return
        if analysis is not None:
            self._remember(document, analysis)
            self._publish(document)

    def flow_graph(self, params: FlowGraphParams) -> dict[str, JSONValue]:
        """The ``metaflow/flowGraph`` payload: the open document's newest text, or the file
        on disk when the document is not open. A flow name the file does not have gives
        the payload with ``"flow": null`` and the file's ``flows``, so a panel showing a
        flow that was just renamed can fall back without an error round trip."""
        snapshot = self.snapshot(params.uri)
        if snapshot is None:
            snapshot = self._snapshot_from_disk(params.uri)
        return snapshot.payload(params.flow)

    def _snapshot_from_disk(self, uri: str) -> Snapshot:
        path = to_fs_path(uri)
        if path is None:
            raise DocumentUnreadableError(
                f"Cannot read {uri}: it is not open in the editor and not a file: URI. "
                "Open the document first."
            )
        try:
            analysis = analyze_file(path, resolver=self.resolver)
        except FlowgraphError as error:
            raise DocumentUnreadableError(f"{error} (requested as {uri})") from error
        return Snapshot(None, "", self._encoding(), analysis)

    # -- errors --------------------------------------------------------------------------

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log every unexpected error to stderr and the client's log; show it to the user
        (at most every 30 s) unless it was already answered as a request's error."""
        logger.error("server error (%s): %s", getattr(source, "__name__", source), error)
        try:
            self.window_log_message(
                types.LogMessageParams(type=types.MessageType.Error, message=f"{error}")
            )
            now = time.monotonic()
            if source is not FeatureRequestError and now - self._last_error_shown > (
                _SHOW_ERRORS_EVERY_SECONDS
            ):
                self._last_error_shown = now
                self.window_show_message(
                    types.ShowMessageParams(
                        type=types.MessageType.Error,
                        message=f"Metaflow Studio language server: {error}",
                    )
                )
        except Exception:  # the transport itself may be gone
            logger.exception("could not report an error to the client")
