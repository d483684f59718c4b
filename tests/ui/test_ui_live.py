"""Live subscriptions over a real WebSocket while a real flow runs (test-fixtures/ui/
sleepy_flow.py: every step sleeps a second): the ``runs`` subscription hears the run
appear and end, the ``run`` subscription sees each step go pending -> running ->
succeeded in flow order with the foreach size known, and a ``log`` subscription gets the
task's lines once Metaflow writes them."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import httpx2
from mfstudio.query.model import LogLine
from mfstudio.ui.live import appended
from runs_fixture import QueryRuns, start_run
from ui_server_proc import UiServer, running_ui
from websockets.sync.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[2]
SLEEPY_FLOW = ROOT / "test-fixtures" / "ui" / "sleepy_flow.py"
STEPS = ["start", "work", "join", "end"]
ORDER = ["pending", "running", "succeeded"]


def open_socket(server: UiServer) -> ClientConnection:
    return connect(f"ws://127.0.0.1:{server.port}/ws", origin=f"http://127.0.0.1:{server.port}")


def receive(ws: ClientConnection, timeout: float = 120) -> dict[str, Any]:
    message = json.loads(ws.recv(timeout=timeout))
    assert isinstance(message, dict)
    return message


def test_a_running_flow_lights_up_live(tmp_path: Path) -> None:
    flow_file = tmp_path / SLEEPY_FLOW.name
    shutil.copy(SLEEPY_FLOW, flow_file)
    first = start_run(tmp_path, flow_file, "--pause", "0", run_id_file="first.id")
    assert first.wait(timeout=300) == 0, first.communicate()[0]

    with running_ui("--root", str(tmp_path)) as server, open_socket(server) as ws:
        ws.send(
            json.dumps({"type": "subscribe", "id": "all", "topic": "runs", "flow": "SleepyFlow"})
        )
        second = start_run(tmp_path, flow_file, "--pause", "1", run_id_file="second.id")
        try:
            appeared = receive(ws)
            assert appeared == {"type": "runs", "id": "all", "flow": "SleepyFlow"}
            with httpx2.Client(base_url=server.base, timeout=60) as http:
                newest = http.get("/api/runs?flow=SleepyFlow&limit=1").json()["runs"][0]
                run = newest["pathspec"]
                assert newest["status"] == "running"
                ws.send(json.dumps({"type": "subscribe", "id": "r", "topic": "run", "run": run}))
                messages = follow(ws, http, run)
            assert second.wait(timeout=300) == 0
        finally:
            if second.poll() is None:
                second.kill()
        assert (tmp_path / "second.id").read_text().strip() == run.split("/")[1]

    states = [m["state"] for m in messages if m["type"] == "run"]
    assert states[-1]["status"] == "succeeded"
    seen: dict[str, list[str]] = {step: [] for step in STEPS}
    for state in states:
        for step in STEPS:
            status = state["steps"].get(step, {"status": "pending"})["status"]
            if not seen[step] or seen[step][-1] != status:
                seen[step].append(status)
    for step in STEPS:
        order = [ORDER.index(s) for s in seen[step]]
        assert order == sorted(order), f"{step} went {seen[step]}"
        assert seen[step][-1] == "succeeded"
    assert all("running" in seen[step] for step in STEPS), seen
    assert states[-1]["steps"]["work"] == {
        "status": "succeeded",
        "tasks": {"running": 0, "succeeded": 2, "failed": 0},
        "expected": 2,
    }
    last_summary = next(m["summary"] for m in reversed(messages) if m["type"] == "run")
    assert last_summary["run"]["status"] == "succeeded"
    runs_events = [m for m in messages if m["type"] == "runs"]
    assert runs_events, "the runs subscription hears the run end"
    logs = [m for m in messages if m["type"] == "log"]
    assert logs[0]["reset"] is True
    assert logs[-1]["available"] is True
    assert any("worked on" in line["text"] for m in logs for line in m["lines"])
    if not logs[0]["available"]:  # subscribed while the task ran: its log came at its end
        assert logs[0]["lines"] == []
    assert not [m for m in messages if m["type"] == "error"], messages


def follow(ws: ClientConnection, http: httpx2.Client, run: str) -> list[dict[str, Any]]:
    """Every message until the run ended and the runs list said so; subscribes to the log
    of the first ``work`` task as soon as the run state shows it."""
    messages: list[dict[str, Any]] = []
    log_subscribed = False
    while True:
        message = receive(ws)
        messages.append(message)
        if message["type"] == "run" and not log_subscribed and "work" in message["state"]["steps"]:
            task = http.get(f"/api/tasks/{run}/work").json()["tasks"][0]["pathspec"]
            ws.send(json.dumps({"type": "subscribe", "id": "l", "topic": "log", "task": task}))
            log_subscribed = True
        ended = any(m["type"] == "run" and m["state"]["status"] != "running" for m in messages)
        # the run appeared before this started: a runs event now says its status changed
        heard_end = any(m["type"] == "runs" for m in messages)
        logs = [m for m in messages if m["type"] == "log"]
        if ended and heard_end and logs and logs[-1]["available"]:
            return messages
        if len(messages) > 500:
            raise AssertionError(f"too many messages: {messages[-5:]}")


def test_log_tail_and_bad_subscriptions(query_runs: QueryRuns) -> None:
    with running_ui("--root", str(query_runs.root)) as server, open_socket(server) as ws:
        with httpx2.Client(base_url=server.base, timeout=60) as http:
            task = http.get(f"/api/tasks/{query_runs.ok_run}/end").json()["tasks"][0]["pathspec"]
        ws.send(json.dumps({"type": "subscribe", "id": "l", "topic": "log", "task": task}))
        tail = receive(ws)
        assert tail["type"] == "log" and tail["reset"] and tail["available"]
        assert any(line["text"].startswith("total") for line in tail["lines"])
        ws.send(json.dumps({"type": "subscribe", "id": "x", "topic": "run", "run": "QueryFlow/1"}))
        error = receive(ws)
        assert error["type"] == "error" and error["id"] == "x"
        assert error["error"]["kind"] == "not_found"
        assert set(error["error"]["nearest"]) == {query_runs.ok_run, query_runs.failed_run}
        for bad, says in [
            ({"type": "subscribe", "id": "y", "topic": "weather"}, "run, runs or log"),
            ({"type": "subscribe", "id": "z", "topic": "run", "run": "../.."}, "'..'"),
            ({"type": "subscribe", "id": "l", "topic": "runs", "flow": "QueryFlow"}, "exists"),
            ({"type": "dance", "id": "d"}, "subscribe or unsubscribe"),
        ]:
            ws.send(json.dumps(bad))
            answer = receive(ws)
            assert answer["type"] == "error" and says in answer["error"]["message"], answer
        ws.send("not json")
        assert receive(ws)["error"]["kind"] == "bad_query"
        ws.send(json.dumps({"type": "unsubscribe", "id": "l"}))
        ws.send(
            json.dumps({"type": "subscribe", "id": "r", "topic": "run", "run": query_runs.ok_run})
        )
        current = receive(ws)
        assert current["type"] == "run" and current["state"]["status"] == "succeeded"
        time.sleep(0.5)  # nothing changes in a finished run: nothing more is sent
        ws.send(json.dumps({"type": "dance", "id": "marker"}))
        assert receive(ws)["id"] == "marker"


def test_appended_lines_line_up_with_the_previous_tail() -> None:
    def lines(*texts: str) -> list[LogLine]:
        return [LogLine(t, None, "task") for t in texts]

    assert appended(lines("a", "b", "c"), lines("b", "c", "d", "e")) == lines("d", "e")
    assert appended(lines("a", "b"), lines("a", "b")) == []
    assert appended([], lines("a")) == lines("a")
    assert appended(lines("a", "a"), lines("a", "a", "a")) == lines("a")
    assert appended(lines("a", "b"), lines("x", "y")) is None, "no overlap: start over"
