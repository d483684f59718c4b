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
    "CANCEL_RUN",
    "CARDS",
    "DEBUG_PLAN",
    "DEBUG_STEP_COMMAND",
    "DEPLOY_FUNCTION",
    "DEPLOY_FUNCTION_COMMAND",
    "FAILURES",
    "FIND_FLOW",
    "FLOW_GRAPH",
    "FLOW_GRAPH_CHANGED",
    "FUNCTION_METHODS",
    "FUNCTION_PROGRESS",
    "FUNCTION_REQUEST",
    "FUNCTION_TASKS",
    "LATEST_CARDS",
    "LAUNCH_CONFIGURATIONS",
    "LAUNCH_RUN",
    "LIST_FLOWS",
    "LIST_FUNCTIONS",
    "LIST_RUNS",
    "LOGS",
    "RESUME_RUN",
    "RUN_FLOW_COMMAND",
    "RUN_FORM",
    "RUN_METHODS",
    "RUN_OUTPUT",
    "RUN_STATE",
    "RUN_SUMMARY",
    "SHOW_DAG_COMMAND",
    "SHOW_LATEST_CARD_COMMAND",
    "SOURCE",
    "STOP_FUNCTION",
    "TASKS",
    "UI_EVENT",
    "UI_GET",
    "UI_SUBSCRIBE",
    "UI_UNSUBSCRIBE",
    "UNWATCH_RUN",
    "WATCH_RUN",
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

# Debugging (mfstudio.lsp.debugging over mfstudio.launch.debug).
DEBUG_PLAN = "metaflow/debugPlan"
"""``{uri, step?, task?, flow?, mode?: "spin" | "run"}`` -> ``{"plan": DebugPlan.to_json(),
"launch": debugpy launch arguments, "python", "cwd", "datastore": str | null,
"problems": [{"module", "message", "install": argv}]}``; an error with the reason for an
unknown step, a @parallel step, or a task without a datastore."""
LAUNCH_CONFIGURATIONS = "metaflow/launchConfigurations"
"""``{uri, flow?, flow_file?}`` -> ``{"configurations": [launch.json entries]}``."""
DEBUG_STEP_COMMAND = "metaflow.debugStep"
"""Client-side command of the "Debug step" lens above every step: ``[uri, stepName, flowName]``."""

# Running flows (mfstudio.lsp.run_flow over mfstudio.launch): the run form, launches, live
# states. ``values`` is media/src/runFormProtocol.ts ``RunFormValues``.
RUN_FORM = "metaflow/runForm"
"""``{uri, flow?}`` -> ``RunFormState`` (fields, targets, ``values: null``, lint_errors)."""
LAUNCH_RUN = "metaflow/launchRun"
"""``{uri, flow?, values}`` -> ``{"launch_id", "cwd", "argv"}``, or ``{"errors": {key: msg}}``
(keys: field names, tags, max_workers, with, target; ``lint`` when the flow has errors)."""
RESUME_RUN = "metaflow/resumeRun"
"""``{uri, run, step?}`` -> as ``launchRun``: ``resume --origin-run-id`` of ``run``."""
CANCEL_RUN = "metaflow/cancelRun"
"""``{launch_id}`` -> ``{"cancelled": bool}`` once no process of the run is left."""
WATCH_RUN = "metaflow/watchRun"
"""``{run? | flow?, uri?, root?}`` -> ``{"watch_id"}``: runState notifications for a run, or
for the newest run of a flow (runs started outside the editor too)."""
UNWATCH_RUN = "metaflow/unwatchRun"
"""``{watch_id}`` -> ``{"stopped": bool}``."""
RUN_OUTPUT = "metaflow/runOutput"
"""Notification ``{launch_id, run: str | null, lines: [str], exit_code: int | null,
cancelled: bool}``; the last one of a launch has ``exit_code`` set."""
RUN_STATE = "metaflow/runState"
"""Notification ``{watch_id, launch_id: str | null, state: RunState}`` (media/src/protocol.ts)."""
RUN_FLOW_COMMAND = "metaflow.runFlow"
"""Client-side command of the "Run flow…" lens above each flow: ``[uri, flowName]``."""

# The UI panels ("Open run", "Compare runs", "Show lineage"): the UI API of docs/ui-api.md
# over the language server (mfstudio.lsp.ui over mfstudio.ui.api and mfstudio.ui.live).
UI_GET = "metaflow/uiGet"
"""``{path, root?}`` -> ``{"status": int, "body": {...}}``: the UI API's GET route ``path``
(``/api/run/F/R``, query string included), as the standalone server answers it."""
UI_SUBSCRIBE = "metaflow/uiSubscribe"
"""``{id, message, root?}`` -> ``{"id"}``: ``message`` is the page's ``subscribe`` message
(``{type, id, topic, ...}``); its events arrive as ``metaflow/uiEvent`` under ``id``."""
UI_UNSUBSCRIBE = "metaflow/uiUnsubscribe"
"""``{id}`` -> ``{"stopped": bool}``: the subscription's watches are released."""
UI_EVENT = "metaflow/uiEvent"
"""Notification ``{id, event}``: ``event`` is the subscription's message, unchanged."""

# "Deploy as function" (mfstudio.lsp.functions over mfstudio.functions_deploy); TypeScript:
# vscode-extension/src/common/functionsProtocol.ts.
LIST_FUNCTIONS = "metaflow/functions"
"""``{uri?}`` -> ``{"functions": [FunctionInfo]}``: the ``@json_function``s of one file, or of
the workspace (from the AST; nothing is imported)."""
FUNCTION_TASKS = "metaflow/functionTasks"
"""``{uri, function}`` -> ``{"tasks": [FunctionTask], "suggested": str | null}``: tasks of the
newest runs that have what the function reads (newest first, ``missing`` per task)."""
DEPLOY_FUNCTION = "metaflow/deployFunction"
"""``{uri, function, task, target: "call" | "serve" | "batch", options?}`` ->
``{"deployment_id"}``, or ``{"error": {kind, message}}``; progress follows as
``metaflow/functionProgress``."""
FUNCTION_REQUEST = "metaflow/functionRequest"
"""``{deployment_id, body}`` -> ``{"status", "body", "elapsed_ms"}`` (HTTP status semantics)."""
STOP_FUNCTION = "metaflow/stopFunction"
"""``{deployment_id}`` -> ``{"stopped": bool}`` once no process of the deployment is left."""
FUNCTION_PROGRESS = "metaflow/functionProgress"
"""Notification ``{deployment_id, stage, message, done?, total?, reference?, url?, route?,
openapi?, input_example?, output_file?, error?}``."""
DEPLOY_FUNCTION_COMMAND = "metaflow.deployFunction"
"""Client-side command of the "Deploy as function" lens above each ``@json_function``:
``[uri, functionName]``."""

FUNCTION_METHODS = (
    LIST_FUNCTIONS,
    FUNCTION_TASKS,
    DEPLOY_FUNCTION,
    FUNCTION_REQUEST,
    STOP_FUNCTION,
)
"""The "Deploy as function" requests."""

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
