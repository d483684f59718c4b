"""The run requests (``metaflow/listFlows`` ... ``metaflow/latestCards``) and
``metaflow/findFlow`` through a real stdio client, on real QueryFlow runs. The results must
be exactly the query layer's ``to_json()`` (the server adapts, it does not compute), errors
must carry the query's message, and nothing in the datastore may change."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from datastore_snapshot import snapshot
from lsp_harness import LspSession, uri_for
from lsprotocol import types
from mfstudio import query
from pygls.exceptions import JsonRpcException
from runs_fixture import QueryRuns


@pytest.fixture(scope="module")
def runs_session(query_runs: QueryRuns) -> Iterator[LspSession]:
    """A server whose workspace folder is the folder holding the runs' ``.metaflow``."""
    lsp = LspSession(query_runs.root)
    lsp.start()
    yield lsp
    lsp.stop()


def _without_cost(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != "cost"}


def _error(session: LspSession, method: str, params: Any) -> JsonRpcException:
    with pytest.raises(JsonRpcException) as caught:
        session.request(method, params)
    return caught.value


def test_list_flows_names_the_workspace_datastore(
    runs_session: LspSession, query_runs: QueryRuns
) -> None:
    result = runs_session.request("metaflow/listFlows", {})
    assert result == {
        "datastores": [
            {"root": str(query_runs.root.resolve()), "flows": ["QueryFlow"], "error": None}
        ]
    }


def test_list_runs_is_the_query_result(runs_session: LspSession, query_runs: QueryRuns) -> None:
    page = runs_session.request("metaflow/listRuns", {"flow": "QueryFlow", "limit": 5})
    expected = query.list_runs("QueryFlow", limit=5, backend=query.open_backend(query_runs.root))
    assert _without_cost(page) == _without_cost(expected.to_json())
    statuses = {run["pathspec"]: run["status"] for run in page["runs"]}
    assert statuses == {query_runs.ok_run: "succeeded", query_runs.failed_run: "failed"}


def test_list_runs_filters_by_status_and_tag(
    runs_session: LspSession, query_runs: QueryRuns
) -> None:
    failed = runs_session.request("metaflow/listRuns", {"flow": "QueryFlow", "status": "failed"})
    assert [r["pathspec"] for r in failed["runs"]] == [query_runs.failed_run]
    nightly = runs_session.request("metaflow/listRuns", {"flow": "QueryFlow", "tags": ["nightly"]})
    assert [r["pathspec"] for r in nightly["runs"]] == [query_runs.ok_run]


def test_tasks_put_the_failed_task_first_with_its_last_attempt(
    runs_session: LspSession, query_runs: QueryRuns
) -> None:
    listing = runs_session.request("metaflow/tasks", {"step": f"{query_runs.failed_run}/work"})
    tasks = listing["tasks"]
    assert len(tasks) == 6 and listing["truncated"] is False
    # work[4] fails on its retry; under load Metaflow may also kill siblings still running
    statuses = [t["status"] for t in tasks]
    failed = statuses.count("failed")
    assert failed >= 1 and statuses == ["failed"] * failed + ["succeeded"] * (6 - failed)
    assert any(t["attempt"] == 1 for t in tasks[:failed])
    retried = runs_session.request("metaflow/tasks", {"step": f"{query_runs.ok_run}/work"})
    assert sorted(t["attempt"] for t in retried["tasks"]) == [0, 0, 0, 0, 0, 1]


def test_run_summary_failures_logs_and_artifacts_are_the_query_results(
    runs_session: LspSession, query_runs: QueryRuns
) -> None:
    backend = query.open_backend(query_runs.root)
    failed_task = runs_session.request("metaflow/tasks", {"step": f"{query_runs.failed_run}/work"})[
        "tasks"
    ][0]["pathspec"]
    start_task = runs_session.request("metaflow/tasks", {"step": f"{query_runs.ok_run}/start"})[
        "tasks"
    ][0]["pathspec"]
    cases: list[tuple[str, dict[str, Any], Any]] = [
        (
            "metaflow/runSummary",
            {"run": query_runs.ok_run},
            query.run_summary(query_runs.ok_run, backend=backend),
        ),
        (
            "metaflow/failures",
            {"run": query_runs.failed_run},
            query.failures(query_runs.failed_run, backend=backend),
        ),
        (
            "metaflow/logs",
            {"task": failed_task, "stream": "stderr", "tail": 5},
            query.logs(failed_task, "stderr", tail=5, backend=backend),
        ),
        ("metaflow/artifacts", {"scope": start_task}, query.artifacts(start_task, backend=backend)),
        (
            "metaflow/artifactValue",
            {"task": start_task, "name": "frame"},
            query.artifact_value(start_task, "frame", backend=backend),
        ),
    ]
    for method, params, expected in cases:
        assert _without_cost(runs_session.request(method, params)) == _without_cost(
            expected.to_json()
        ), method
    failures = runs_session.request("metaflow/failures", {"run": query_runs.failed_run})
    messages = [f["message"] for f in failures["failures"]]
    assert "item 4 cannot be processed" in messages


