"""``mfstudio mcp`` through a real MCP client: the SDK's ClientSession over stdio_client
launches the installed ``mfstudio mcp --root ...`` and talks to it as an agent would.
Every session runs under a deadline, so a server that stops answering fails the test
instead of hanging it."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from datastore_snapshot import snapshot
from insight_fixture import InsightRuns
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.types import CallToolResult, TextContent
from mfstudio.mcp_server import MAX_STRING, clip_strings
from mfstudio.query import api
from runs_fixture import QueryRuns

T = TypeVar("T")
MFSTUDIO = Path(sys.executable).with_name("mfstudio")
DEADLINE_S = 90
TOOLS = {
    "list_flows",
    "list_runs",
    "run_summary",
    "list_tasks",
    "failures",
    "logs",
    "artifacts",
    "artifact_value",
    "cards",
    "timeline",
    "compare_runs",
    "lineage",
}

pytestmark = pytest.mark.timeout(DEADLINE_S + 30)


def in_session(root: Path, talk: Callable[[ClientSession], Awaitable[T]]) -> T:
    """Start ``mfstudio mcp --root root``, initialize, run ``talk``, shut the server down."""

    async def main() -> T:
        params = StdioServerParameters(command=str(MFSTUDIO), args=["mcp", "--root", str(root)])
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            return await talk(session)

    async def bounded() -> T:
        return await asyncio.wait_for(main(), DEADLINE_S)

    return asyncio.run(bounded())


def _text(result: CallToolResult) -> str:
    block = result.content[0]
    assert isinstance(block, TextContent)
    return block.text


def _payload(result: CallToolResult) -> Any:
    assert not result.is_error, _text(result)
    assert json.loads(_text(result)) == result.structured_content
    return result.structured_content


def test_tools_list_has_every_tool_with_a_bounded_schema(query_runs: QueryRuns) -> None:
    async def talk(session: ClientSession) -> Any:
        return (await session.list_tools()).tools

    tools = {tool.name: tool for tool in in_session(query_runs.root, talk)}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.description and len(tool.description) > 80, tool.name
        assert tool.input_schema["type"] == "object"
        assert tool.annotations is not None and tool.annotations.read_only_hint
    runs_schema = tools["list_runs"].input_schema
    assert runs_schema["required"] == ["flow"]
    assert runs_schema["properties"]["limit"]["maximum"] == 100
    assert runs_schema["properties"]["status"]["anyOf"][0]["enum"] == [
        "running",
        "succeeded",
        "failed",
    ]
    assert tools["logs"].input_schema["properties"]["max_bytes"]["maximum"] == 1_000_000
    assert tools["failures"].input_schema["required"] == ["run"]
    assert "next_cursor" in (tools["list_runs"].description or "")


def test_list_runs_and_failures_return_the_real_data(query_runs: QueryRuns) -> None:
    async def talk(session: ClientSession) -> list[CallToolResult]:
        return [
            await session.call_tool("list_flows", {}),
            await session.call_tool("list_runs", {"flow": "QueryFlow", "limit": 5}),
            await session.call_tool("list_runs", {"flow": "QueryFlow", "tags": ["nightly"]}),
            await session.call_tool("failures", {"run": query_runs.failed_run}),
            await session.call_tool("run_summary", {"run": query_runs.ok_run}),
            await session.call_tool("list_tasks", {"step": f"{query_runs.failed_run}/work"}),
        ]

    flows, runs, nightly, failures, summary, tasks = (
        _payload(r) for r in in_session(query_runs.root, talk)
    )
    backend = api.open_backend(query_runs.root)
    assert flows["flows"] == ["QueryFlow"]
    assert runs == api.list_runs("QueryFlow", limit=5, backend=backend).to_json()
    statuses = {r["pathspec"]: r["status"] for r in runs["runs"]}
    assert statuses == {query_runs.ok_run: "succeeded", query_runs.failed_run: "failed"}
    assert [r["pathspec"] for r in nightly["runs"]] == [query_runs.ok_run]
    assert failures == api.failures(query_runs.failed_run, limit=20, backend=backend).to_json()
    (failure,) = failures["failures"]
    assert failure["message"] == "item 4 cannot be processed"
    assert failure["exception_type"].endswith("RuntimeError")
    assert failure["attempt"] == 1
    assert summary["run"]["pathspec"] == query_runs.ok_run
    assert [t["status"] for t in tasks["tasks"]] == ["failed"] + ["succeeded"] * 5
    assert tasks["tasks"][0]["pathspec"] == failure["pathspec"]


def test_logs_artifacts_preview_and_cards(query_runs: QueryRuns) -> None:
    run_dir = query_runs.metaflow_dir / query_runs.ok_run
    start = f"{query_runs.ok_run}/start/" + next(
        p.name for p in (run_dir / "start").iterdir() if p.name.isdigit()
    )
    end = f"{query_runs.ok_run}/end/" + next(
        p.name for p in (run_dir / "end").iterdir() if p.name.isdigit()
    )

    async def talk(session: ClientSession) -> list[CallToolResult]:
        return [
            await session.call_tool("logs", {"task": start, "tail": 5}),
            await session.call_tool("artifacts", {"scope": query_runs.ok_run, "name": "fr*"}),
            await session.call_tool("artifact_value", {"task": start, "name": "frame"}),
            await session.call_tool("cards", {"task": end}),
            await session.call_tool("cards", {"task": end, "include_html": True}),
            await session.call_tool(
                "cards", {"task": end, "include_html": True, "max_html_bytes": 2_000_000}
            ),
        ]

    before = snapshot(query_runs.metaflow_dir)
    logs, artifacts, value, cards, over_budget, cards_html = (
        _payload(r) for r in in_session(query_runs.root, talk)
    )
    assert snapshot(query_runs.metaflow_dir) == before  # serving reads, never writes
    assert [line["text"] for line in logs["lines"]] == ["starting with 6 items"]
    assert {a["name"] for a in artifacts["artifacts"]} == {"frame"}  # every task carries it
    assert value["kind"] == "dataframe" and value["shape"] == [50, 2]
    assert [c["html"] for c in cards["cards"]] == [None]
    # Metaflow's default card is about 1 MB: above the default budget, it comes without HTML
    assert over_budget["cards"][0]["size"] > 200_000
    assert over_budget["cards"][0]["html"] is None and over_budget["problems"]
    html = cards_html["cards"][0]["html"]
    assert html is not None and "<html" in html.lower()


def test_bad_input_comes_back_as_tool_errors(query_runs: QueryRuns) -> None:
    wrong_run = query_runs.failed_run[:-1]

    async def talk(session: ClientSession) -> list[CallToolResult]:
        return [
            await session.call_tool("failures", {"run": wrong_run}),
            await session.call_tool("list_runs", {"flow": "QueryFlw"}),
            await session.call_tool("list_runs", {"flow": "QueryFlow", "since": "yesterday"}),
            await session.call_tool("list_runs", {"flow": "QueryFlow", "limit": 10_000}),
            await session.call_tool("logs", {"task": query_runs.ok_run}),
            # the server keeps serving after errors
            await session.call_tool("list_flows", {}),
        ]

    not_found, bad_flow, bad_since, too_many, not_a_task, still_there = in_session(
        query_runs.root, talk
    )
    for result in (not_found, bad_flow, bad_since, too_many, not_a_task):
        assert result.is_error
    assert f"No run '{wrong_run}'" in _text(not_found)
    assert "Nearest existing:" in _text(not_found) and query_runs.failed_run in _text(not_found)
    assert "Nearest existing: QueryFlow" in _text(bad_flow)
    assert "since: 'yesterday' is not a time" in _text(bad_since)
    assert "limit" in _text(too_many)
    assert "is not a task pathspec" in _text(not_a_task)
    assert _payload(still_there)["flows"] == ["QueryFlow"]


def test_a_missing_datastore_is_a_tool_error_not_a_crash(tmp_path: Path) -> None:
    async def talk(session: ClientSession) -> CallToolResult:
        return await session.call_tool("list_flows", {})

    result = in_session(tmp_path, talk)
    assert result.is_error
    assert "No Metaflow datastore (a .metaflow folder)" in _text(result)


def test_long_strings_are_clipped_and_say_so() -> None:
    payload = {
        "traceback": "x" * (MAX_STRING + 500),
        "lines": [{"text": "ok"}],
        "html": "h" * (MAX_STRING + 1),
    }
    clipped = clip_strings(payload)
    assert clipped["traceback"].startswith("x" * MAX_STRING)
    assert clipped["traceback"].endswith("[clipped: 500 more characters]")
    assert clipped["lines"] == payload["lines"]
    assert clipped["html"] == payload["html"]


def test_compare_lineage_and_timeline_answer_what_the_query_layer_does(
    insight_runs: InsightRuns,
) -> None:
    """The three insight tools on real CompareFlow runs with known differences; a flow
    mismatch or a single run is a tool error, not a crash."""
    runs = [insight_runs.low, insight_runs.high]

    async def talk(session: ClientSession) -> list[CallToolResult]:
        return [
            await session.call_tool("compare_runs", {"runs": runs}),
            await session.call_tool("lineage", {"run": insight_runs.low, "artifact": "score"}),
            await session.call_tool("timeline", {"run": insight_runs.low}),
            await session.call_tool("compare_runs", {"runs": [insight_runs.low]}),
            await session.call_tool("lineage", {"run": insight_runs.low, "artifact": "scor"}),
        ]

    compared, lineage, timeline, one_run, typo = in_session(insight_runs.root, talk)
    backend = api.open_backend(insight_runs.root)
    assert _payload(compared) == api.compare_runs(runs, backend=backend).to_json()
    differing = {p["name"] for p in _payload(compared)["parameters"] if p["differs"]}
    assert "alpha" in differing
    assert _payload(lineage) == api.lineage(insight_runs.low, "score", backend=backend).to_json()
    bars = _payload(timeline)["bars"]
    assert bars and {b["status"] for b in bars} == {"succeeded"}
    assert one_run.is_error
    assert typo.is_error and "score" in _text(typo)
