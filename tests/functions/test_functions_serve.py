"""The fastapi backend: real uvicorn servers on free ports, called over HTTP.

``predict_server`` is ``mfstudio function serve`` in its own process serving predict_batch
(the scikit-learn model of a real TrainFlow run); the other servers are started the same
way or in this process with ``function_from_json(ref, backend="fastapi").start()``.
"""

from __future__ import annotations

import concurrent.futures
import json
import socket
import subprocess
import threading
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from conftest import (
    IRIS_RECORD,
    Exported,
    ServeProcess,
    ServeRefs,
    get,
    post,
    serve_command,
    wait_ready,
)
from metaflow import function_from_json


def test_functions_serve_health_ready_and_predictions_equal_in_process(
    predict_server: ServeProcess, exported: Exported
) -> None:
    assert get(f"{predict_server.base}/health").json() == {
        "status": "ok",
        "function": "predict_batch",
    }
    assert get(f"{predict_server.base}/ready").json() == {"status": "ready", "workers": 1}
    with httpx2.Client(timeout=60) as http:
        answers = [http.post(predict_server.url, json=r) for r in exported.records]
        assert [a.status_code for a in answers] == [200] * len(answers)
        assert [a.json() for a in answers] == exported.in_process
        assert answers[0].headers["content-type"] == "application/json"
        # Concurrent callers (grouped into batches by the server) get their own answers.
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            concurrent_answers = list(
                pool.map(
                    lambda r: http.post(predict_server.url, json=r).json(), exported.records * 4
                )
            )
    assert concurrent_answers == exported.in_process * 4


def _detail(response: httpx2.Response) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    detail: list[dict[str, Any]] = response.json()["detail"]
    return detail


def test_functions_serve_invalid_requests_get_422_naming_field_and_reason(
    predict_server: ServeProcess,
) -> None:
    url = predict_server.url
    missing = {k: v for k, v in IRIS_RECORD.items() if k != "petal_width"}
    assert _detail(post(url, json=missing)) == [
        {"loc": ["body", "petal_width"], "msg": "field required", "type": "missing"}
    ]
    wrong = _detail(post(url, json={**IRIS_RECORD, "sepal_length": "wide"}))
    assert wrong == [
        {"loc": ["body", "sepal_length"], "msg": "'wide' is not of type 'number'", "type": "type"}
    ]
    not_json = _detail(
        post(url, content=b"sepal_length=5.1", headers={"content-type": "application/json"})
    )
    assert not_json[0]["loc"] == ["body"]
    assert not_json[0]["msg"].startswith("body is not valid JSON: Expecting value")
    not_object = _detail(post(url, json=[IRIS_RECORD]))
    assert not_object[0]["loc"] == ["body"] and "is not of type 'object'" in not_object[0]["msg"]
    # The server is still serving after all that.
    assert post(url, json=IRIS_RECORD).status_code == 200


def test_functions_serve_oversized_and_unsupported_requests(predict_server: ServeProcess) -> None:
    url = predict_server.url
    big = {**IRIS_RECORD, "padding": "x" * 5000}
    response = post(url, json=big)
    assert response.status_code == 413
    assert response.json() == {"detail": "request body is larger than the limit of 4096 bytes"}

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while reading
        yield json.dumps(big).encode()

    assert post(url, content=chunks()).status_code == 413
    response = post(url, content=b"<x/>", headers={"content-type": "application/xml"})
    assert response.status_code == 415
    assert "send one of: application/json" in response.json()["detail"]
    response = post(url, json=IRIS_RECORD, headers={"accept": "text/html"})
    assert response.status_code == 406