def test_latest_cards_finds_the_end_step_card_of_the_run_that_got_there(
    runs_session: LspSession, query_runs: QueryRuns
) -> None:
    found = runs_session.request("metaflow/latestCards", {"flow": "QueryFlow", "step": "end"})
    assert found["pathspec"].startswith(query_runs.ok_run + "/end/")
    assert found["cards"] and "<html" in (found["cards"][0]["html"] or "").lower()
    direct = runs_session.request("metaflow/cards", {"task": found["pathspec"]})
    assert direct["cards"] == found["cards"]


def test_latest_cards_says_when_no_run_has_a_card(runs_session: LspSession) -> None:
    error = _error(runs_session, "metaflow/latestCards", {"flow": "QueryFlow", "step": "join"})
    assert "No card for QueryFlow.join yet" in error.message
    assert "@card" in error.message


def test_unknown_run_gets_the_query_message_with_the_nearest_runs(
    runs_session: LspSession, query_runs: QueryRuns
) -> None:
    error = _error(runs_session, "metaflow/tasks", {"step": "QueryFlow/12345/work"})
    assert error.code == -32803
    assert "No run 'QueryFlow/12345'" in error.message
    assert query_runs.ok_run in error.message or query_runs.failed_run in error.message


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"flow": "QueryFlow", "limit": "5"}, "'limit' must be a whole number"),
        ({"flow": "QueryFlow", "limt": 5}, "unknown parameter(s) limt"),
        ({}, "'flow' is required"),
        ({"flow": "QueryFlow", "limit": 0}, "limit must be a positive whole number"),
        ([1, 2], "params must be an object"),
    ],
)
def test_bad_params_name_what_is_wrong(runs_session: LspSession, params: Any, says: str) -> None:
    error = _error(runs_session, "metaflow/listRuns", params)
    assert error.code == -32602
    assert says in error.message


def test_find_flow_locates_the_step_in_the_workspace_file(
    runs_session: LspSession, query_runs: QueryRuns
) -> None:
    found = runs_session.request("metaflow/findFlow", {"flow": "QueryFlow", "step": "work"})
    flow_file = query_runs.root / "query_flow.py"
    assert found["uri"] == uri_for(flow_file)
    lines = flow_file.read_text().splitlines()
    start = found["range"]["start"]
    assert lines[start["line"]][start["character"] :].startswith("work(self)")
    whole = runs_session.request("metaflow/findFlow", {"flow": "QueryFlow"})
    assert lines[whole["range"]["start"]["line"]].startswith("class QueryFlow")
    assert runs_session.request("metaflow/findFlow", {"flow": "NoSuchFlow"}) is None


def test_card_lens_above_steps_with_card(runs_session: LspSession, query_runs: QueryRuns) -> None:
    flow_file = query_runs.root / "query_flow.py"
    uri = uri_for(flow_file)
    runs_session.open(uri, flow_file.read_text())
    lenses = runs_session.run(
        runs_session.client.text_document_code_lens_async(
            types.CodeLensParams(text_document=runs_session.doc(uri))
        )
    )
    cards = [
        lens.command
        for lens in lenses or []
        if lens.command and lens.command.title == "Show latest card"
    ]
    assert [(c.command, list(c.arguments or [])) for c in cards] == [
        ("metaflow.showLatestCard", ["QueryFlow", "end", uri])
    ]
    runs_session.close(uri)


def test_no_request_writes_into_the_datastore(
    runs_session: LspSession, query_runs: QueryRuns
) -> None:
    before = snapshot(query_runs.metaflow_dir)
    runs_session.request("metaflow/listFlows", {})
    runs_session.request("metaflow/tasks", {"step": f"{query_runs.ok_run}/work"})
    for method, params in [
        ("metaflow/listRuns", {"flow": "QueryFlow"}),
        ("metaflow/runSummary", {"run": query_runs.ok_run}),
        ("metaflow/latestCards", {"flow": "QueryFlow", "step": "end"}),
    ]:
        # this test is about writes only; the other tests check the answers
        with contextlib.suppress(JsonRpcException):
            runs_session.request(method, params)
    assert snapshot(query_runs.metaflow_dir) == before


def test_datastore_root_option_points_outside_the_workspace(
    query_runs: QueryRuns, tmp_path: Path
) -> None:
    lsp = LspSession(tmp_path, {"datastoreRoots": [str(query_runs.root)]})
    lsp.start()
    try:
        listing = lsp.request("metaflow/tasks", {"step": f"{query_runs.ok_run}/start"})
        assert [t["status"] for t in listing["tasks"]] == ["succeeded"]
    finally:
        lsp.stop()


def test_no_datastore_says_where_it_looked_and_what_to_do(tmp_path: Path) -> None:
    lsp = LspSession(tmp_path)
    lsp.start()
    try:
        assert lsp.request("metaflow/listFlows", {}) == {"datastores": []}
        with pytest.raises(JsonRpcException) as caught:
            lsp.request("metaflow/tasks", {"step": "QueryFlow/1/start"})
        assert "No Metaflow datastore" in caught.value.message
        assert str(tmp_path) in caught.value.message
        assert "metaflow.datastoreRoot" in caught.value.message
    finally:
        lsp.stop()
