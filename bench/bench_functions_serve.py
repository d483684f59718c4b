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
   Beside it, the CPU time per request of each server with its workers (read from /proc):
   on these shared cores, requests per second swing 2x between runs with the neighbours'
   load, while CPU per request is what throughput comes to when the cores are the server's.

3. Ray Serve on the same two functions, the way a Ray Serve user deploys them: one replica
   (``num_cpus=1``) on a local Ray of 2 CPUs (no dashboard, ``RAY_AUTH_MODE=disabled``), the
   function in the replica, ``@serve.batch`` (32, 5 ms: our defaults) for the model; Ray is
   shut down after each round. Its start time (process start to first answer) is printed
   beside ours. When Ray Serve cannot start here, the error is printed and its rows skipped.
4. What uvloop + httptools (``uvicorn[standard]``, which Ray Serve brings) change: the
   concurrency-1 rows again with both hidden from the servers (uvicorn then falls back to
   asyncio's loop and h11), for the served function and the bare app alike.

Prints numbers; asserts nothing. Run: ``.venv/bin/python bench/bench_functions_serve.py
[--requests N] [--rounds R] [--no-ray]``. Needs the ``serve`` extra (FastAPI), Ray Serve
(``ray[serve]``, in the dev extra) and the functions' environment (built on first use, then
cached).
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


RAY_SERVE_APP = """
import os, pickle, json, sys, threading
os.environ.setdefault("RAY_AUTH_MODE", "disabled")
# Under load its Python agents take more than the raylet's default wait to start, and the
# raylet then dies (check failure at node_manager.cc:3576): give them 2 minutes.
os.environ.setdefault("RAY_raylet_start_wait_time_s", "120")
import ray
from ray import serve
work, port = sys.argv[1], int(sys.argv[-1])
ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="warning")
try:
    serve.start(http_options={"host": "127.0.0.1", "port": port},
                logging_config={"log_level": "WARNING", "enable_access_log": False})
    if work == "model":
        @serve.deployment(num_replicas=1, max_ongoing_requests=64)
        class Predict:
            def __init__(self, path, names, classes):
                self.model = pickle.loads(open(path, "rb").read())
                self.names, self.classes = json.loads(names), json.loads(classes)
            @serve.batch(max_batch_size=32, batch_wait_timeout_s=0.005)
            async def predict(self, records):
                rows = [[float(r[n]) for n in self.names] for r in records]
                labels = [int(x) for x in self.model.predict(rows)]
                return [{"prediction": x, "label": str(self.classes[x])} for x in labels]
            async def __call__(self, request):
                return await self.predict(await request.json())
        app = Predict.bind(*sys.argv[2:5])
    else:
        @serve.deployment(num_replicas=1, max_ongoing_requests=64)
        class Echo:
            async def __call__(self, request):
                return await request.json()
        app = Echo.bind()
    serve.run(app, route_prefix="/predict", name=work)
    print("Serving function 'ray' at http://127.0.0.1:%d/predict" % port, flush=True)
    threading.Event().wait()
except KeyboardInterrupt:
    pass
finally:
    serve.shutdown()
    ray.shutdown()
"""

# Importable stand-ins that fail: uvicorn's "auto" loop and HTTP parser then fall back to
# asyncio and h11, as without uvicorn[standard].
HIDE_UVLOOP = {
    "uvloop": "raise ImportError('hidden by the bench')",
    "httptools": "raise ImportError('hidden by the bench')",
}


class Server:
    """A server process and its route's URL, once it answers /ready (or / for bare apps)."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env or os.environ.copy()
        )
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
                    self.start_s = time.perf_counter() - t0
                    return
            except httpx2.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.url} never became ready")

    def stop(self) -> None:
        self.proc.send_signal(2)
        try:
            self.proc.wait(timeout=90)  # Ray shuts its processes down first
        except subprocess.TimeoutExpired:
            self.proc.kill()


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its live descendants: the
    server with its workers (for Ray: the driver, raylet, GCS, proxy and replica)."""
    tick, total, todo = os.sysconf("SC_CLK_TCK"), 0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
            for task in os.listdir(f"/proc/{current}/task"):
                todo += map(int, Path(f"/proc/{current}/task/{task}/children").read_text().split())
        except (OSError, IndexError, ValueError):  # it exited meanwhile
            continue
    return total / tick


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


def ray_argv(work: str, *args: str) -> list[str]:
    return [sys.executable, "-c", RAY_SERVE_APP, work, *args, str(free_port())]


