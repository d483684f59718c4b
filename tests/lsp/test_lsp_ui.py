"""The UI panels' requests (``metaflow/uiGet``, ``uiSubscribe``, ``uiUnsubscribe``) and the
``metaflow/uiEvent`` notification through a real stdio client, on real runs. A route must
answer exactly as the standalone server's dispatcher does (errors included, as answers the
page shows), subscriptions must push the live session's events unchanged under the
extension's id, and nothing in the datastore may change."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from datastore_snapshot import snapshot
from lsp_harness import LspSession, _plain
from mfstudio import query
from mfstudio.ui.api import dispatch
from mfstudio.ui.paths import split_target
from pygls.exceptions import JsonRpcException
from runs_fixture import QueryRuns, start_run

ROOT = Path(__file__).resolve().parents[2]
SLEEPY_FLOW = ROOT / "test-fixtures" / "ui" / "sleepy_flow.py"


class UiSession(LspSession):
    """A server session that records ``metaflow/uiEvent`` notifications."""

    def __init__(self, workspace: Path) -> None:
        super().__init__(workspace)
        self.events: list[dict[str, Any]] = []

        @self.client.feature("metaflow/uiEvent")
        def on_event(params: Any) -> None:
            self.events.append(_plain(params))

    def events_of(self, sub_id: str) -> list[dict[str, Any]]:
        return [e["event"] for e in self.events if e["id"] == sub_id]

    def wait_for_event(
        self, sub_id: str, kind: str, count: int = 1, timeout: float = 60
    ) -> dict[str, Any]:
        def arrived() -> bool:
            return len([e for e in self.events_of(sub_id) if e["type"] == kind]) >= count

        assert self.wait_until(arrived, timeout), f"no {kind} event: {self.events_of(sub_id)}"
        return [e for e in self.events_of(sub_id) if e["type"] == kind][count - 1]


@pytest.fixture(scope="module")
def ui_session(query_runs: QueryRuns) -> Iterator[UiSession]:
    lsp = UiSession(query_runs.root)
    lsp.start()
    yield lsp
    lsp.stop()


def ui_get(session: LspSession, path: str, **extra: Any) -> dict[str, Any]:
    answer = session.request("metaflow/uiGet", {"path": path, **extra})
    assert set(answer) == {"status", "body"}, answer
    return dict(answer)


def direct(root: Path, target: str) -> dict[str, Any]:
    """The standalone server's answer to ``target`` (its dispatcher, without HTTP)."""
    path, params = split_target(target)
    answer = dispatch(query.open_backend(root), path, params)
    return {"status": answer.status, "body": answer.body}


def without_cost(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_cost(v) for k, v in value.items() if k != "cost"}
    if isinstance(value, list):
        return [without_cost(v) for v in value]
    return value


def test_routes_answer_as_the_standalone_server(
    ui_session: UiSession, query_runs: QueryRuns
) -> None:
    before = snapshot(query_runs.metaflow_dir)
    ok, failed = query_runs.ok_run, query_runs.failed_run
    targets = [
        "/api/flows",
        "/api/runs?flow=QueryFlow&tag=broken",
        f"/api/run/{ok}",
        f"/api/run/{ok}/graph",
        f"/api/run/{failed}/state",
        f"/api/run/{failed}/failures",
        f"/api/compare?runs={ok},{failed}",
        f"/api/lineage/{ok}/total",
    ]
    for target in targets:
        answer = ui_get(ui_session, target)
        assert answer["status"] == 200, (target, answer)
        assert without_cost(answer) == without_cost(direct(query_runs.root, target)), target
    compared = ui_get(ui_session, f"/api/compare?runs={ok},{failed}")["body"]
    assert compared["runs"] == [ok, failed]
    assert next(p for p in compared["parameters"] if p["name"] == "fail")["differs"] is True
    lineage = ui_get(ui_session, f"/api/lineage/{ok}/total", root=str(query_runs.root))["body"]
    assert any(node["step"] == "join" for node in lineage["nodes"])
    assert snapshot(query_runs.metaflow_dir) == before


def test_errors_are_answers_the_page_shows(ui_session: UiSession, query_runs: QueryRuns) -> None:
    missing = ui_get(ui_session, "/api/run/QueryFlow/1")
    assert missing["status"] == 404 and missing["body"]["error"]["kind"] == "not_found"
    assert set(missing["body"]["error"]["nearest"]) == {query_runs.ok_run, query_runs.failed_run}
    traversal = ui_get(ui_session, "/api/run/QueryFlow/%2e%2e/graph")
    assert traversal["status"] == 400 and "'..'" in traversal["body"]["error"]["message"]
    typo = ui_get(ui_session, "/api/runs?flow=QueryFlow&stauts=failed")
    assert "Did you mean 'status'" in typo["body"]["error"]["message"]
    nowhere = ui_get(ui_session, "/api/flows", root=str(query_runs.root / "nowhere"))
    assert nowhere["status"] == 404
    assert nowhere["body"]["error"]["kind"] == "datastore_not_found"


def test_malformed_params_are_request_errors(ui_session: UiSession) -> None:
    for method, params, says in [
        ("metaflow/uiGet", {}, "'path' is required"),
        ("metaflow/uiGet", {"path": "/api/flows", "roots": "x"}, "unknown parameter(s) roots"),
        ("metaflow/uiSubscribe", {"id": "x", "message": {"type": "nope"}}, "must be 'subscribe'"),
        ("metaflow/uiSubscribe", {"id": "x"}, "'message' is required"),
    ]:
        with pytest.raises(JsonRpcException) as caught:
            ui_session.request(method, params)
        assert says in str(caught.value), (method, params, caught.value)


