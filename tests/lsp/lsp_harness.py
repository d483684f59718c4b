"""A real stdio LSP session against ``python -m mfstudio.lsp`` for the tests.

pygls' ``LanguageClient`` is asyncio-based; ``LspSession`` owns an event loop and runs
each call to completion, so tests read as plain sequential code. Notifications the server
sends (diagnostics, ``metaflow/flowGraphChanged``, log messages) are recorded as they come.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

T = TypeVar("T")


def position_of(text: str, needle: str, occurrence: int = 0, offset: int = 0) -> types.Position:
    """The LSP (UTF-16) position of the ``occurrence``-th ``needle`` in ``text``, + ``offset``
    code points."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    index += offset
    line = text.count("\n", 0, index)
    line_start = text.rfind("\n", 0, index) + 1
    character = len(text[line_start:index].encode("utf-16-le")) // 2
    return types.Position(line=line, character=character)


def uri_for(path: Path) -> str:
    uri = from_fs_path(str(path))
    assert uri is not None
    return uri


class LspSession:
    """One server process and a client talking to it over stdio."""

    def __init__(self, workspace: Path, initialization_options: dict[str, Any] | None = None):
        self.workspace = workspace
        self.initialization_options = initialization_options
        self.loop = asyncio.new_event_loop()
        # plain JSON for custom messages, as a VS Code client sees them (pygls' default
        # converter would turn them into namedtuples)
        self.client = LanguageClient("mfstudio-tests", "0", converter_factory=get_converter)
        self.diagnostics: dict[str, list[types.PublishDiagnosticsParams]] = defaultdict(list)
        self.graph_changes: list[dict[str, Any]] = []
        self.messages: list[str] = []
        self.stderr = bytearray()
        self.versions: dict[str, int] = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri].append(params)

        @self.client.feature("metaflow/flowGraphChanged")
        def on_graph_changed(params: Any) -> None:
            self.graph_changes.append(_plain(params))

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params: types.LogMessageParams) -> None:
            self.messages.append(params.message)

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)
        def on_show(params: types.ShowMessageParams) -> None:
            self.messages.append(params.message)

    # -- running ------------------------------------------------------------------------

    def run(self, awaitable: Awaitable[T], timeout: float = 20.0) -> T:
        async def bounded() -> T:
            return await asyncio.wait_for(awaitable, timeout)

        return self.loop.run_until_complete(bounded())

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        async def poll() -> bool:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if predicate():
                    return True
                await asyncio.sleep(0.005)
            return predicate()

        return self.loop.run_until_complete(poll())

    def settle(self, seconds: float) -> None:
        self.loop.run_until_complete(asyncio.sleep(seconds))

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> types.InitializeResult:
        env = {
            **os.environ,
            "USERNAME": "mfstudio-test",
            "METAFLOW_CLIENT_CACHE_PATH": str(self.workspace / ".metaflow-client-cache"),
            "MFSTUDIO_LSP_LOG_LEVEL": "WARNING",
        }
        self.run(
            self.client.start_io(sys.executable, "-m", "mfstudio.lsp", env=env, cwd=self.workspace)
        )
        server = self.client._server
        assert server is not None and server.stderr is not None
        self._stderr_task = self.loop.create_task(self._drain(server.stderr))
        root = uri_for(self.workspace)
        result = self.run(
            self.client.initialize_async(
                types.InitializeParams(
                    capabilities=types.ClientCapabilities(
                        general=types.GeneralClientCapabilities(
                            position_encodings=[types.PositionEncodingKind.Utf16]
                        )
                    ),
                    root_uri=root,
                    workspace_folders=[types.WorkspaceFolder(uri=root, name="workspace")],
                    initialization_options=self.initialization_options,
                )
            )
        )
        self.client.initialized(types.InitializedParams())
        return result

    async def _drain(self, stream: asyncio.StreamReader) -> None:
        while chunk := await stream.read(65536):
            self.stderr += chunk

    @property
    def pid(self) -> int:
        assert self.client._server is not None
        return self.client._server.pid

    @property
    def alive(self) -> bool:
        server = self.client._server
        return server is not None and server.returncode is None

    def stop(self) -> None:
        if self.alive:
            try:
                self.run(self.client.shutdown_async(None), timeout=5)
                self.client.exit(None)
            except Exception:
                pass
        server = self.client._server
        try:
            self.run(self.client.stop(), timeout=5)
        except Exception:
            if server is not None and server.returncode is None:
                server.kill()
        self.loop.close()

    # -- documents ----------------------------------------------------------------------

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.versions[uri] = version
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="python", version=version, text=text
                )
            )
        )

    def change(self, uri: str, text: str) -> int:
        """Replace the whole text (full-document change); returns the new version."""
        version = self.versions[uri] = self.versions[uri] + 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return version

    def edit(self, uri: str, start: types.Position, end: types.Position, text: str) -> int:
        """An incremental change replacing ``start..end`` with ``text``."""
        version = self.versions[uri] = self.versions[uri] + 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(start=start, end=end), text=text
                    )
                ],
            )
        )
        return version

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    def latest_diagnostics(self, uri: str) -> types.PublishDiagnosticsParams | None:
        published = self.diagnostics.get(uri)
        return published[-1] if published else None

    def wait_for_diagnostics(
        self, uri: str, version: int | None = None, timeout: float = 5.0
    ) -> types.PublishDiagnosticsParams:
        def arrived() -> bool:
            latest = self.latest_diagnostics(uri)
            return latest is not None and (version is None or latest.version == version)

        assert self.wait_until(arrived, timeout), f"no diagnostics for {uri} v{version}"
        latest = self.latest_diagnostics(uri)
        assert latest is not None
        return latest

    # -- requests -----------------------------------------------------------------------

    def flow_graph(self, uri: str, flow: str | None = None) -> dict[str, Any]:
        result = self.request("metaflow/flowGraph", {"uri": uri, "flow": flow})
        assert isinstance(result, dict), result
        return result

    def request(self, method: str, params: Any) -> Any:
        """A custom request; the result as plain JSON values."""

        async def send() -> Any:  # wrap_future needs the running loop
            return await self.client.protocol.send_request_async(method, params)

        return _plain(self.run(send()))

    @staticmethod
    def doc(uri: str) -> types.TextDocumentIdentifier:
        return types.TextDocumentIdentifier(uri=uri)


def _plain(value: Any) -> Any:
    """Responses to custom requests arrive as generic objects: make plain dicts/lists."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    return value