def test_functions_serve_openapi_document_from_the_types(predict_server: ServeProcess) -> None:
    doc = get(f"{predict_server.base}/openapi.json").json()
    assert {"/predict", "/health", "/ready"} <= set(doc["paths"])
    post = doc["paths"]["/predict"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/PredictBatchInput"}
    schemas = doc["components"]["schemas"]
    record = schemas["PredictBatchInput"]
    assert set(record["properties"]) == {
        "sepal_length",
        "sepal_width",
        "petal_length",
        "petal_width",
    }
    assert record["properties"]["sepal_length"] == {"type": "number"}
    assert sorted(record["required"]) == sorted(record["properties"])
    result = post["responses"]["200"]["content"]["application/json"]["schema"]
    assert result == {"$ref": "#/components/schemas/PredictBatchOutput"}
    assert schemas["PredictBatchOutput"]["properties"] == {
        "prediction": {"type": "integer"},
        "label": {"type": "string"},
    }
    assert {"413", "422", "500", "504"} <= set(post["responses"])
    assert get(f"{predict_server.base}/docs").status_code == 200


@pytest.fixture(scope="module")
def noisy_servers(serve_refs: ServeRefs) -> Iterator[tuple[str, str]]:
    """noisy served in this process: (plain URL, debug URL)."""
    plain = function_from_json(serve_refs.noisy, backend="fastapi", route="/call")
    debug = function_from_json(serve_refs.noisy, backend="fastapi", route="/call", debug=True)
    try:
        urls = (plain.start() + "/call", debug.start() + "/call")
        for url in urls:
            wait_ready(url.rsplit("/", 1)[0])
        yield urls
    finally:
        plain.close()
        debug.close()


def test_functions_serve_exception_is_500_with_type_and_no_traceback(
    noisy_servers: tuple[str, str],
) -> None:
    plain, debug = noisy_servers
    response = post(plain, json={"fail": 3})
    assert response.status_code == 500
    assert response.json() == {
        "error": {"type": "ValueError", "message": "asked to fail with code 3"}
    }
    assert "Traceback" not in response.text
    assert post(plain, json={}).json() == {"ok": True}  # the worker survived
    traced = post(debug, json={"fail": 4}).json()["error"]
    assert traced["type"] == "ValueError"
    assert "Traceback (most recent call last)" in traced["traceback"]
    assert "in noisy" in traced["traceback"]


def test_functions_serve_slow_call_gets_504_and_a_fresh_worker(serve_refs: ServeRefs) -> None:
    ref_file = serve_refs.folder / "slow.ref.json"
    server = ServeProcess(
        serve_command(str(ref_file), "--port", "0", "--timeout", "1", "--route", "/sleep"),
        serve_refs.folder,
    )
    try:
        server.wait_ready()
        response = post(server.url, json={"seconds": 30})
        assert response.status_code == 504
        assert response.json() == {"detail": "function 'slow' did not answer within 1 s"}
        server.wait_ready()  # the stuck worker was killed and replaced
        assert post(server.url, json={"seconds": 0}).json() == {"slept": 0}
    finally:
        assert server.stop() == 0


def test_functions_serve_micro_batches_concurrent_requests(serve_refs: ServeRefs) -> None:
    ref_file = serve_refs.folder / "batch_sizes.ref.json"
    server = ServeProcess(
        serve_command(str(ref_file), "--port", "0", "--max-batch-size", "8"), serve_refs.folder
    )
    try:
        server.wait_ready()
        with httpx2.Client(timeout=60) as http, concurrent.futures.ThreadPoolExecutor(24) as pool:
            answers = list(
                pool.map(lambda i: http.post(server.url, json={"id": i}).json(), range(48))
            )
            alone = http.post(server.url, json={"id": "alone"}).json()
    finally:
        server.stop()
    assert [a["id"] for a in answers] == list(range(48))  # each caller got its own result
    sizes = [a["batch"] for a in answers]
    assert max(sizes) <= 8
    assert max(sizes) > 1  # requests that queued behind a batch went together
    assert alone == {"id": "alone", "batch": 1}  # a lone request is not held back


def test_functions_serve_with_the_metaflow_command(
    serve_refs: ServeRefs, exported: Exported
) -> None:
    ref_file = serve_refs.folder / "predict_batch.ref.json"
    server = ServeProcess(
        serve_command(str(ref_file), "--port", "0", "--workers", "2", tool="metaflow"),
        serve_refs.folder,
    )
    try:
        server.wait_ready()
        assert post(server.url, json=exported.records[0]).json() == exported.in_process[0]
    finally:
        server.stop()


def test_functions_serve_command_errors(serve_refs: ServeRefs) -> None:
    run = subprocess.run(
        serve_command("no-such-reference.json"), capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 1
    assert "is neither a reference's JSON nor a file holding one" in run.stderr
    # A taken port is named (nothing else is started).
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        run = subprocess.run(
            serve_command(str(serve_refs.folder / "noisy.ref.json"), "--port", port),
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert run.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in run.stderr
    with pytest.raises(TypeError, match="unknown: max_batch"):
        function_from_json(serve_refs.noisy, backend="fastapi", max_batch=3)
    with pytest.raises(ValueError, match="workers must be at least 1"):
        function_from_json(serve_refs.noisy, backend="fastapi", workers=0)


def test_functions_serve_worker_that_dies_gets_500_and_is_replaced(
    noisy_servers: tuple[str, str],
) -> None:
    plain, _debug = noisy_servers
    response = post(plain, json={"exit": 3})  # the worker process exits mid-call
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["type"] == "WorkerError"
    assert "exited with code 3" in error["message"]
    wait_ready(plain.rsplit("/", 1)[0])  # a fresh worker took its place
    assert post(plain, json={}).json() == {"ok": True}


def test_functions_serve_route_behind_a_prefix_stripping_proxy_answers_alike(
    serve_refs: ServeRefs, noisy_servers: tuple[str, str]
) -> None:
    """Behind a proxy that strips a prefix (ASGI ``root_path`` set, the path without it),
    POST <route> reaches FastAPI's own route instead of the server's fast path: the answers
    are the same, byte for byte."""
    import uvicorn

    server = function_from_json(serve_refs.noisy, backend="fastapi", route="/call")
    app = server.app

    async def behind_proxy(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope = {**scope, "root_path": "/fn"}
        await app(scope, receive, send)

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    proxied = uvicorn.Server(uvicorn.Config(behind_proxy, log_level="warning"))
    thread = threading.Thread(target=proxied.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        wait_ready(base)
        fast, _debug = noisy_servers
        cases: list[dict[str, Any]] = [
            {"json": {}},
            {"json": {"fail": 2}},
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            {"content": b"<x/>", "headers": {"content-type": "application/xml"}},
            {"json": {}, "headers": {"accept": "text/html"}},
        ]
        for kwargs in cases:
            a, b = post(fast, **kwargs), post(f"{base}/call", **kwargs)
            assert (a.status_code, a.headers["content-type"], a.content) == (
                b.status_code,
                b.headers["content-type"],
                b.content,
            )
    finally:
        proxied.should_exit = True
        thread.join(timeout=30)
        server.close()