def test_subscriptions_push_events_until_unsubscribed(
    ui_session: UiSession, query_runs: QueryRuns
) -> None:
    before = snapshot(query_runs.metaflow_dir)
    subscribe = {"type": "subscribe", "id": "s1", "topic": "run", "run": query_runs.failed_run}
    assert ui_session.request("metaflow/uiSubscribe", {"id": "p1:s1", "message": subscribe}) == {
        "id": "p1:s1"
    }
    event = ui_session.wait_for_event("p1:s1", "run")
    assert event["id"] == "s1", "the page's own id travels unchanged"
    assert event["state"]["status"] == "failed"
    assert event["summary"]["run"]["pathspec"] == query_runs.failed_run
    # the same page id in another panel is another subscription
    again = {**subscribe, "run": query_runs.ok_run}
    ui_session.request("metaflow/uiSubscribe", {"id": "p2:s1", "message": again})
    assert ui_session.wait_for_event("p2:s1", "run")["state"]["status"] == "succeeded"
    with pytest.raises(JsonRpcException, match="exists already"):
        ui_session.request("metaflow/uiSubscribe", {"id": "p1:s1", "message": subscribe})

    task = query.tasks(
        f"{query_runs.ok_run}/end", backend=query.open_backend(query_runs.root)
    ).tasks[0]
    log = {"type": "subscribe", "id": "s2", "topic": "log", "task": task.pathspec, "tail": 5}
    ui_session.request("metaflow/uiSubscribe", {"id": "p1:s2", "message": log})
    tail = ui_session.wait_for_event("p1:s2", "log")
    assert tail["reset"] is True and tail["available"] is True and tail["task"] == task.pathspec

    bad = {"type": "subscribe", "id": "s3", "topic": "run", "run": "QueryFlow/1"}
    ui_session.request("metaflow/uiSubscribe", {"id": "p1:s3", "message": bad})
    error = ui_session.wait_for_event("p1:s3", "error")
    assert error["id"] == "s3" and error["error"]["kind"] == "not_found"
    assert query_runs.ok_run in error["error"]["nearest"]

    for sub_id in ("p1:s1", "p2:s1", "p1:s2", "p1:s3"):
        assert ui_session.request("metaflow/uiUnsubscribe", {"id": sub_id}) == {"stopped": True}
    assert ui_session.request("metaflow/uiUnsubscribe", {"id": "p1:s1"}) == {"stopped": False}
    assert snapshot(query_runs.metaflow_dir) == before


def test_a_running_flow_reaches_the_panel_live(tmp_path: Path) -> None:
    """A run started outside the editor: the ``runs`` subscription hears it appear, the
    ``run`` subscription follows it to the end; shutdown with live watches is clean."""
    flow_file = tmp_path / SLEEPY_FLOW.name
    shutil.copy(SLEEPY_FLOW, flow_file)
    first = start_run(tmp_path, flow_file, "--pause", "0", run_id_file="first.id")
    assert first.wait(timeout=300) == 0, first.communicate()[0]
    lsp = UiSession(tmp_path)
    lsp.start()
    try:
        runs = {"type": "subscribe", "id": "s1", "topic": "runs", "flow": "SleepyFlow"}
        lsp.request("metaflow/uiSubscribe", {"id": "a", "message": runs})
        second = start_run(tmp_path, flow_file, "--pause", "0.5", run_id_file="second.id")
        try:
            assert lsp.wait_for_event("a", "runs", timeout=120) == {
                "type": "runs",
                "id": "s1",
                "flow": "SleepyFlow",
            }
            assert lsp.wait_until(lambda: (tmp_path / "second.id").exists(), timeout=120)
            run = f"SleepyFlow/{(tmp_path / 'second.id').read_text().strip()}"
            follow = {"type": "subscribe", "id": "s2", "topic": "run", "run": run}
            lsp.request("metaflow/uiSubscribe", {"id": "b", "message": follow})

            def ended() -> bool:
                states = [e["state"] for e in lsp.events_of("b") if e["type"] == "run"]
                return bool(states) and states[-1]["status"] != "running"

            assert lsp.wait_until(ended, timeout=240), lsp.events_of("b")
            assert second.wait(timeout=120) == 0
        finally:
            if second.poll() is None:
                second.kill()
        states = [e["state"] for e in lsp.events_of("b") if e["type"] == "run"]
        assert states[-1]["status"] == "succeeded"
        assert states[-1]["steps"]["work"]["tasks"]["succeeded"] == 2
        assert not [e for e in lsp.events if e["event"]["type"] == "error"], lsp.events
    finally:
        lsp.stop()  # subscriptions still live: shutdown releases their watches
    assert not lsp.alive


def test_no_datastore_is_said_by_an_error_event(tmp_path: Path) -> None:
    lsp = UiSession(tmp_path)
    lsp.start()
    try:
        flows = ui_get(lsp, "/api/flows")
        assert flows["status"] == 404
        assert flows["body"]["error"]["kind"] == "datastore_not_found"
        assert "datastoreRoot" in flows["body"]["error"]["message"]
        runs = {"type": "subscribe", "id": "s1", "topic": "runs", "flow": "F"}
        lsp.request("metaflow/uiSubscribe", {"id": "x", "message": runs})
        error = lsp.wait_for_event("x", "error")
        assert error["id"] == "s1" and error["error"]["kind"] == "datastore_not_found"
    finally:
        lsp.stop()
