"""The security promises of docs/ui-api.md against real servers: no route reaches a file
outside the datastore (encoded ``..``, ``%2f``, absolute paths, NUL), the Host header
and a WebSocket's Origin must name the server, a non-loopback bind needs the printed
token (then held in an HttpOnly SameSite=Strict cookie), and every answer carries the
security headers. Requests are sent as written (http.client), never normalised."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest
from runs_fixture import QueryRuns
from ui_server_proc import UiServer, running_ui
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

# Every route that reads files, with "X" where an attacker puts the segment under test.
ROUTES = [
    "/api/runs?flow=X",
    "/api/run/X/1",
    "/api/run/QueryFlow/X",
    "/api/run/QueryFlow/X/graph",
    "/api/run/QueryFlow/X/state",
    "/api/run/QueryFlow/X/timeline",
    "/api/run/QueryFlow/X/failures",
    "/api/tasks/QueryFlow/1/X",
    "/api/logs/QueryFlow/1/start/X",
    "/api/artifacts/QueryFlow/1/X/1",
    "/api/artifact/QueryFlow/1/start/1/X",
    "/api/cards/QueryFlow/X/end/1",
    "/card/QueryFlow/1/end/1/X",
    "/api/compare?runs=QueryFlow/X,QueryFlow/1",
    "/api/lineage/QueryFlow/1/X",
]
ATTACKS = [
    "..",
    "%2e%2e",
    "%2E%2E",
    "..%2f..%2f..%2fetc",
    "..%2F..%2Fpyproject.toml",
    "%2fetc%2fpasswd",
    "..%5c..%5cetc",
    "a%00b",
    "a%0ab",
    "%ff%fe",
]


@pytest.fixture(scope="module")
def server(query_runs: QueryRuns) -> Iterator[UiServer]:
    with running_ui("--root", str(query_runs.root)) as ui:
        yield ui


@pytest.mark.parametrize("route", ROUTES)
def test_path_traversal_is_refused_on_every_route(server: UiServer, route: str) -> None:
    for attack in ATTACKS:
        target = route.replace("X", attack)
        status, _headers, body = server.raw_get(target)
        assert status == 400, (target, body)
        error = json.loads(body)["error"]
        assert error["kind"] == "bad_query", (target, error)
    # absolute paths: an empty segment ("//etc/passwd") is no name either
    status, _, body = server.raw_get(route.replace("X", "/etc/passwd"))
    assert status in (400, 404) and b"root:" not in body


def test_assets_serve_only_the_bundle_folder(server: UiServer) -> None:
    for target in [
        "/assets/..%2f..%2fpyproject.toml",
        "/assets/%2e%2e",
        "/assets/../pyproject.toml",
        "/assets/.gitignore",
        "/assets/%2fetc%2fpasswd",
    ]:
        status, _, body = server.raw_get(target)
        assert status == 404, (target, body)
        assert b"[project]" not in body and b"root:" not in body


def test_host_header_must_name_the_server(server: UiServer) -> None:
    for host in ["evil.example", f"evil.example:{server.port}", f"127.0.0.1:{server.port + 1}"]:
        status, _, body = server.raw_get("/api/flows", {"Host": host})
        assert status == 403, host
        assert json.loads(body)["error"]["kind"] == "forbidden"
    for host in [f"localhost:{server.port}", f"127.0.0.1:{server.port}"]:
        assert server.raw_get("/api/flows", {"Host": host})[0] == 200


def test_websocket_origin_must_be_the_server(server: UiServer) -> None:
    url = f"ws://127.0.0.1:{server.port}/ws"
    with pytest.raises(InvalidStatus) as refused:
        connect(url, origin="http://evil.example")
    assert refused.value.response.status_code == 403
    with connect(url, origin=f"http://127.0.0.1:{server.port}") as ws:
        ws.send(json.dumps({"type": "subscribe", "id": "s", "topic": "runs", "flow": "QueryFlow"}))
        ws.send(json.dumps({"type": "ping", "id": "p"}))
        assert json.loads(ws.recv(timeout=60))["id"] == "p"


def test_security_headers_on_every_answer(server: UiServer) -> None:
    for target in ["/", "/api/flows", "/api/run/QueryFlow/1", "/assets/ui.js", "/nothing"]:
        _, headers, _ = server.raw_get(target)
        assert headers["x-content-type-options"] == "nosniff", target
        assert headers["referrer-policy"] == "no-referrer", target
        assert "frame-ancestors 'none'" in headers["content-security-policy"], target


def _machine_address() -> str | None:
    """An address of this machine other than loopback, when it has one."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks a route
        address = str(probe.getsockname()[0])
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


@pytest.mark.parametrize("host", ["0.0.0.0", "machine"])
def test_a_non_loopback_bind_needs_the_token(query_runs: QueryRuns, host: str) -> None:
    if host == "machine":
        address = _machine_address()
        if address is None:
            pytest.skip("this machine has no non-loopback IPv4 address")
        host = address
    with running_ui("--root", str(query_runs.root), "--host", host) as ui:
        token = ui.token
        assert token is not None and len(token) >= 24, ui.url
        status, _, body = ui.raw_get("/api/flows")
        assert status == 401 and json.loads(body)["error"]["kind"] == "unauthorized"
        assert ui.raw_get("/")[0] == 401
        assert ui.raw_get("/?token=wrong")[0] == 401
        status, headers, _ = ui.raw_get(f"/?token={token}&x=1")
        assert status == 303 and headers["location"] == "/?x=1", "the token leaves the URL"
        cookie = headers["set-cookie"]
        assert f"mfstudio_token={token}" in cookie
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        jar = {"Cookie": f"mfstudio_token={token}"}
        assert ui.raw_get("/api/flows", jar)[0] == 200
        assert ui.raw_get("/api/flows", {"Cookie": "mfstudio_token=guess"})[0] == 401
        url = f"ws://{ui.address}:{ui.port}/ws"
        with connect(url) as ws, pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=60)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
        with connect(url, additional_headers=jar) as ws:
            ws.send(json.dumps({"type": "ping", "id": "p"}))
            assert json.loads(ws.recv(timeout=60))["id"] == "p"
