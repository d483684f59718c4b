"""Benchmark: the standalone UI server (issue 5's targets), each number beside its peer
measured in the same run. Numbers only, never assertions.

1. Start to first page: ``mfstudio ui`` spawned -> ``GET /`` answered (p50 of 5), beside
   a fresh process importing ``metaflow.client`` (what a client-based server pays before
   it can answer anything). Target: under 1 s.
2. ``/api/runs`` page latency over HTTP for a flow with 5,000 runs (the cached
   ``runs-5000`` fixture of bench/query_fixtures.py; built on first use, ~10 min), newest
   page and a page deep in the list, beside ``list(islice(Flow(F), 20))`` in a warm client
   process. Target: at most 50 ms.
3. Server RSS after paging through all 5,000 runs. Target: at most 200 MB.
4. Task finished -> event: a real run of test-fixtures/ui/sleepy_flow.py followed by a
   ``run`` subscription (file watching) and, in the same run, by launch/run_state.py's
   polling ``RunWatch`` (every 0.4 s); for each step, the time from its last task's end
   (``0.task_end`` written) to each one reporting the step succeeded. Target: at most 1 s.

Run: ``.venv/bin/python bench/bench_ui_server.py``.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx2
from mfstudio import query
from mfstudio.launch.run_state import RunWatch, watch_until_done
from query_fixtures import (
    CLIENT_IMPORTS,
    ROOT,
    bench_env,
    fresh_client_cache,
    machine,
    many_runs,
    p50,
    ratio_line,
    timed_subprocess,
)
from websockets.sync.client import connect

SLEEPY_FLOW = ROOT / "test-fixtures" / "ui" / "sleepy_flow.py"
_URL = re.compile(r"(http://\S+)")


def cpu_ms(pid: int) -> float:
    """CPU time (user + system) ``pid`` has used so far, in ms."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def start_server(
    root: Path, assets: Path | None = None
) -> tuple[subprocess.Popen[str], str, float]:
    """``mfstudio ui`` on ``root`` (serving the bundle in ``assets`` when given); returns
    it, its base URL and ms until ``/`` answered."""
    env = bench_env(root)
    if assets is not None:
        env["MFSTUDIO_UI_ASSETS"] = str(assets)
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mfstudio.cli",
            "ui",
            "--no-browser",
            "--port",
            "0",
            "--root",
            str(root),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    match = _URL.search(process.stdout.readline())
    assert match is not None
    base = match.group(1).rstrip("/")
    with httpx2.Client(timeout=30) as http:
        while True:
            try:
                if http.get(base + "/").status_code in (200, 503):
                    break
            except httpx2.TransportError:
                time.sleep(0.005)
    return process, base, (time.perf_counter() - started) * 1000


def stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(2)
    process.wait(timeout=30)


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of ``pid`` in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def bench_startup(root: Path) -> None:
    """Wall time, and the CPU time the process used (what a busy machine does not inflate),
    from spawn to the first page; the peer: a process that only imports metaflow.client."""
    ours: list[tuple[float, float]] = []
    for _ in range(5):
        process, _, ms = start_server(root)
        ours.append((ms, cpu_ms(process.pid)))
        stop(process)
    peer: list[tuple[float, float]] = []
    for _ in range(5):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", CLIENT_IMPORTS], env=bench_env(root), check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000
        peer.append(((time.perf_counter() - started) * 1000, cpu))
    line = ratio_line("mfstudio ui vs importing metaflow.client", p50(ours), p50(peer), "< 1000 ms")
    print("1. start to first page (spawn -> GET / answered), p50 of 5:")
    print("   " + line)


