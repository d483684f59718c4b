"""Every GET route of docs/ui-api.md against a real ``mfstudio ui`` over real runs
(the ``query_runs`` fixture: QueryFlow ``ok`` and ``failed``), errors included; the
datastore is the same, byte for byte, after all of them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx2
import pytest
from datastore_snapshot import snapshot
from mfstudio.query import api as q
from mfstudio.ui.api import dispatch
from mfstudio.ui.paths import split_target
from runs_fixture import QueryRuns
from ui_server_proc import UiServer, running_ui


@pytest.fixture(scope="module")
def server(query_runs: QueryRuns, tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiServer]:
    assets = tmp_path_factory.mktemp("assets")
    (assets / "ui.js").write_text("document.getElementById('app').textContent = 'hi';\n")
    (assets / "ui.css").write_text("#app { color: black; }\n")
    (assets / "ui-boot.js").write_text("window.booted = true;\n")
    shell = {"script": "ui.js", "preload": [], "style": "ui.css", "boot": "ui-boot.js"}
    (assets / "ui-shell.json").write_text(json.dumps(shell))
    before = snapshot(query_runs.metaflow_dir)
    with running_ui("--root", str(query_runs.root), env={"MFSTUDIO_UI_ASSETS": str(assets)}) as ui:
        yield ui
    assert snapshot(query_runs.metaflow_dir) == before, "the UI wrote into the datastore"


@pytest.fixture(scope="module")
def client(server: UiServer) -> Iterator[httpx2.Client]:
    with httpx2.Client(base_url=server.base, timeout=60) as http:
        yield http


def get(client: httpx2.Client, path: str, status: int = 200) -> Any:
    response = client.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def error_of(client: httpx2.Client, path: str, status: int, kind: str) -> dict[str, Any]:
    error = get(client, path, status)["error"]
    assert error["kind"] == kind, error
    return dict(error)


def run_path(run: str) -> str:
    return "/".join(quote(part, safe="") for part in run.split("/"))


def test_flows_and_the_app_shell(client: httpx2.Client, query_runs: QueryRuns) -> None:
    body = get(client, "/api/flows")
    assert body == {"flows": [{"name": "QueryFlow"}], "root": str(query_runs.metaflow_dir)}
    shell = client.get("/")
    assert shell.status_code == 200
    assert '<div id="app"></div>' in shell.text
    assert '<script type="module" src="/assets/ui.js"></script>' in shell.text
    assert '<link rel="stylesheet" href="/assets/ui.css">' in shell.text
    assert "<script>window.booted = true;\n</script>" in shell.text  # the boot, inlined
    csp = shell.headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in csp  # the boot script's hash, nothing broader
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    script = client.get("/assets/ui.js")
    assert script.status_code == 200 and "textContent" in script.text
    assert script.headers["content-type"].startswith("text/javascript")
    assert client.get("/assets/ui.css").headers["content-type"].startswith("text/css")
    assert client.get("/assets/nothing.js").status_code == 404
    # The bundle goes out gzipped to browsers that accept it (a fresh page's main wait),
    # byte for byte the same script once inflated; plain to clients that do not.
    packed = client.get("/assets/ui.js", headers={"accept-encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip" and packed.text == script.text
    plain = client.get("/assets/ui.js", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == script.content


def test_runs_with_filters_search_and_paging(client: httpx2.Client, query_runs: QueryRuns) -> None:
    everything = get(client, "/api/runs?flow=QueryFlow")
    assert {r["pathspec"] for r in everything["runs"]} == {query_runs.ok_run, query_runs.failed_run}
    failed = get(client, "/api/runs?flow=QueryFlow&status=failed")["runs"]
    assert [r["pathspec"] for r in failed] == [query_runs.failed_run]
    tagged = get(client, "/api/runs?flow=QueryFlow&tag=nightly")["runs"]
    assert [r["pathspec"] for r in tagged] == [query_runs.ok_run]
    # q: a substring of a tag, in any case; of the run id; of the user
    assert [r["pathspec"] for r in get(client, "/api/runs?flow=QueryFlow&q=NIGHT")["runs"]] == [
        query_runs.ok_run
    ]
    failed_id = query_runs.failed_run.split("/")[1]
    by_id = get(client, f"/api/runs?flow=QueryFlow&q={failed_id[-6:]}")["runs"]
    assert [r["pathspec"] for r in by_id] == [query_runs.failed_run]
    assert len(get(client, "/api/runs?flow=QueryFlow&q=TESTER")["runs"]) == 2
    assert get(client, "/api/runs?flow=QueryFlow&q=no-such-thing")["runs"] == []
    first = get(client, "/api/runs?flow=QueryFlow&limit=1")
    assert len(first["runs"]) == 1 and first["next_cursor"]
    second = get(client, f"/api/runs?flow=QueryFlow&limit=1&cursor={first['next_cursor']}")
    assert [r["pathspec"] for r in first["runs"] + second["runs"]] == [
        r["pathspec"] for r in everything["runs"]
    ]
    since = get(client, "/api/runs?flow=QueryFlow&since=0&until=99999999999")["runs"]
    assert len(since) == 2


def test_run_summary_graph_state_timeline_failures(
    client: httpx2.Client, query_runs: QueryRuns
) -> None:
    ok, bad = run_path(query_runs.ok_run), run_path(query_runs.failed_run)
    summary = get(client, f"/api/run/{ok}")
    assert summary["run"]["status"] == "succeeded" and summary["run"]["tags"] == ["nightly"]
    assert [s["name"] for s in summary["steps"]] == ["start", "work", "join", "end"]
    graph = get(client, f"/api/run/{ok}/graph")
    assert graph["steps"]["start"]["type"] == "split-foreach"
    assert graph["steps"]["start"]["next"] == ["work"]
    state = get(client, f"/api/run/{ok}/state")
    assert state["status"] == "succeeded"
    assert state["steps"]["work"] == {
        "status": "succeeded",
        "tasks": {"running": 0, "succeeded": 6, "failed": 0},
        "expected": 6,
    }
    failed_state = get(client, f"/api/run/{bad}/state")
    assert failed_state["status"] == "failed"
    assert failed_state["steps"]["work"]["status"] == "failed"
    assert "end" not in failed_state["steps"]
    timeline = get(client, f"/api/run/{ok}/timeline")
    retried = [b for b in timeline["bars"] if b["step"] == "work" and b["attempt"] == 1]
    assert len(retried) == 1, "work[2] ran twice: two bars"
    failures = get(client, f"/api/run/{bad}/failures")
    assert [f["exception_type"] for f in failures["failures"]] == ["builtins.RuntimeError"]
    assert get(client, f"/api/run/{ok}/failures?limit=1")["failures"] == []


def test_tasks_logs_artifacts_and_previews(client: httpx2.Client, query_runs: QueryRuns) -> None:
    ok = run_path(query_runs.ok_run)
    tasks = get(client, f"/api/tasks/{ok}/work")["tasks"]
    assert len(tasks) == 6
    task = tasks[0]["pathspec"]
    start = get(client, f"/api/tasks/{ok}/start")["tasks"][0]["pathspec"]
    out = get(client, f"/api/logs/{run_path(task)}?stream=stdout")
    assert out["available"] and any("work item" in line["text"] for line in out["lines"])
    err = get(client, f"/api/logs/{run_path(task)}?stream=stderr&tail=1")
    assert len(err["lines"]) == 1 and "on stderr" in err["lines"][0]["text"]
    names = {a["name"] for a in get(client, f"/api/artifacts/{run_path(start)}")["artifacts"]}
    assert {"items", "note", "frame", "matrix"} <= names
    note = get(client, f"/api/artifact/{run_path(start)}/note")
    # HTML in a value is data: the JSON carries it as a string, to be shown as text
    assert note["preview"] == "<script>alert('x')</script> <b>not bold</b>"
    frame = get(client, f"/api/artifact/{run_path(start)}/frame")
    assert frame["kind"] == "dataframe" and frame["shape"] == [50, 2]


def test_cards_list_and_the_sandboxed_card_page(
    client: httpx2.Client, query_runs: QueryRuns
) -> None:
    ok = run_path(query_runs.ok_run)
    end = get(client, f"/api/tasks/{ok}/end")["tasks"][0]["pathspec"]
    cards = get(client, f"/api/cards/{run_path(end)}")["cards"]
    assert len(cards) == 1 and cards[0]["html"] is None, "the list carries no HTML"
    page = client.get(f"/card/{run_path(end)}/{cards[0]['hash']}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"].startswith("sandbox allow-scripts;")
    assert "allow-same-origin" not in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "<html" in page.text.lower()
    missing = error_of(client, f"/card/{run_path(end)}/0000", 404, "not_found")
    assert missing["nearest"] == [f"{end}/{cards[0]['hash']}"]


def test_compare_and_lineage(client: httpx2.Client, query_runs: QueryRuns) -> None:
    compared = get(client, f"/api/compare?runs={query_runs.ok_run},{query_runs.failed_run}")
    assert compared["runs"] == [query_runs.ok_run, query_runs.failed_run]
    fail_param = next(p for p in compared["parameters"] if p["name"] == "fail")
    assert fail_param["differs"] is True
    one = error_of(client, f"/api/compare?runs={query_runs.ok_run}", 400, "bad_query")
    assert "2 to 8" in one["message"]
    lineage = get(client, f"/api/lineage/{run_path(query_runs.ok_run)}/total")
    assert any(node["step"] == "join" for node in lineage["nodes"])


@pytest.mark.parametrize(
    ("path", "status", "kind", "says"),
    [
        ("/api/run/QueryFlow/1", 404, "not_found", "Nearest existing"),
        ("/api/runs?flow=QueryFlw", 404, "not_found", "QueryFlow"),
        ("/api/runs", 400, "bad_query", "flow=FlowName"),
        ("/api/runs?flow=QueryFlow&limit=abc", 400, "bad_query", "whole number"),
        ("/api/runs?flow=QueryFlow&limit=0", 400, "bad_query", "positive"),
        ("/api/runs?flow=QueryFlow&limit=99999", 400, "bad_query", "cap"),
        ("/api/runs?flow=QueryFlow&status=done", 400, "bad_query", "running, succeeded"),
        ("/api/runs?flow=QueryFlow&since=yesterday", 400, "bad_query", "epoch seconds"),
        ("/api/runs?flow=QueryFlow&stauts=failed", 400, "bad_query", "Did you mean 'status'"),
        ("/api/runs?flow=QueryFlow&limit=1&limit=2", 400, "bad_query", "once"),
        ("/api/runz?flow=QueryFlow", 404, "not_found", "/api/runs?flow=F"),
        ("/api/tasks/QueryFlow", 400, "bad_query", "/api/tasks/F/R/S"),
        ("/api/logs/QueryFlow/1/start/1?stream=both", 400, "bad_query", "stdout or stderr"),
    ],
)
def test_errors_say_what_and_how(
    client: httpx2.Client, path: str, status: int, kind: str, says: str
) -> None:
    error = error_of(client, path, status, kind)
    assert says in error["message"]


def test_nearest_names_existing_runs_and_steps(
    client: httpx2.Client, query_runs: QueryRuns
) -> None:
    error = error_of(client, "/api/run/QueryFlow/1", 404, "not_found")
    assert set(error["nearest"]) == {query_runs.ok_run, query_runs.failed_run}
    step = error_of(client, f"/api/tasks/{run_path(query_runs.ok_run)}/wrok", 404, "not_found")
    assert step["nearest"][0] == f"{query_runs.ok_run}/work"
    assert client.post("/api/flows").status_code == 405


def test_no_datastore_yet(tmp_path: Path) -> None:
    """A server started before the first run answers datastore_not_found, not a crash."""
    with running_ui("--root", str(tmp_path), env={"MFSTUDIO_UI_ASSETS": str(tmp_path)}) as ui:
        status, _, body = ui.raw_get("/api/flows")
        assert status == 404 and b'"datastore_not_found"' in body and b"--root" in body
        status, _, body = ui.raw_get("/")
        assert status == 503 and b"npm run build --workspace media" in body


def test_the_dispatcher_serves_any_host(query_runs: QueryRuns) -> None:
    """The language server will forward a webview's whole request target."""
    backend = q.open_backend(query_runs.root)
    path, params = split_target("/api/runs?flow=QueryFlow&tag=broken")
    answer = dispatch(backend, path, params)
    assert answer.status == 200
    assert [r["pathspec"] for r in answer.body["runs"]] == [query_runs.failed_run]
    assert dispatch(lambda: backend, "/api/flows", {}).body["flows"] == [{"name": "QueryFlow"}]
    assert dispatch(backend, "/nothing", {}).status == 400
