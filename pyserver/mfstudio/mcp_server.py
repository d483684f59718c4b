"""``mfstudio mcp``: the run queries as MCP tools over stdio, for coding agents.

Each tool is one function of :mod:`mfstudio.query` with tighter bounds than the command
line (an agent pays for every token it reads): small default pages, capped line counts
and byte budgets, and every string longer than :data:`MAX_STRING` clipped with a marker.
A result is the query's ``to_json()`` (cost and problems included) as structured content
and as compact JSON text. A question that cannot be answered (unknown pathspec, bad
argument, no datastore) comes back as a tool error (``isError``) carrying the query
layer's message, which names the nearest existing pathspecs.

The datastore is found on the first call, not at start, so the server can be configured
before any flow has run; a wrong ``--root`` shows up as the message of every call.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from mfstudio import __version__
from mfstudio.humanize import parse_time
from mfstudio.query import api
from mfstudio.query.api import Limits, QueryBackend
from mfstudio.query.errors import QueryError

__all__ = ["MAX_STRING", "build_server", "serve"]

MAX_STRING = 20_000
"""Longest string a tool returns (card HTML has its own budget, ``max_html_bytes``)."""

_CLIP_EXEMPT = frozenset({"html"})

INSTRUCTIONS = """\
Read-only queries over Metaflow runs in a local datastore (.metaflow). Addresses are
pathspecs: Flow, Flow/run_id, Flow/run_id/step, Flow/run_id/step/task_id. Start with
list_flows and list_runs, then run_summary or failures for a run, list_tasks for a step,
logs for a task, artifacts to find data and artifact_value to look at one; compare_runs,
lineage and timeline answer what changed, where an artifact came from and what took long.
Every result
carries `cost` (files and bytes read) and `problems` (damaged or half-written files met,
not errors). An unknown pathspec is an error whose message names the nearest existing ones."""

RunArg = Annotated[
    str, Field(min_length=1, max_length=500, description="Run pathspec: Flow/run_id")
]
StepArg = Annotated[
    str, Field(min_length=1, max_length=500, description="Step pathspec: Flow/run_id/step")
]
TaskArg = Annotated[
    str,
    Field(min_length=1, max_length=500, description="Task pathspec: Flow/run_id/step/task_id"),
]
ScopeArg = Annotated[
    str,
    Field(
        min_length=1,
        max_length=500,
        description="Flow, Flow/run_id, Flow/run_id/step or Flow/run_id/step/task_id",
    ),
]
TimeArg = Annotated[
    str | None,
    Field(
        description="How long ago (90s, 15m, 24h, 7d, 2w) or an ISO date/time "
        "(2026-11-26, 2026-11-26T14:30Z); zone-less ISO times are the server's local time.",
        max_length=64,
    ),
]


class _Datastore:
    """The backend, opened on first use and kept (a backend may cache finished runs)."""

    def __init__(self, root: str | os.PathLike[str] | None) -> None:
        self.root = root
        self._backend: QueryBackend | None = None

    def get(self) -> QueryBackend:
        if self._backend is None:
            self._backend = api.open_backend(self.root)
        return self._backend


def clip_strings(value: Any, limit: int = MAX_STRING) -> Any:
    """``value`` with every string longer than ``limit`` cut, saying how much was cut."""
    if isinstance(value, str) and len(value) > limit:
        return value[:limit] + f"\n...[clipped: {len(value) - limit} more characters]"
    if isinstance(value, list):
        return [clip_strings(v, limit) for v in value]
    if isinstance(value, dict):
        return {k: v if k in _CLIP_EXEMPT else clip_strings(v, limit) for k, v in value.items()}
    return value


def _answer(payload: dict[str, Any]) -> CallToolResult:
    bounded = clip_strings(payload)
    text = json.dumps(bounded, separators=(",", ":"), ensure_ascii=False)
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=bounded)


def _guarded(call: Callable[[], dict[str, Any]]) -> CallToolResult:
    """Run a query; its :class:`QueryError` becomes a tool error with the same message."""
    try:
        return _answer(call())
    except QueryError as err:
        raise ToolError(str(err)) from err


def _time(label: str, text: str | None) -> float | None:
    try:
        return None if text is None else parse_time(text)
    except ValueError as err:
        raise ToolError(f"{label}: {err}") from err


_READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)


def build_server(root: str | os.PathLike[str] | None = None) -> MCPServer[Any]:
    """The MCP server with the query tools over the datastore at ``root``."""
    store = _Datastore(root)
    server: MCPServer[Any] = MCPServer(
        name="mfstudio", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING"
    )

    def tool(description: str) -> Callable[[Callable[..., CallToolResult]], Any]:
        return server.tool(description=description, annotations=_READ_ONLY)

    @tool(
        "Names of the flows that have runs in the datastore. Cost: one folder listing. "
        "Returns {flows: [name], where}."
    )
    def list_flows() -> CallToolResult:
        def call() -> dict[str, Any]:
            backend = store.get()
            return {"flows": backend.list_flows(), "where": backend.where}

        return _guarded(call)

    @tool(
        "Runs of a flow, newest first, one page: status (running/succeeded/failed), "
        "started_at/finished_at (epoch s), duration_s, user, tags, parameters (short reprs). "
        "Filters: status, since/until (start time), tags (all must match), user. "
        "Paging: pass next_cursor back as cursor for older runs; null means no more. "
        "Cost: one listing of the flow plus a few small files per run examined; it does not "
        "grow with the number of runs the flow has."
    )
    def list_runs(
        flow: Annotated[str, Field(min_length=1, max_length=200, description="Flow name")],
        status: Literal["running", "succeeded", "failed"] | None = None,
        since: TimeArg = None,
        until: TimeArg = None,
        tags: Annotated[
            list[str] | None, Field(max_length=20, description="All must be present")
        ] = None,
        user: Annotated[str | None, Field(max_length=200)] = None,
        limit: Annotated[int, Field(ge=1, le=100, description="Runs per page")] = 20,
        cursor: Annotated[str | None, Field(max_length=1000)] = None,
    ) -> CallToolResult:
        start, end = _time("since", since), _time("until", until)
        return _guarded(
            lambda: api.list_runs(
                flow,
                status=status,
                since=start,
                until=end,
                tags=tags or (),
                user=user,
                limit=limit,
                cursor=cursor,
                backend=store.get(),
            ).to_json()
        )

    @tool(
        "One run (Flow/run_id): its status, parameters and tags, and per step the task counts "
        "by state, start/finish times, duration and the first failed task with its exception. "
        "Cost: one small status file per task of the run."
    )
    def run_summary(run: RunArg) -> CallToolResult:
        return _guarded(lambda: api.run_summary(run, backend=store.get()).to_json())

    @tool(
        "Tasks of one step (Flow/run_id/step): pathspec, latest attempt, status "
        "(failed first, then running, then succeeded) and finish time. Use it to find task "
        "pathspecs for logs, artifacts and cards. `truncated` is true when there are more "
        "than `limit`. Cost: one small status file per task of the step."
    )
    def list_tasks(
        step: StepArg,
        limit: Annotated[int, Field(ge=1, le=1000, description="Tasks to return")] = 200,
    ) -> CallToolResult:
        return _guarded(lambda: api.tasks(step, limit=limit, backend=store.get()).to_json())

    @tool(
        "Failed tasks of a run (Flow/run_id) whose latest attempt failed, oldest first: "
        "pathspec, attempt, exception_type, message, traceback and the last stderr lines. "
        "`truncated` is true when there are more than `limit`. Use this first when a run "
        "failed. Cost: one small status file per task, plus exception and stderr tail of "
        "the failed ones (never unpickles the other tasks)."
    )
    def failures(
        run: RunArg,
        limit: Annotated[int, Field(ge=1, le=200, description="Failed tasks to return")] = 20,
        stderr_lines: Annotated[int, Field(ge=1, le=200)] = Limits.stderr_tail,
    ) -> CallToolResult:
        return _guarded(
            lambda: api.failures(
                run, limit=limit, stderr_lines=stderr_lines, backend=store.get()
            ).to_json()
        )

    @tool(
        "Lines of a task's log (Flow/run_id/step/task_id), stdout or stderr: the last `tail` "
        "lines (default 100), or the first `head`, optionally only those matching the "
        "regular expression `grep`. Reads at most max_bytes, seeking from the end: cheap "
        "even on huge logs. `truncated` says the log holds more; `available` is false while "
        "a local task runs (its log is written when it ends). `attempt` defaults to the "
        "latest retry."
    )
    def logs(
        task: TaskArg,
        stream: Literal["stdout", "stderr"] = "stdout",
        tail: Annotated[int | None, Field(ge=1, le=2000)] = None,
        head: Annotated[int | None, Field(ge=1, le=2000)] = None,
        grep: Annotated[str | None, Field(max_length=500)] = None,
        max_bytes: Annotated[int, Field(ge=1, le=1_000_000)] = 200_000,
        attempt: Annotated[int | None, Field(ge=0, le=100)] = None,
    ) -> CallToolResult:
        return _guarded(
            lambda: api.logs(
                task,
                stream,
                tail=tail,
                head=head,
                grep=grep,
                max_bytes=max_bytes,
                attempt=attempt,
                backend=store.get(),
            ).to_json()
        )

    @tool(
        "Artifacts (name, type, size in bytes, sha, attempt) of a task, a step, a run, or "
        "every run of a flow (scope = Flow, newest runs first), from metadata only: nothing "
        "is unpickled. `name` and `type` are glob patterns (type matches the full or short "
        "name, e.g. 'DataFrame'). Names starting with _ are Metaflow's own; include_private "
        "shows them. `truncated` is true when `limit` was reached. Cost: one small JSON file "
        "per task examined."
    )
    def artifacts(
        scope: ScopeArg,
        name: Annotated[str | None, Field(max_length=200)] = None,
        type: Annotated[str | None, Field(max_length=200)] = None,
        min_size: Annotated[int | None, Field(ge=0, description="Bytes")] = None,
        max_size: Annotated[int | None, Field(ge=0, description="Bytes")] = None,
        limit: Annotated[int, Field(ge=1, le=1000)] = 200,
        include_private: bool = False,
    ) -> CallToolResult:
        return _guarded(
            lambda: api.artifacts(
                scope,
                name=name,
                type=type,
                min_size=min_size,
                max_size=max_size,
                limit=limit,
                include_private=include_private,
                backend=store.get(),
            ).to_json()
        )

    @tool(
        "A bounded preview of one artifact's value: kind (scalar, text, sequence, mapping, "
        "dataframe, array, object), a truncated repr or DataFrame head, shape, dtype, "
        "columns. Unpickles this one artifact only; refuses blobs larger than max_bytes. "
        "Find names with `artifacts` first."
    )
    def artifact_value(
        task: TaskArg,
        name: Annotated[str, Field(min_length=1, max_length=200, description="Artifact name")],
        max_bytes: Annotated[int, Field(ge=1, le=Limits.preview_bytes)] = 50_000_000,
    ) -> CallToolResult:
        return _guarded(
            lambda: api.artifact_value(
                task, name, max_bytes=max_bytes, backend=store.get()
            ).to_json()
        )

    @tool(
        "Cards of a task: type, id, hash, size; with include_html, each card's HTML when it "
        "is at most max_html_bytes (larger ones come without HTML and a problem saying so). "
        "Card HTML is large and mostly script: ask for it only when you need its content."
    )
    def cards(
        task: TaskArg,
        include_html: bool = False,
        max_html_bytes: Annotated[int, Field(ge=1, le=2_000_000)] = 200_000,
    ) -> CallToolResult:
        return _guarded(
            lambda: api.cards(
                task, include_html=include_html, max_bytes=max_html_bytes, backend=store.get()
            ).to_json()
        )

    @tool(
        "One bar per task attempt of a run (Flow/run_id): step, task, attempt, status, "
        "started_at and finished_at (epoch seconds; null while running). Use it to see what "
        "took long or ran in parallel. Cost: one listing of each task's metadata folder."
    )
    def timeline(run: RunArg) -> CallToolResult:
        return _guarded(lambda: api.timeline(run, backend=store.get()).to_json())

    @tool(
        "Compare 2 to 8 runs of one flow (the first is the baseline): parameter values, "
        "artifacts per step with status same/changed/added/removed by sha, scalar values and "
        "numbers side by side, step durations and statuses. Use it to answer 'what changed "
        "between these runs'. Cost: artifact tables per task; only small scalars are loaded."
    )
    def compare_runs(
        runs: Annotated[
            list[Annotated[str, Field(min_length=1, max_length=500)]],
            Field(min_length=2, max_length=8, description="Run pathspecs: Flow/run_id"),
        ],
    ) -> CallToolResult:
        return _guarded(lambda: api.compare_runs(runs, backend=store.get()).to_json())

    @tool(
        "Lineage of one artifact of a run: which steps produced it (its sha appears or "
        "changes), which read it (self.NAME in the step's source), which passed it on, and "
        "across a resume the origin run's producer. Nodes and edges of a small graph."
    )
    def lineage(
        run: RunArg,
        artifact: Annotated[str, Field(min_length=1, max_length=200, description="Name")],
    ) -> CallToolResult:
        return _guarded(lambda: api.lineage(run, artifact, backend=store.get()).to_json())

    return server


def serve(root: str | os.PathLike[str] | None = None) -> None:
    """Serve over stdio until the client closes the connection."""
    build_server(root).run("stdio")
