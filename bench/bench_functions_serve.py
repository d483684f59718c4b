"""Serving a Metaflow function over HTTP (the fastapi backend), beside its peers in one run.

Each server is its own process on a loopback port, started the way users start it; one
client process (this one) loads them in turn, alternating rounds (the machine is shared).

1. Overhead at concurrency 1, trivial function (``echo``): p50 of a POST to
   ``mfstudio function serve`` minus p50 of the direct in-process call. Beside it, the p50 of
   a bare FastAPI app that echoes in-process (the HTTP stack's own floor, same client).
   Target (issue 6): overhead p50 at most 2 ms.
2. Throughput at concurrency 16 (16 requests always in flight): the served function against
   a bare FastAPI app doing the same work in its own process, for ``echo`` and for the
   scikit-learn model (the bare app predicts one record per request; the served
   ``predict_batch`` gets micro-batches). Target: at least the bare app's throughput.

Prints numbers; asserts nothing. Run: ``.venv/bin/python bench/bench_functions_serve.py
[--requests N] [--rounds R]``. Needs the ``serve`` extra (FastAPI) and the functions'
environment (built on first use, then cached).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

import httpx2
from bench_functions_local import MODEL, RECORD, ROOT, train_and_bind

BARE_APP = """
import json, pickle, sys
import uvicorn
from fastapi import FastAPI
work = sys.argv[1]
app = FastAPI()
if work == "model":
    model = pickle.loads(open(sys.argv[2], "rb").read())
    names = json.loads(sys.argv[3])
    classes = json.loads(sys.argv[4])
    @app.post("/predict")
    def predict(record: dict) -> dict:  # sync: FastAPI runs it in its thread pool
        label = int(model.predict([[float(record[n]) for n in names]])[0])
        return {"prediction": label, "label": str(classes[label])}
else:
    @app.post("/predict")
    async def echo(record: dict) -> dict:  # validated as an object, like the served one
        return record
print("Serving function 'bare' at http://127.0.0.1:%s/predict" % sys.argv[-1], flush=True)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[-1]), log_level="warning",
            access_log=False)
"""


class Server:
    """A server process and its route's URL, once it answers /ready (or / for bare apps)."""

    def __init__(self, argv: list[str]) -> None:
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        while line and not line.startswith("Serving function"):
            line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{argv[:4]} did not start")
        self.url = line.split(" at ", 1)[1].split()[0]
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            try:
                ready = httpx2.get(self.url.rsplit("/", 1)[0] + "/ready").status_code
                if ready in (200, 404):  # 404: a bare app has no /ready; it is up
                    return
            except httpx2.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.url} never became ready")

    def stop(self) -> None:
        self.proc.send_signal(2)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def p50_sequential(url: str, body: Any, n: int) -> float:
    """p50 latency in ms of ``n`` sequential POSTs on one keep-alive connection. The client
    is the standard library's (far lighter than an async client), so the numbers are mostly
    the servers' own."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    payload = json.dumps(body).encode()
    headers = {"content-type": "application/json"}

    def post() -> None:
        conn.request("POST", parts.path, payload, headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")

    for _ in range(20):
        post()
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        post()
        times.append(time.perf_counter() - t0)
    conn.close()
    return statistics.median(times) * 1000


def throughput(url: str, bodies: list[Any], concurrency: int, n: int) -> float:
    """Requests per second with ``concurrency`` requests always in flight."""

    async def run() -> float:
        limits = httpx2.Limits(max_connections=concurrency)
        async with httpx2.AsyncClient(timeout=60, limits=limits) as http:
            counter = iter(range(min(n, 20 * concurrency)))  # warm-up: open the connections

            async def caller() -> None:
                for i in counter:
                    response = await http.post(url, json=bodies[i % len(bodies)])
                    response.raise_for_status()

            await asyncio.gather(*(caller() for _ in range(concurrency)))
            counter = iter(range(n))
            t0 = time.perf_counter()
            await asyncio.gather(*(caller() for _ in range(concurrency)))
            return n / (time.perf_counter() - t0)

    return asyncio.run(run())


def direct_p50(n: int) -> float:
    """p50 in ms of the direct in-process call of the trivial function."""
    sys.path.insert(0, str(ROOT / "test-fixtures" / "functions"))
    import predict_fn

    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        predict_fn.echo(json.loads(json.dumps(RECORD)), None)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def serve_argv(ref_file: Path) -> list[str]:
    return [sys.executable, "-m", "mfstudio.cli", "function", "serve", str(ref_file), "--port", "0"]


def bare_argv(work: str, *args: str) -> list[str]:
    return [sys.executable, "-c", BARE_APP, work, *args, str(free_port())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="per throughput round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("USERNAME", "bench")
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        folder = Path(tmp)
        os.environ.setdefault("METAFLOW_CLIENT_CACHE_PATH", str(folder / "client-cache"))
        refs = train_and_bind(folder, {"echo": ("echo", []), "predict_batch": ("predict", MODEL)})
        for name, ref in refs.items():
            (folder / f"{name}.ref").write_text(ref)
        artifacts = folder / "predict" / "artifacts"
        model_args = [str(artifacts / "model.pickle")]
        for name in ("feature_names", "class_names"):
            value = pickle.loads((artifacts / f"{name}.pickle").read_bytes())
            model_args.append(json.dumps([str(v) for v in value]))
        records = [RECORD] * 16

        direct = direct_p50(2000)
        rows: dict[str, list[float]] = {}
        for _ in range(args.rounds):
            for label, argv, c1 in (
                ("served echo", serve_argv(folder / "echo.ref"), True),
                ("bare echo", bare_argv("echo"), True),
                ("served model", serve_argv(folder / "predict_batch.ref"), False),
                ("bare model", bare_argv("model", *model_args), False),
            ):
                server = Server(argv)
                try:
                    if c1:
                        rows.setdefault(f"{label} p50", []).append(
                            p50_sequential(server.url, RECORD, 300)
                        )
                    rows.setdefault(f"{label} rps", []).append(
                        throughput(server.url, records, 16, args.requests)
                    )
                finally:
                    server.stop()
    m = {k: statistics.median(v) for k, v in rows.items()}
    load = os.getloadavg()[0]
    overhead = m["served echo p50"] - direct
    print(f"{args.rounds} rounds, medians; load average {load:.1f} (2 cores, shared)")
    print("Concurrency 1, trivial function (echo), p50:")
    print(f"  direct in-process call        : {direct * 1000:8.1f} us")
    print(f"  served (function serve)       : {m['served echo p50']:8.2f} ms")
    print(f"  bare FastAPI app, in-process  : {m['bare echo p50']:8.2f} ms  (HTTP stack floor)")
    verdict = "met" if overhead <= 2 else "MISSED"
    print(f"  serving overhead              : {overhead:8.2f} ms  (target <= 2 ms: {verdict})")
    runtime = m["served echo p50"] - m["bare echo p50"]
    print(
        f"  of which beyond bare FastAPI  : {runtime:8.2f} ms  (validation, batching, worker IPC)"
    )
    print("Concurrency 16, requests per second:")
    for work in ("echo", "model"):
        served, bare = m[f"served {work} rps"], m[f"bare {work} rps"]
        verdict = "met" if served >= bare else "MISSED"
        print(
            f"  {work:5s}: served {served:7.0f}, bare FastAPI {bare:7.0f}, "
            f"ratio {served / bare:4.2f}x  (target >= 1x: {verdict})"
        )


if __name__ == "__main__":
    main()
