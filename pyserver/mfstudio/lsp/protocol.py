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
    "ARTIFACTS",
    "ARTIFACT_VALUE",
    "CARDS",
    "FAILURES",
    "FIND_FLOW",
    "FLOW_GRAPH",
    "FLOW_GRAPH_CHANGED",
    "LATEST_CARDS",
    "LIST_FLOWS",
    "LIST_RUNS",
    "LOGS",
    "RUN_METHODS",
    "RUN_SUMMARY",
    "SHOW_DAG_COMMAND",
    "SHOW_LATEST_CARD_COMMAND",
    "SOURCE",
    "TASKS",
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

SHOW_LATEST_CARD_COMMAND = "metaflow.showLatestCard"
"""Client-side command of the "Show latest card" lens above a step with ``@card``:
``[flowName, stepName, uri]``; the extension asks ``metaflow/latestCards``."""

# Runs: requests over mfstudio.query. Params are the query function's arguments (snake_case,
# as in mfstudio.query.api) plus an optional ``root`` (the folder holding ``.metaflow``;
# default: the first datastore of the workspace); results are the result's ``to_json()``.
LIST_FLOWS = "metaflow/listFlows"
"""``{}`` -> ``{"datastores": [{"root", "flows": [str], "error": str | null}]}``."""
LIST_RUNS = "metaflow/listRuns"
"""``{root?, flow, status?, since?, until?, tags?, user?, limit?, cursor?}`` -> ``RunPage``."""
RUN_SUMMARY = "metaflow/runSummary"
"""``{root?, run}`` -> ``RunSummary``."""
TASKS = "metaflow/tasks"
"""``{root?, step, limit?}`` -> ``TaskList`` (failed first)."""
FAILURES = "metaflow/failures"
"""``{root?, run, limit?, stderr_lines?}`` -> ``FailureReport``."""
LOGS = "metaflow/logs"
"""``{root?, task, stream?, tail?, head?, grep?, max_bytes?, attempt?}`` -> ``LogExcerpt``."""
ARTIFACTS = "metaflow/artifacts"
"""``{root?, scope, name?, type?, min_size?, max_size?, limit?, include_private?}`` ->
``ArtifactList``."""
ARTIFACT_VALUE = "metaflow/artifactValue"
"""``{root?, task, name, max_bytes?}`` -> ``ArtifactPreview`` (the one request that unpickles)."""
CARDS = "metaflow/cards"
"""``{root?, task, include_html?, max_bytes?}`` -> ``CardList``."""
LATEST_CARDS = "metaflow/latestCards"
"""``{root?, flow, step}`` -> ``CardList`` of the newest task of ``step`` that has a card,
looking at the newest runs first; an error saying so when no run has one yet."""
FIND_FLOW = "metaflow/findFlow"
"""``{flow, step?}`` -> ``{"uri", "range"}`` (LSP range of the step's or the class's name)
of the workspace file defining that FlowSpec, or null."""

RUN_METHODS = (
    LIST_FLOWS,
    LIST_RUNS,
    RUN_SUMMARY,
    TASKS,
    FAILURES,
    LOGS,
    ARTIFACTS,
    ARTIFACT_VALUE,
    CARDS,
    LATEST_CARDS,
)
"""The requests answered from run data (off the event loop, in the query thread pool)."""

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
    (base flows imported by a flow file) are looked up, besides the workspace folders; and
    folders holding a ``.metaflow`` datastore (the ``metaflow.datastoreRoot`` setting),
    looked at before the workspace folders."""

    workspace_roots: tuple[str, ...] = ()
    datastore_roots: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, payload: object) -> InitializationOptions:
        """Lenient: unknown keys and malformed values are ignored (an editor setting must
        never stop the server from starting)."""
        if not isinstance(payload, dict):
            return cls()
        return cls(
            workspace_roots=_strings(payload.get("workspaceRoots")),
            datastore_roots=_strings(payload.get("datastoreRoots")),
        )


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str) and v)