def bench_runs_page(fixture_root: Path, flow: str) -> None:
    process, base, _ = start_server(fixture_root)
    try:
        with httpx2.Client(base_url=base, timeout=60) as http:
            first = http.get(f"/api/runs?flow={flow}&limit=20").json()
            newest = []
            for _ in range(20):
                t0 = time.perf_counter()
                http.get(f"/api/runs?flow={flow}&limit=20").raise_for_status()
                newest.append((time.perf_counter() - t0) * 1000)
            cursor, pages, deep = first["next_cursor"], 1, []
            while cursor:
                t0 = time.perf_counter()
                page = http.get(f"/api/runs?flow={flow}&limit=20&cursor={cursor}").json()
                deep.append((time.perf_counter() - t0) * 1000)
                cursor, pages = page["next_cursor"], pages + 1
            current, peak = rss_mb(process.pid)
    finally:
        stop(process)
    setup = f"FLOW = {flow!r}"
    client = timed_subprocess(
        fixture_root,
        CLIENT_IMPORTS + "\nfrom itertools import islice",
        setup,
        "list(islice(Flow(FLOW), 20))",
        calls=3,
        client_cache=fresh_client_cache(),
    )
    ours = p50([(ms, ms) for ms in newest])
    print(f"2. /api/runs, 20 runs of {flow} (5,000 runs), over HTTP:")
    print(
        "   " + ratio_line("newest page", ours, client["calls"][-1], "<= 50 ms").split("; CPU")[0]
    )
    deep_p50 = sorted(deep)[len(deep) // 2]
    print(f"   every page by cursor ({pages} pages): p50 {deep_p50:.1f} ms, max {max(deep):.1f} ms")
    print(
        f"3. server RSS after paging all {pages * 20:,} runs: {current:.0f} MB "
        f"(peak {peak:.0f} MB); target <= 200 MB"
    )


def bench_live() -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-ui-live-"))
    try:
        flow_file = root / SLEEPY_FLOW.name
        shutil.copy(SLEEPY_FLOW, flow_file)
        (root / ".metaflow").mkdir()
        run = subprocess.Popen(
            [
                sys.executable,
                str(flow_file),
                "--no-pylint",
                "--quiet",
                "run",
                "--pause",
                "1",
                "--run-id-file",
                "run.id",
            ],
            cwd=root,
            env=bench_env(root),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while not (root / "run.id").exists() or not (root / ".metaflow" / "SleepyFlow").exists():
            time.sleep(0.02)
        run_id = (root / "run.id").read_text().strip()
        pathspec = f"SleepyFlow/{run_id}"
        process, base, _ = start_server(root)
        watched: list[tuple[float, dict[str, Any]]] = []
        polled: list[tuple[float, dict[str, Any]]] = []
        backend = query.open_backend(root)
        poller = threading.Thread(
            target=watch_until_done,
            args=(RunWatch(backend, run=pathspec), lambda s: polled.append((time.time(), s)), 300),
        )
        poller.start()
        try:
            ws_url = base.replace("http://", "ws://") + "/ws"
            with connect(ws_url) as ws:
                ws.send(
                    json.dumps({"type": "subscribe", "id": "r", "topic": "run", "run": pathspec})
                )
                while True:
                    message = json.loads(ws.recv(timeout=300))
                    if message["type"] == "error":
                        time.sleep(0.1)  # the run's folder is not there yet
                        ws.send(
                            json.dumps(
                                {"type": "subscribe", "id": "r", "topic": "run", "run": pathspec}
                            )
                        )
                        continue
                    watched.append((time.time(), message["state"]))
                    if message["state"]["status"] != "running":
                        break
        finally:
            stop(process)
            poller.join()
            run.wait(timeout=300)
        ends = step_ends(root / ".metaflow" / "SleepyFlow" / run_id)
        ours = latencies(ends, watched)
        theirs = latencies(ends, polled)
        print("4. task finished -> state reported (s), per step: file watching vs polling 0.4 s")
        for step in ends:
            print(f"   {step:6} {fmt(ours.get(step))} vs {fmt(theirs.get(step))}")
        worst = max(v for v in ours.values() if v is not None)
        print(f"   worst with file watching {worst:.2f} s; target <= 1 s")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def step_ends(run_dir: Path) -> dict[str, float]:
    """Step -> when its last task ended: its ``0.task_end`` was written (the task's own
    verdict follows within milliseconds; the runtime's ``0.runtime`` comes later)."""
    ends: dict[str, float] = {}
    for step in ("start", "work", "join", "end"):
        files = list((run_dir / step).glob("*/0.task_end"))
        ends[step] = max(os.stat(f).st_mtime for f in files)
    return ends


def latencies(
    ends: dict[str, float], seen: list[tuple[float, dict[str, Any]]]
) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for step, end in ends.items():
        first = next(
            (t for t, s in seen if s["steps"].get(step, {}).get("status") == "succeeded"), None
        )
        out[step] = None if first is None else first - end
    return out


def fmt(value: float | None) -> str:
    return "never" if value is None else f"{value:5.2f}"


def main() -> None:
    print(f"machine: {machine()}")
    fixture = many_runs(5000)
    bench_startup(fixture.root)
    bench_runs_page(fixture.root, fixture.target)
    bench_live()


if __name__ == "__main__":
    main()