def hiding_uvloop(folder: Path) -> dict[str, str]:
    """An environment whose Python cannot import uvloop or httptools."""
    for name, text in HIDE_UVLOOP.items():
        (folder / "hide" / name).mkdir(parents=True, exist_ok=True)
        (folder / "hide" / name / "__init__.py").write_text(text + "\n")
    path = os.pathsep.join(p for p in (str(folder / "hide"), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="per throughput round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-ray", dest="ray", action="store_false", help="skip Ray Serve")
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

        os.environ.setdefault("RAY_AUTH_MODE", "disabled")
        plain = hiding_uvloop(folder)
        direct = direct_p50(2000)
        rows: dict[str, list[float]] = {}
        ray_error = None if args.ray else "skipped (--no-ray)"
        for _ in range(args.rounds):
            for label, argv, env, c1 in (
                ("served echo", serve_argv(folder / "echo.ref"), None, True),
                ("bare echo", bare_argv("echo"), None, True),
                ("ray echo", ray_argv("echo"), None, True),
                ("served echo asyncio", serve_argv(folder / "echo.ref"), plain, "only"),
                ("bare echo asyncio", bare_argv("echo"), plain, "only"),
                ("served model", serve_argv(folder / "predict_batch.ref"), None, False),
                ("bare model", bare_argv("model", *model_args), None, False),
                ("ray model", ray_argv("model", *model_args), None, False),
            ):
                if label.startswith("ray") and ray_error:
                    continue
                try:
                    server = Server(argv, env)
                except RuntimeError as exc:
                    if not label.startswith("ray"):
                        raise
                    ray_error = str(exc)
                    continue
                try:
                    rows.setdefault(f"{label} start", []).append(server.start_s)
                    if c1:
                        rows.setdefault(f"{label} p50", []).append(
                            p50_sequential(server.url, RECORD, 300)
                        )
                    if c1 != "only":
                        cpu = tree_cpu(server.proc.pid)
                        rows.setdefault(f"{label} rps", []).append(
                            throughput(server.url, records, 16, args.requests)
                        )
                        cpu = tree_cpu(server.proc.pid) - cpu
                        # with throughput()'s warm-up: min(n, 20 x 16) requests first
                        sent = args.requests + min(args.requests, 20 * 16)
                        per_request = cpu / sent * 1e6
                        rows.setdefault(f"{label} cpu", []).append(per_request)
                finally:
                    server.stop()
    report(rows, direct, args.rounds, ray_error)


def report(rows: dict[str, list[float]], direct: float, rounds: int, ray_error: str | None) -> None:
    m = {k: statistics.median(v) for k, v in rows.items()}
    load = os.getloadavg()[0]
    overhead = m["served echo p50"] - direct
    print(f"{rounds} rounds, medians; load average {load:.1f} (2 cores, shared)")
    print("Concurrency 1, trivial function (echo), p50:")
    print(f"  direct in-process call        : {direct * 1000:8.1f} us")
    print(f"  served (function serve)       : {m['served echo p50']:8.2f} ms")
    print(f"  bare FastAPI app, in-process  : {m['bare echo p50']:8.2f} ms  (HTTP stack floor)")
    if "ray echo p50" in m:
        print(f"  Ray Serve, 1 replica          : {m['ray echo p50']:8.2f} ms")
    verdict = "met" if overhead <= 2 else "MISSED"
    print(f"  serving overhead              : {overhead:8.2f} ms  (target <= 2 ms: {verdict})")
    runtime = m["served echo p50"] - m["bare echo p50"]
    print(
        f"  of which beyond bare FastAPI  : {runtime:8.2f} ms  (validation, batching, worker IPC)"
    )
    print("  without uvloop/httptools (asyncio loop, h11):")
    print(f"    served                      : {m['served echo asyncio p50']:8.2f} ms")
    print(f"    bare FastAPI app            : {m['bare echo asyncio p50']:8.2f} ms")
    print("Concurrency 16, requests per second:")
    for work in ("echo", "model"):
        served, bare = m[f"served {work} rps"], m[f"bare {work} rps"]
        verdict = "met" if served >= bare else "MISSED"
        ray = m.get(f"ray {work} rps")
        shown = f", Ray Serve {ray:7.0f} (served/Ray {served / ray:4.2f}x)" if ray else ""
        print(
            f"  {work:5s}: served {served:7.0f}, bare FastAPI {bare:7.0f}, "
            f"ratio {served / bare:4.2f}x  (target >= 1x: {verdict}){shown}"
        )
    print("Concurrency 16, CPU per request of the server and its workers (us; the client's")
    print("share of the 2 cores is left out, so this is what decides throughput on a quiet host):")
    for work in ("echo", "model"):
        parts = [
            f"{who} {m[f'{who} {work} cpu']:6.0f}"
            for who in ("served", "bare", "ray")
            if f"{who} {work} cpu" in m
        ]
        print(f"  {work:5s}: " + ", ".join(parts))
    print("Start, process start to first answer (s):")
    for work in ("echo", "model"):
        parts = [
            f"{who} {m[f'{who} {work} start']:5.1f}"
            for who in ("served", "bare", "ray")
            if f"{who} {work} start" in m
        ]
        print(f"  {work:5s}: " + ", ".join(parts))
    if ray_error:
        print(f"Ray Serve: {ray_error}")


if __name__ == "__main__":
    main()
