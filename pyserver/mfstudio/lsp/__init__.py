"""The Metaflow Studio language server (pygls): a thin adapter from LSP to flowgraph.

``python -m mfstudio.lsp`` (or ``mfstudio lsp``) serves over stdio. The custom protocol
(``metaflow/flowGraph``, ``metaflow/flowGraphChanged``, the ``metaflow.showDag`` command)
is defined in ``mfstudio.lsp.protocol`` and documented in docs/language-server.md.
"""

from __future__ import annotations

from mfstudio.lsp.errors import (
    DocumentUnreadableError,
    InvalidParamsError,
    RenameRefusedError,
    RequestError,
)
from mfstudio.lsp.language_server import DEBOUNCE_SECONDS, MetaflowLanguageServer
from mfstudio.lsp.protocol import (
    FLOW_GRAPH,
    FLOW_GRAPH_CHANGED,
    SHOW_DAG_COMMAND,
    SOURCE,
    FlowGraphChangedParams,
    FlowGraphParams,
    InitializationOptions,
)
from mfstudio.lsp.server import create_server, main

__all__ = [
    "DEBOUNCE_SECONDS",
    "FLOW_GRAPH",
    "FLOW_GRAPH_CHANGED",
    "SHOW_DAG_COMMAND",
    "SOURCE",
    "DocumentUnreadableError",
    "FlowGraphChangedParams",
    "FlowGraphParams",
    "InitializationOptions",
    "InvalidParamsError",
    "MetaflowLanguageServer",
    "RenameRefusedError",
    "RequestError",
    "create_server",
    "main",
]
