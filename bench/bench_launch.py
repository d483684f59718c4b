"""Launching a flow from the editor against typing ``python flow.py run`` in a terminal.

Same flow, same arguments, alternating (these machines are noisy):

- terminal: ``python live_flow.py --no-pylint run ...`` as a plain subprocess, timed from
  start to exit;
- editor: ``metaflow/launchRun`` through a real language server over stdio, timed from
  the request to the ``metaflow/runOutput`` that carries the exit code, with the run-state
  watch polling the datastore the whole time (what the DAG panel shows);
- DAG state latency: for every task of the editor's runs, from the moment the task ended
  (its ``N.DONE.lock``, written as the task process exits) to the arrival of the first
  ``metaflow/runState`` showing that step with the task done.

Targets (issue 4): editor launch at most 10% more wall time; state latency at most 1 s.
Prints numbers; asserts nothing. Run: ``.venv/bin/python bench/bench_launch.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "lsp")]

from lsp_harness import LspSession, _plain, uri_for  # noqa: E402
from runs_fixture import metaflow_env  # noqa: E402

LIVE_FLOW = ROOT / "test-fixtures" / "runs" / "live_flow.py"
PARAMS = {"pause": 0.5, "width": 3}


class Recorder(LspSession):
    """A stdio session stamping each run notification with its arrival time."""

    def __init__(self, workspace: Path) -> None:
        super().__init__(workspace)
        self.outputs: list[tuple[float, dict[str, Any]]] = []
        self.states: list[tuple[float, dict[str, Any]]] = []

        @self.client.feature("metaflow/runOutput")
        def on_output(params: Any) -> None:
            self.outputs.append((time.time(), _plain(params)))

        @self.client.feature("metaflow/runState")
        def on_state(params: Any) -> None:
            self.states.append((time.time(), _plain(params)))


def terminal_run(folder: Path) -> float:
    argv = [sys.executable, LIVE_FLOW.name, "--no-pylint", "run"]
    for name, value in PARAMS.items():
        argv += [f"--{name}", str(value)]
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=folder, env=metaflow_env(folder), capture_output=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(done.stdout.decode() + done.stderr.decode())
    return elapsed


def editor_run(session: Recorder, uri: str) -> tuple[float, str]:
    values = {"params": PARAMS, "tags": [], "max_workers": None, "with_specs": []}
    values |= {"target": "local", "target_options": {}}
    started = time.perf_counter()
    answer = session.request("metaflow/launchRun", {"uri": uri, "values": values})
    launch_id = answer["launch_id"]

    def ended() -> bool:
        mine = [o for _, o in session.outputs if o["launch_id"] == launch_id]
        return any(o["exit_code"] is not None for o in mine)

    if not session.wait_until(ended, 300):
        raise SystemExit("the editor's run did not end within 300 s")
    elapsed = time.perf_counter() - started
    last = [o for _, o in session.outputs if o["launch_id"] == launch_id][-1]
    if last["exit_code"] != 0:
        raise SystemExit(f"the editor's run failed: {last}")
    session.settle(1.5)  # the final state follows the exit
    return elapsed, last["run"]


def state_latencies(session: Recorder, folder: Path, run: str) -> list[float]:
    """Per finished task: first runState showing its step with that many tasks done, minus
    the mtime of the task's DONE.lock (the moment it ended)."""
    flow, run_id = run.split("/")
    states = [(t, s["state"]) for t, s in session.states if s["state"]["run"] == run]
    latencies = []
    run_dir = folder / ".metaflow" / flow / run_id
    for step_dir in sorted(p for p in run_dir.iterdir() if not p.name.startswith("_")):
        finished = sorted(
            max(f.stat().st_mtime for f in task.glob("*.DONE.lock"))
            for task in step_dir.iterdir()
            if task.is_dir() and any(task.glob("*.DONE.lock"))
        )
        for index, written in enumerate(finished, start=1):
            shown = next(
                (
                    t
                    for t, state in states
                    if state["steps"].get(step_dir.name, {}).get("tasks", {}).get("succeeded", 0)
                    >= index
                ),
                None,
            )
            if shown is not None:
                latencies.append(shown - written)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs of each kind")
    args, _ = parser.parse_known_args()
    with tempfile.TemporaryDirectory(prefix="mfstudio-bench-launch-") as tmp:
        folder = Path(tmp)
        shutil.copy(LIVE_FLOW, folder / LIVE_FLOW.name)
        (folder / ".metaflow").mkdir()
        os.environ.update(metaflow_env(folder))  # the server and its runs: same datastore
        session = Recorder(folder)
        session.start()
        try:
            uri = uri_for(folder / LIVE_FLOW.name)
            session.open(uri, (folder / LIVE_FLOW.name).read_text())
            terminal: list[float] = []
            editor: list[float] = []
            latencies: list[float] = []
            for _ in range(args.runs):
                terminal.append(terminal_run(folder))
                elapsed, run = editor_run(session, uri)
                editor.append(elapsed)
                latencies += state_latencies(session, folder, run)
        finally:
            session.stop()
    t, e = statistics.median(terminal), statistics.median(editor)
    print(f"LiveFlow {PARAMS}, {args.runs} runs each (median)")
    print(f"  terminal `python flow.py run`: {t:.2f} s  {[round(x, 2) for x in terminal]}")
    print(f"  editor metaflow/launchRun:     {e:.2f} s  {[round(x, 2) for x in editor]}")
    print(f"  ratio editor/terminal: {e / t:.3f} (target <= 1.10)")
    if latencies:
        ordered = sorted(latencies)
        p50 = statistics.median(ordered)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        print(
            f"  DAG state after a task finished: p50 {p50:.2f} s, p95 {p95:.2f} s, "
            f"max {ordered[-1]:.2f} s over {len(ordered)} tasks (target <= 1 s)"
        )


if __name__ == "__main__":
    main()
