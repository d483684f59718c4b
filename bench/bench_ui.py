"""Benchmark: the standalone UI as the browser sees it (issue 5's page targets), each number
beside a peer measured in the same run. Numbers only, never assertions.

1. Runs page first paint for a flow with 5,000 runs: the real ``mfstudio ui`` on the cached
   ``runs-5000`` fixture (bench/query_fixtures.py; this benchmark never builds it: run
   ``python bench/query_fixtures.py`` once, ~10 min), navigation start -> the frame after the
   first 25 rows (a screenful, the first request) and all 50 rows (the first page) drew, in
   a fresh browser context each time, with where the time went (HTML, scripts, the runs
   request asked and answered). Peers in the same run: the page before the first-paint work
   (the whole app in one classic script, no boot script, no preloads), served by a second
   server on the same datastore, loads alternated; and what a page fed by
   ``metaflow.client`` waits for 50 runs before it can draw anything
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

Run: ``.venv/bin/python bench/bench_ui.py [--only runs-page|dag|live]`` (needs ``npm run
build --workspace media``).
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
PAGE_ROWS = 50  # the runs page's page size (RUNS_PAGE_SIZE, media/src/ui/router.ts)
SCREENFUL = 25  # its first request, drawn first (RUNS_FIRST_PAGE): 1280x900 shows ~20 rows
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


def single_bundle_assets(folder: Path) -> Path:
    """The page before the first-paint work, as a peer: the whole app in one classic script
    (dist/ui.js, what the VS Code webviews load), no boot script starting the first
    requests, nothing preloaded; served by the same server code from ``folder``."""
    dist = ROOT / "media" / "dist"
    for name in ("ui.js", "ui.css"):
        shutil.copy(dist / name, folder / name)
    (folder / "ui-boot.js").write_text("/* no prefetch */\n")
    shell = {"script": "ui.js", "preload": [], "style": "ui.css", "boot": "ui-boot.js"}
    (folder / "ui-shell.json").write_text(json.dumps(shell))
    return folder


def p50(values: list[float]) -> str:
    return f"{median(values):,.0f}"


def first_loads_dropped(result: dict[str, list[float]]) -> dict[str, list[float]]:
    """Per-load series without the first load (the server's cold datastore reads)."""
    per_load = ("screenful_ms", "paint_ms", "asked_ms", "answered_ms", "html_ms", "scripts_ms")
    return {key: result[key][1:] for key in per_load}


def bench_runs_page(fixture: Fixture) -> None:
    before = Path(tempfile.mkdtemp(prefix="bench-ui-single-"))
    ours, base, _ = start_server(fixture.root)
    peer, peer_base, _ = start_server(fixture.root, assets=single_bundle_assets(before))
    try:
        urls = {"split": base, "single": peer_base}
        result = probe(
            "runs-page",
            urls=urls,
            flow=fixture.target,
            rows=PAGE_ROWS,
            screenful=SCREENFUL,
            repeat=9,
        )
    finally:
        stop(ours)
        stop(peer)
        shutil.rmtree(before, ignore_errors=True)
    client = client_listing_ms(fixture)
    new, old = result["split"], result["single"]
    # The first load of each server reads the datastore cold: reported on its own.
    warm, old_warm = first_loads_dropped(new), first_loads_dropped(old)
    faster = ratio(median(warm["paint_ms"]), median(old_warm["paint_ms"]))
    print(f"1. runs page of {fixture.target} (5,000 runs), navigation -> rows painted:")
    print(
        f"   first {SCREENFUL} rows (a screenful) p50 {p50(warm['screenful_ms'])} ms, all "
        f"{PAGE_ROWS} p50 {p50(warm['paint_ms'])} ms (first load after the server started: "
        f"{new['paint_ms'][0]:,.0f} ms); the single-bundle page, loads alternated: "
        f"{p50(old_warm['screenful_ms'])} and {p50(old_warm['paint_ms'])} ms (single / split "
        f"= {faster}); metaflow.client listing {PAGE_ROWS} runs, warm: {client:,.0f} ms before "
        "any drawing (target <= 300 ms)"
    )
    for name, parts in (("split + boot", warm), ("single bundle", old_warm)):
        print(
            f"   {name:13}: HTML in {p50(parts['html_ms'])} ms, /api/runs asked at "
            f"{p50(parts['asked_ms'])} and answered at {p50(parts['answered_ms'])} ms, scripts "
            f"in at {p50(parts['scripts_ms'])} ms, {SCREENFUL} rows painted at "
            f"{p50(parts['screenful_ms'])} ms"
        )
    print(f"2. /api/runs page of {PAGE_ROWS} runs as the browser timed it:")
    idle = new["idle_api_ms"] + old["idle_api_ms"]
    print(
        f"   from the idle page: p50 {median(idle):,.1f} ms of {len(idle)} vs client "
        f"{client:,.0f} ms (client / ours = {ratio(median(idle), client)}; target <= 50 ms)"
    )
    print(
        f"   during the page load: p50 {median(new['api_ms']):,.1f} ms (single bundle: "
        f"{median(old['api_ms']):,.1f} ms), max {max(new['api_ms']):,.1f} ms"
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
    """``--only runs-page|dag|live`` runs one part (the others take minutes)."""
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    print(f"machine: {machine()}")
    fixture = runs_fixture()
    if only in (None, "runs-page"):
        if fixture is None:
            print(
                "1-2. runs page: skipped, the runs-5000 fixture is not cached "
                "(build it once: .venv/bin/python bench/query_fixtures.py, ~10 min)"
            )
        else:
            bench_runs_page(fixture)
    if only in (None, "dag"):
        bench_dag()
    if only in (None, "live"):
        bench_live()


if __name__ == "__main__":
    main()
