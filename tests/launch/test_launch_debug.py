""" "Debug step": the task chosen from real runs, and a real debugpy session through the
adapter that stops at a breakpoint in the step body with the original run's inputs."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from dap import DapSession
from mfstudio.flowgraph import Flow, analyze_file
from mfstudio.launch import LaunchError
from mfstudio.launch.debug import debugpy_launch, launch_configurations, plan_debug
from mfstudio.query import failures, list_runs, open_backend, tasks
from runs_fixture import QUERY_FLOW, QueryRuns, metaflow_env


def query_flow(path: Path = QUERY_FLOW) -> Flow:
    flow = analyze_file(str(path)).flow("QueryFlow")
    assert flow is not None
    return flow


def test_debug_step_picks_a_failed_task_of_the_newest_run_first(query_runs: QueryRuns) -> None:
    backend = open_backend(query_runs.root)
    plan = plan_debug(query_flow(), QUERY_FLOW, "work", backend)
    newest = list_runs("QueryFlow", limit=1, backend=backend).runs[0]
    work = tasks(f"{newest.pathspec}/work", backend=backend).tasks
    assert plan.mode == "spin" and plan.task is not None
    assert plan.task.startswith(newest.pathspec + "/work/")
    failed = [t.pathspec for t in work if t.status == "failed"]
    if failed:
        assert plan.task == failed[0] and "failed" in plan.why
    assert plan.args == ["--no-pylint", "spin", plan.task.split("/", 1)[1]]


def test_without_a_run_of_the_step_it_debugs_the_whole_run(tmp_path: Path) -> None:
    (tmp_path / ".metaflow").mkdir()
    plan = plan_debug(query_flow(), QUERY_FLOW, "join", open_backend(tmp_path))
    assert plan.mode == "run"
    assert plan.args == ["--no-pylint", "run", "--max-workers", "1"]
    assert "no run of QueryFlow has run join yet" in plan.why


def test_unknown_and_parallel_steps_are_refused_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / ".metaflow").mkdir()
    with pytest.raises(LaunchError, match="QueryFlow has no step 'wrok'"):
        plan_debug(query_flow(), QUERY_FLOW, "wrok", open_backend(tmp_path))
    source = tmp_path / "par.py"
    source.write_text(
        "from metaflow import FlowSpec, step, parallel\n"
        "class ParFlow(FlowSpec):\n"
        "    @step\n    def start(self):\n        self.next(self.train, num_parallel=2)\n"
        "    @parallel\n    @step\n    def train(self):\n        self.next(self.join)\n"
        "    @step\n    def join(self, inputs):\n        self.next(self.end)\n"
        "    @step\n    def end(self):\n        pass\n"
    )
    flow = analyze_file(str(source)).flow("ParFlow")
    assert flow is not None
    with pytest.raises(LaunchError, match="@parallel step"):
        plan_debug(flow, source, "train", open_backend(tmp_path))
    names = [c["name"] for c in launch_configurations(flow, "${workspaceFolder}/par.py")]
    assert "ParFlow: debug step train" not in names and "ParFlow: debug run" in names


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def runs_copy(query_runs: QueryRuns, tmp_path: Path) -> QueryRuns:
    """A copy of the shared runs: spin reads them and writes .metaflow_spin beside them."""
    root = tmp_path / "runs"
    shutil.copytree(query_runs.root, root)
    return QueryRuns(root, query_runs.ok_run, query_runs.failed_run)


@pytest.fixture
def adapter(runs_copy: QueryRuns) -> Iterator[int]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "debugpy.adapter", "--host", "127.0.0.1", "--port", str(port)],
        env=metaflow_env(runs_copy.root),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield port
    proc.kill()
    proc.wait(timeout=30)


INIT = {
    "adapterID": "debugpy",
    "clientID": "mfstudio-test",
    "linesStartAt1": True,
    "columnsStartAt1": True,
    "pathFormat": "path",
}


@pytest.mark.slow
def test_a_breakpoint_in_the_step_body_is_hit_with_the_original_inputs(
    runs_copy: QueryRuns, adapter: int
) -> None:
    query_runs = runs_copy
    # The flow file next to the runs (spin re-imports it), never the fixture itself.
    flow_file = query_runs.root / "query_flow.py"
    backend = open_backend(query_runs.root)
    report = failures(query_runs.failed_run, backend=backend)
    item4 = next(f.pathspec for f in report.failures if f.exception_type == "builtins.RuntimeError")
    plan = plan_debug(query_flow(flow_file), flow_file, "work", backend, task=item4)
    line = next(
        i
        for i, text in enumerate(flow_file.read_text().splitlines(), 1)
        if "self.x = self.input" in text
    )
    launch = debugpy_launch(plan, sys.executable, query_runs.root)
    launch.update(console="internalConsole", env=metaflow_env(query_runs.root))
    breakpoints = {"source": {"path": str(flow_file)}, "breakpoints": [{"line": line}]}

    root = DapSession("127.0.0.1", adapter, "root")
    child = None
    try:
        root.request("initialize", INIT)
        launched = root.send("launch", launch)
        root.wait_event("initialized")
        root.request("setBreakpoints", breakpoints)
        root.request("configurationDone")
        assert root.response(launched)["success"]
        attach = root.wait_event("debugpyAttach", 120)["body"]  # the task's child process
        child = DapSession(attach["connect"]["host"], attach["connect"]["port"], "task")
        child.request("initialize", INIT)
        child.send("attach", attach)
        child.wait_event("initialized")
        child.request("setBreakpoints", breakpoints)
        child.request("configurationDone")
        stopped = child.wait_event("stopped", 120)["body"]
        assert stopped["reason"] == "breakpoint"
        frame = child.request("stackTrace", {"threadId": stopped["threadId"], "levels": 1})["body"][
            "stackFrames"
        ][0]
        assert (frame["source"]["path"], frame["line"]) == (str(flow_file), line)
        value = child.request(
            "evaluate", {"expression": "self.input", "frameId": frame["id"], "context": "repl"}
        )["body"]["result"]
        assert value == "4"  # the task that failed for good was item 4 of the foreach
        child.send("continue", {"threadId": stopped["threadId"]})
    finally:
        if child:
            child.close()
        root.close()
    assert (query_runs.root / ".metaflow_spin").is_dir()  # spin's own datastore
