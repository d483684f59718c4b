"""Run states for the DAG overlay, from the datastore: a live run's steps go pending ->
running -> succeeded in flow order, foreach sizes are known, and a watch writes nothing."""

from __future__ import annotations

import itertools
import shutil
import sys
from pathlib import Path
from typing import Any

from datastore_snapshot import snapshot
from mfstudio import query
from mfstudio.flowgraph import analyze_file
from mfstudio.launch.run_state import RunWatch, foreach_splits, run_state, watch_until_done
from mfstudio.launch.runner import RunCallbacks, start_run
from runs_fixture import QueryRuns, metaflow_env

ROOT = Path(__file__).resolve().parents[2]
LIVE_FLOW = ROOT / "test-fixtures" / "runs" / "live_flow.py"
ORDER = ["pending", "running", "succeeded"]


def test_a_live_run_lights_up_step_by_step(tmp_path: Path) -> None:
    flow_file = tmp_path / LIVE_FLOW.name
    shutil.copy(LIVE_FLOW, flow_file)
    flow = analyze_file(flow_file).flow("LiveFlow")
    assert foreach_splits(flow) == {"work": "start"}
    argv = [sys.executable, str(flow_file), "--no-pylint", "run", "--pause", "1"]
    ignore = RunCallbacks(lambda run, line: None, lambda run, code: None)
    run = start_run(argv, "LiveFlow", tmp_path, ignore, metaflow_env(tmp_path))
    while run.run is None and not run.finished:
        run.wait(0.05)
    assert run.run is not None
    backend = query.open_backend(tmp_path)
    watch = RunWatch(
        backend,
        run=run.run,
        splits=foreach_splits(flow),
        exit_code=lambda: run.return_code if run.finished else None,
    )
    states: list[dict[str, Any]] = []

    final = watch_until_done(watch, states.append, timeout=300)

    assert final is not None and final["status"] == "succeeded"
    assert run.return_code == 0
    steps = ["start", "work", "join", "end"]
    seen = {step: [] for step in steps}  # type: dict[str, list[str]]
    for state in states:
        for step in steps:
            status = state["steps"].get(step, {"status": "pending"})["status"]
            if not seen[step] or seen[step][-1] != status:
                seen[step].append(status)
    for step in steps:
        order = [ORDER.index(s) for s in seen[step]]
        assert order == sorted(order), f"{step} went {seen[step]}"
        assert seen[step][-1] == "succeeded"
    # each step was seen running (every step sleeps longer than a poll)
    assert all("running" in seen[step] for step in ("start", "work", "end")), seen
    # a step runs only after the one before it succeeded
    for before, after in itertools.pairwise(steps):
        first_running = next(i for i, s in enumerate(states) if after in s["steps"])
        assert states[first_running]["steps"][before]["status"] == "succeeded"
    work = final["steps"]["work"]
    assert work == {
        "status": "succeeded",
        "tasks": {"running": 0, "succeeded": 3, "failed": 0},
        "expected": 3,
    }


def test_a_failed_run_and_a_watch_that_writes_nothing(query_runs: QueryRuns) -> None:
    before = snapshot(query_runs.metaflow_dir)
    backend = query.open_backend(query_runs.root)
    flow = analyze_file(query_runs.root / "query_flow.py").flow("QueryFlow")

    watch = RunWatch(backend, run=query_runs.failed_run, splits=foreach_splits(flow))
    state = watch.poll()

    assert state is not None and state["status"] == "failed"
    assert state["run"] == query_runs.failed_run
    work = state["steps"]["work"]
    assert work["status"] == "failed" and work["tasks"]["failed"] == 1
    assert work["tasks"]["running"] == 0
    assert "end" not in state["steps"], "steps the run never reached stay pending"
    assert watch.poll() is None, "an unchanged run sends nothing"
    assert not watch.live
    assert snapshot(query_runs.metaflow_dir) == before


def test_newest_run_of_a_flow_and_an_ended_process(query_runs: QueryRuns) -> None:
    backend = query.open_backend(query_runs.root)
    newest = query.list_runs("QueryFlow", limit=1, backend=backend).runs[0].pathspec
    state = RunWatch(backend, flow="QueryFlow").poll()
    assert state is not None and state["run"] == newest

    summary = query.run_summary(query_runs.ok_run, backend=backend)
    summary.run.status = "running"  # as a cancelled run's files say: tasks never finished
    summary.steps[-1].tasks = {"running": 1, "succeeded": 0, "failed": 0}
    ended = run_state(summary, exit_code=-2)
    assert ended["status"] == "failed"
    last = ended["steps"][summary.steps[-1].name]
    assert last["status"] == "failed" and last["tasks"]["running"] == 0
    assert run_state(summary)["status"] == "running"
