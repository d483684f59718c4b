"""The Metaflow Studio language server: handler registration and the stdio entry point.

Each handler is a few lines: it fetches the document's current ``Snapshot`` from the
``MetaflowLanguageServer`` and calls a pure feature function (one module per feature)
that returns lsprotocol types. Run with ``python -m mfstudio.lsp`` or ``mfstudio lsp``.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any, BinaryIO, ParamSpec, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from mfstudio.lsp import (
    code_lens,
    completion,
    debugging,
    flow_finder,
    functions,
    hover,
    navigation,
    rename,
    run_flow,
    symbols,
    ui,
)
from mfstudio.lsp.errors import InvalidParamsError, RequestError
from mfstudio.lsp.language_server import MetaflowLanguageServer
from mfstudio.lsp.protocol import (
    DEBUG_PLAN,
    FIND_FLOW,
    FLOW_GRAPH,
    LAUNCH_CONFIGURATIONS,
    RUN_METHODS,
    FlowGraphParams,
)
from mfstudio.lsp.runs import Params, RunQueries

__all__ = ["COMPLETION_TRIGGERS", "create_server", "main"]

logger = logging.getLogger(__name__)

COMPLETION_TRIGGERS = [".", "@", "(", ","]
"""``self.`` -> step names, ``@`` -> decorators, ``(``/``,`` -> decorator arguments."""

P = ParamSpec("P")
R = TypeVar("R")


def _answers_errors(handler: Callable[P, R]) -> Callable[P, R]:
    """Turn ``RequestError`` into a JSON-RPC error response carrying its code and message."""

    @functools.wraps(handler)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return handler(*args, **kwargs)
        except RequestError as error:
            raise JsonRpcException(code=error.code, message=error.message) from error

    return wrapper


def _answers_errors_async(
    handler: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[R]]:
    """``_answers_errors`` for ``async`` handlers."""

    @functools.wraps(handler)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await handler(*args, **kwargs)
        except RequestError as error:
            raise JsonRpcException(code=error.code, message=error.message) from error

    return wrapper


def _datastore_candidates(ls: MetaflowLanguageServer) -> list[str]:
    """Where datastores may be: the ``metaflow.datastoreRoot`` setting, then the workspace
    folders (``RunQueries`` keeps those that hold ``.metaflow``)."""
    return [*ls.options.datastore_roots, *ls.workspace_roots()]


def _encoding(ls: MetaflowLanguageServer) -> str:
    return str(getattr(ls.workspace.position_encoding, "value", None) or "utf-16")


def _register_runs(server: MetaflowLanguageServer) -> None:
    """The run requests (mfstudio.lsp.runs) and ``metaflow/findFlow``."""
    queries = RunQueries()

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: MetaflowLanguageServer, params: None) -> None:
        runs.close()
        panels.close()
        deployments.close()
        queries.close()

    def register(method: str) -> None:
        @server.feature(method)
        @_answers_errors_async
        async def answer(ls: MetaflowLanguageServer, params: Any) -> Any:
            return await queries.answer(method, params, _datastore_candidates(ls))

    for method in RUN_METHODS:
        register(method)
    runs = run_flow.register(server, queries, _datastore_candidates, _answers_errors_async)
    panels = ui.register(server, queries, _datastore_candidates, _answers_errors_async)
    deployments = functions.register(server, queries, _datastore_candidates, _answers_errors_async)

    @server.feature(FIND_FLOW)
    @_answers_errors_async
    async def find_flow(ls: MetaflowLanguageServer, params: Any) -> Any:
        request = Params(FIND_FLOW, params)
        flow, step = request.text("flow", required=True), request.text("step")
        request.finish()
        encoding = _encoding(ls)
        for uri in list(ls.documents):
            snap = ls.snapshot(uri)
            if snap is not None and (
                found := flow_finder.find_in_analysis(
                    snap.analysis, snap.text, flow, step, encoding
                )
            ):
                return found
        roots = ls.workspace_roots()
        return await queries.run(flow_finder.find_flow, flow, step, roots, encoding)

    @server.feature(DEBUG_PLAN)
    @_answers_errors_async
    async def debug_plan(ls: MetaflowLanguageServer, params: Any) -> Any:
        return await queries.run(debugging.debug_plan(ls, params, _datastore_candidates(ls)))

    @server.feature(LAUNCH_CONFIGURATIONS)
    @_answers_errors
    def launch_configurations(ls: MetaflowLanguageServer, params: Any) -> Any:
        return debugging.launch_configurations(ls, params)


def create_server(debounce_seconds: float | None = None) -> MetaflowLanguageServer:
    """A new server with every feature registered (tests may shorten the debounce)."""
    server = (
        MetaflowLanguageServer()
        if debounce_seconds is None
        else MetaflowLanguageServer(debounce_seconds=debounce_seconds)
    )

    @server.feature(types.INITIALIZE)
    def initialize(ls: MetaflowLanguageServer, params: types.InitializeParams) -> None:
        ls.configure(params.initialization_options)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders_changed(
        ls: MetaflowLanguageServer, params: types.DidChangeWorkspaceFoldersParams
    ) -> None:
        ls.workspace_changed()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: MetaflowLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        ls.open_document(document.uri, document.version, document.text)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: MetaflowLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.change_document(params.text_document.uri, params.text_document.version)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: MetaflowLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.close_document(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(
        ls: MetaflowLanguageServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol] | None:
        snap = ls.snapshot(params.text_document.uri)
        return None if snap is None else symbols.document_symbols(snap.analysis, snap.lines)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(
        ls: MetaflowLanguageServer, params: types.DefinitionParams
    ) -> types.Location | None:
        uri = params.text_document.uri
        if (snap := ls.snapshot(uri)) is None:
            return None
        at = snap.lines.from_lsp_position(params.position)
        return navigation.definition(snap.analysis, snap.lines, uri, at)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(
        ls: MetaflowLanguageServer, params: types.ReferenceParams
    ) -> list[types.Location] | None:
        uri = params.text_document.uri
        if (snap := ls.snapshot(uri)) is None:
            return None
        at = snap.lines.from_lsp_position(params.position)
        declaration = params.context.include_declaration
        return navigation.references(
            snap.analysis, snap.lines, uri, at, include_declaration=declaration
        )

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    @_answers_errors
    def prepare_rename(
        ls: MetaflowLanguageServer, params: types.PrepareRenameParams
    ) -> types.PrepareRenamePlaceholder | None:
        if (snap := ls.snapshot(params.text_document.uri)) is None:
            return None
        at = snap.lines.from_lsp_position(params.position)
        return rename.prepare_rename(snap.analysis, snap.lines, at)

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    @_answers_errors
    def rename_step(
        ls: MetaflowLanguageServer, params: types.RenameParams
    ) -> types.WorkspaceEdit | None:
        uri = params.text_document.uri
        if (snap := ls.snapshot(uri)) is None:
            return None
        at = snap.lines.from_lsp_position(params.position)
        return rename.rename(snap.analysis, snap.lines, uri, at, params.new_name)

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=COMPLETION_TRIGGERS),
    )
    def complete(
        ls: MetaflowLanguageServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        if (context := ls.completion_context(params.text_document.uri)) is None:
            return None
        analysis, lines = context
        return completion.complete(analysis, lines, params.position, ls.catalog)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover_step(ls: MetaflowLanguageServer, params: types.HoverParams) -> types.Hover | None:
        if (snap := ls.snapshot(params.text_document.uri)) is None:
            return None
        at = snap.lines.from_lsp_position(params.position)
        return hover.hover(snap.analysis, snap.lines, at, ls.catalog)

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    def lenses(
        ls: MetaflowLanguageServer, params: types.CodeLensParams
    ) -> list[types.CodeLens] | None:
        uri = params.text_document.uri
        if (snap := ls.snapshot(uri)) is None:
            return None
        return [
            *code_lens.code_lenses(snap.analysis, snap.lines, uri),
            *code_lens.function_lenses(snap.text, snap.lines, uri),
        ]

    @server.feature(FLOW_GRAPH)
    @_answers_errors
    def flow_graph(ls: MetaflowLanguageServer, params: Any) -> dict[str, Any]:
        try:
            request = FlowGraphParams.from_json(params)
        except ValueError as error:
            raise InvalidParamsError(f"{FLOW_GRAPH}: {error}") from error
        return ls.flow_graph(request)

    _register_runs(server)
    return server


def _claim_stdout() -> BinaryIO:
    """Keep the real stdout for JSON-RPC only: anything else that writes to file
    descriptor 1 (a print in an imported library, a child process) goes to stderr."""
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    return channel


def main() -> None:
    """Start the server over stdio (logs on stderr; stdout is the JSON-RPC channel)."""
    level = os.environ.get("MFSTUDIO_LSP_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(
        stream=sys.stderr,
        level=level if level in logging.getLevelNamesMapping() else "INFO",
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("pygls").setLevel(logging.WARNING)  # it logs every message at INFO
    stdout = _claim_stdout()
    server = create_server()
    logger.info("Metaflow Studio language server %s on stdio", server.version)
    server.start_io(sys.stdin.buffer, stdout)
