"""Benchmark: the standalone UI as the browser sees it (issue 5's page targets), each number
beside a peer measured in the same run. Numbers only, never assertions.

1. Runs page first paint for a flow with 5,000 runs: the real ``mfstudio ui`` on the cached
   ``runs-5000`` fixture (bench/query_fixtures.py; this benchmark never builds it: run
   ``python bench/query_fixtures.py`` once, ~10 min), navigation start -> the frame after
   the first page (50 runs) drew, in a fresh browser context each time. Peer: what a page
   fed by ``metaflow.client`` waits for the same 50 runs before it can draw anything
   (``list(islice(Flow(F), 50))`` in a warm client process). Target: at most 300 ms.
2. The ``/api/runs`` page as the browser timed it: fetched again by the idle page, and
   during the page load (Resource Timing: request start -> response end), beside the same
   client listing. Target: at most 50 ms.
3. A 200-step DAG rendered: the dev page's synthetic ``BigFlow`` run (media/dev/synthetic.ts;
   the same renderer and run view as the server's page), the DAG view's own layout + draw
   time (JavaScript) and until the frame was painted, beside the incremental path a live
   ``run`` event takes (classes and the steps table, no relayout): one step finished, and
   the worst case of every step changing at once. Target: at most 200 ms.
4. Task finished -> UI updated, in the browser: a real run of test-fixtures/ui/sleepy_flow.py
   watched on its run page; for each step, its last task's end (``0.task_end`` written) ->
   the frame after its DAG node turned succeeded. Peer in the same run: launch/run_state.py's
   ``RunWatch`` polling every 0.4 s (no browser, so it shows what file watching buys).
   Target: at most 1 s.

Run: ``.venv/bin/python bench/bench_ui.py`` (needs ``npm run build --workspace media``).
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx2
from bench_ui_server import SLEEPY_FLOW, fmt, latencies, start_server, step_ends, stop
from mfstudio import query
from mfstudio.launch.run_state import RunWatch, watch_until_done
from query_fixtures import (
    CLIENT_IMPORTS,
    ROOT,
    Fixture,
    bench_env,
    cache_root,
    fresh_client_cache,
    machine,
    many_runs,
    timed_subprocess,
)

PROBE = ROOT / "bench" / "ui_browser_probe.mjs"
DEV_PAGE = ROOT / "media" / "dev" / "ui.html"
DEV_BUNDLE = ROOT / "media" / "dist" / "ui-dev.js"
BIG_RUN = "BigFlow/1799999999999"  # media/dev/ui-dev.ts: a run of the 200-step graph
PAGE_ROWS = 50  # the runs page's page size (media/src/ui/app.ts)
PAUSE_S = 3  # each SleepyFlow step sleeps this long: the page is open before start ends


def probe(mode: str, **args: Any) -> dict[str, Any]:
    """One measurement of bench/ui_browser_probe.mjs in Chromium; its JSON answer."""
    done = subprocess.run(
        ["node", str(PROBE), mode, json.dumps(args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ui_browser_probe.mjs {mode} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def median(values: list[float]) -> float:
    return statistics.median(values)


def ratio(ours: float, peer: float) -> str:
    """How many times ``ours`` fits in ``peer`` (above 1: ours is cheaper)."""
    return f"{peer / ours:,.1f}x" if ours > 0 else "inf"


def runs_fixture() -> Fixture | None:
    """The cached 5,000-run fixture, or None when it was never built (never built here)."""
    if not (cache_root() / "runs-5000" / "fixture.json").exists():
        return None
    return many_runs(5000)


def client_listing_ms(fixture: Fixture) -> float:
    """``list(islice(Flow(F), 50))`` in a client process, warm (the third call), in ms."""
    client = timed_subprocess(
        fixture.root,
        CLIENT_IMPORTS + "\nfrom itertools import islice",
        f"FLOW = {fixture.target!r}",
        f"list(islice(Flow(FLOW), {PAGE_ROWS}))",
        calls=3,
        client_cache=fresh_client_cache(),
    )
    return float(client["calls"][-1][0])


def bench_runs_page(fixture: Fixture) -> None:
    process, base, _ = start_server(fixture.root)
    try:
        result = probe("runs-page", url=base, flow=fixture.target, rows=PAGE_ROWS, repeat=7)
    finally:
        stop(process)
    client = client_listing_ms(fixture)
    paint, api, asked = result["paint_ms"], result["api_ms"], result["asked_ms"]
    idle = result["idle_api_ms"]
    first, warm = paint[0], median(paint[1:])
    print(f"1. runs page of {fixture.target} (5,000 runs), first paint of {PAGE_ROWS} rows:")
    print(
        f"   p50 {warm:,.0f} ms (first load after the server started: {first:,.0f} ms) vs "
        f"metaflow.client listing the same runs, warm: {client:,.0f} ms before any drawing "
        f"(client / ours = {ratio(warm, client)}; target <= 300 ms)"
    )
    print(f"   of which: the page asks for the runs {median(asked):,.0f} ms after navigation")
    print(f"2. /api/runs page of {PAGE_ROWS} runs as the browser timed it:")
    print(
        f"   from the idle page: p50 {median(idle):,.1f} ms of {len(idle)} vs client "
        f"{client:,.0f} ms (client / ours = {ratio(median(idle), client)}; target <= 50 ms)"
    )
    print(
        f"   during the page load (the script, /api/flows and the runs subscription "
        f"compete): p50 {median(api):,.1f} ms, max {max(api):,.1f} ms"
    )


def bench_dag() -> None:
    if not DEV_BUNDLE.exists():
        print("3. 200-step DAG: skipped, no media/dist/ui-dev.js (npm run build --workspace media)")
        return
    result = probe("dag", url=DEV_PAGE.as_uri(), run=BIG_RUN, repeat=7)
    p = {key: median(values) for key, values in result.items() if isinstance(values, list)}
    print(f"3. DAG of {result['nodes']} steps on the run page, p50 of {len(result['render_ms'])}:")
    print(
        f"   full layout + draw {p['render_ms']:,.1f} ms of JavaScript (target <= 200 ms), "
        f"{p['render_painted_ms']:,.1f} ms until painted"
    )
    print(
        f"   a live run event (one step finished, the next running): "
        f"{p['update_one_ms']:,.1f} ms of JavaScript, {p['update_one_painted_ms']:,.1f} ms "
        f"until painted = {ratio(p['update_one_painted_ms'], p['render_painted_ms'])} "
        "cheaper than a full re-render"
    )
    worst = ratio(p["update_all_painted_ms"], p["render_painted_ms"])
    print(
        f"   worst case, every step's state changing in one event: "
        f"{p['update_all_ms']:,.1f} ms of JavaScript, {p['update_all_painted_ms']:,.1f} ms "
        f"until painted (a full re-render / this = {worst})"
    )


def wait_for_run(base: str, pathspec: str, timeout_s: float = 120) -> None:
    """Until the server can answer for the run (its first files are written)."""
    deadline = time.time() + timeout_s
    with httpx2.Client(timeout=30) as http:
        while http.get(f"{base}/api/run/{pathspec}").status_code != 200:
            if time.time() > deadline:
                raise RuntimeError(f"{pathspec} never appeared")
            time.sleep(0.05)


def bench_live() -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-ui-browser-"))
    try:
        flow_file = root / SLEEPY_FLOW.name
        shutil.copy(SLEEPY_FLOW, flow_file)
        (root / ".metaflow").mkdir()
        process, base, _ = start_server(root)
        run = subprocess.Popen(
            [
                *(sys.executable, str(flow_file), "--no-pylint", "--quiet", "run"),
                *("--pause", str(PAUSE_S), "--run-id-file", "run.id"),
            ],
            cwd=root,
            env=bench_env(root),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        polled: list[tuple[float, dict[str, Any]]] = []
        try:
            while not (root / "run.id").exists() or not (root / "run.id").read_text().strip():
                time.sleep(0.02)
            run_id = (root / "run.id").read_text().strip()
            pathspec = f"SleepyFlow/{run_id}"
            wait_for_run(base, pathspec)
            poller = threading.Thread(
                target=watch_until_done,
                args=(
                    RunWatch(query.open_backend(root), run=pathspec),
                    lambda s: polled.append((time.time(), s)),
                    300,
                ),
            )
            poller.start()
            browser = probe("live", url=base, run=pathspec, timeout_s=300)
            poller.join()
            run.wait(timeout=300)
        finally:
            if run.poll() is None:
                run.kill()
            stop(process)
        ends = step_ends(root / ".metaflow" / "SleepyFlow" / run_id)
        theirs = latencies(ends, polled)
        painted: dict[str, float] = browser["painted"]
        opened: float = browser["opened"]
        print("4. task finished -> UI updated (s), per step: the browser vs polling every 0.4 s")
        worst = 0.0
        for step, end in ends.items():
            if end < opened:
                print(f"   {step:6} ended before the page opened")
                continue
            ours = painted[step] - end if step in painted else None
            worst = max(worst, ours or 0.0)
            print(
                f"   {step:6} {fmt(ours)} (browser, painted) vs {fmt(theirs.get(step))} (polling)"
            )
        print(f"   worst in the browser {worst:.2f} s; target <= 1 s")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    print(f"machine: {machine()}")
    fixture = runs_fixture()
    if fixture is None:
        print(
            "1-2. runs page: skipped, the runs-5000 fixture is not cached "
            "(build it once: .venv/bin/python bench/query_fixtures.py, ~10 min)"
        )
    else:
        bench_runs_page(fixture)
    bench_dag()
    bench_live()


if __name__ == "__main__":
    main()
