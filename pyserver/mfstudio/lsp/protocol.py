"""The custom part of Metaflow Studio's LSP protocol: method names, command ids, payloads.

Everything here is mirrored by the TypeScript side (vscode-extension/ and media/) and
documented in docs/language-server.md; change one, change all three. Payloads are plain
dataclasses with ``from_json``/``to_json`` so the wire format is explicit and validated in
one place, independent of pygls' converter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "FLOW_GRAPH",
    "FLOW_GRAPH_CHANGED",
    "SHOW_DAG_COMMAND",
    "SOURCE",
    "FlowGraphChangedParams",
    "FlowGraphParams",
    "InitializationOptions",
]

FLOW_GRAPH = "metaflow/flowGraph"
"""Request ``FlowGraphParams`` -> ``FileAnalysis.to_json(flow)`` (``FlowGraph`` in TS)."""

FLOW_GRAPH_CHANGED = "metaflow/flowGraphChanged"
"""Notification (server -> client) ``FlowGraphChangedParams``: re-request the graph of ``uri``."""

SHOW_DAG_COMMAND = "metaflow.showDag"
"""Client-side command the code lenses invoke: ``[uri, stepName | null, flowName]``."""

SOURCE = "metaflow"
"""``Diagnostic.source`` of every diagnostic this server publishes."""


def _require_str(payload: dict[str, Any], key: str, *, optional: bool) -> str | None:
    value = payload.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or (not optional and not value):
        kind = "a string or null" if optional else "a non-empty string"
        raise ValueError(f"{key!r} must be {kind}, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class FlowGraphParams:
    """Params of ``metaflow/flowGraph``: the document, and which flow (null: the last one,
    which is the flow Metaflow itself runs from that file)."""

    uri: str
    flow: str | None = None

    @classmethod
    def from_json(cls, payload: object) -> FlowGraphParams:
        """Validate a decoded JSON payload; raises ``ValueError`` saying what is wrong."""
        if not isinstance(payload, dict):
            raise ValueError(
                f'params must be an object {{"uri": str, "flow": str | null}}, got {payload!r}'
            )
        uri = _require_str(payload, "uri", optional=False)
        assert uri is not None
        return cls(uri=uri, flow=_require_str(payload, "flow", optional=True))

    def to_json(self) -> dict[str, str | None]:
        return {"uri": self.uri, "flow": self.flow}


@dataclass(frozen=True, slots=True)
class FlowGraphChangedParams:
    """Params of ``metaflow/flowGraphChanged``: the analysis of ``uri`` at ``version`` differs
    from the one before it."""

    uri: str
    version: int

    def to_json(self) -> dict[str, str | int]:
        return {"uri": self.uri, "version": self.version}


@dataclass(frozen=True, slots=True)
class InitializationOptions:
    """``initializationOptions`` the client may send: extra folders where workspace modules
    (base flows imported by a flow file) are looked up, besides the workspace folders."""

    workspace_roots: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, payload: object) -> InitializationOptions:
        """Lenient: unknown keys and malformed values are ignored (an editor setting must
        never stop the server from starting)."""
        if not isinstance(payload, dict):
            return cls()
        roots = payload.get("workspaceRoots")
        if not isinstance(roots, list):
            return cls()
        return cls(workspace_roots=tuple(r for r in roots if isinstance(r, str) and r))
