""" "Debug step": the task chosen from real runs, the in-process runner giving Metaflow's
``spin-step`` the inputs ``spin`` would, and a real debugpy session through the adapter that
stops at a breakpoint in the step body with the original run's inputs."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from dap import DapSession
from datastore_snapshot import snapshot
from metaflow.util import decompress_list
from mfstudio.flowgraph import Flow, analyze_file
from mfstudio.launch import LaunchError
from mfstudio.launch.debug import (
    IN_PROCESS_RUNNER,
    adapter_command,
    debugpy_launch,
    launch_configurations,
    plan_debug,
)
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
    # in the launched process: the runner, given the flow file and the task
    assert plan.in_process and plan.forks is None
    assert (plan.program, plan.args) == (IN_PROCESS_RUNNER, [str(QUERY_FLOW), plan.task])
    launch = debugpy_launch(plan, sys.executable, query_runs.root)
    assert launch["program"] == str(IN_PROCESS_RUNNER) and launch["subProcess"] is False


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


SPIN_RUNTIME_FLOW = """\
from metaflow import Config, FlowSpec, environment, pypi, step
class EnvFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.fit)
    @pypi(packages={"scikit-learn": "1.5.0"})
    @step
    def fit(self):
        self.next(self.end)
    @environment(vars={"MODE": "fast"})
    @step
    def end(self):
        pass
"""


def test_steps_that_need_spins_runtime_run_in_its_child_process_with_the_reason(
    tmp_path: Path,
) -> None:
    source = tmp_path / "env_flow.py"
    source.write_text(SPIN_RUNTIME_FLOW)
    flow = analyze_file(str(source)).flow("EnvFlow")
    assert flow is not None
    reasons = {}
    for step in ("start", "fit", "end"):
        plan = plan_debug(flow, source, step, None, task=f"EnvFlow/1/{step}/2")
        reasons[step] = plan.forks
        launch = debugpy_launch(plan, sys.executable, tmp_path)
        if plan.forks is None:
            assert launch["program"] == str(IN_PROCESS_RUNNER) and not launch["subProcess"]
        else:  # flow.py spin, and debugpy follows its task process
            assert launch["program"] == str(source) and launch["subProcess"]
            assert plan.args == ["--no-pylint", "spin", f"1/{step}/2"]
    assert reasons == {
        "start": None,
        "fit": "@pypi builds the task's environment, which spin runs it in",
        "end": "@environment sets variables for spin's task process",
    }
    configured = tmp_path / "config_flow.py"
    configured.write_text(
        SPIN_RUNTIME_FLOW.replace("EnvFlow", "ConfigFlow").replace(
            "    @step\n    def start",
            '    cfg = Config("cfg", default_value={})\n    @step\n    def start',
            1,
        )
    )
    flow = analyze_file(str(configured)).flow("ConfigFlow")
    assert flow is not None
    plan = plan_debug(flow, configured, "start", None, task="ConfigFlow/1/start/2")
    assert plan.forks == "spin resolves the Config values (cfg) for its task process"


def _run_task(runs: QueryRuns, task: str) -> subprocess.CompletedProcess[str]:
    """The in-process runner without a debugger, as debugpy would start it."""
    return subprocess.run(
        [sys.executable, str(IN_PROCESS_RUNNER), str(runs.root / "query_flow.py"), task],
        cwd=runs.root,
        env=metaflow_env(runs.root),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _spin_step_option(stderr: str, option: str) -> str:
    """An option of the spin-step command line the runner announces on stderr."""
    announced = next(line for line in stderr.splitlines() if line.startswith("Debug step: "))
    words = announced.split()
    return words[words.index(option) + 1]


@pytest.mark.slow
def test_the_runner_gives_spin_step_the_inputs_spin_would_and_leaves_the_runs_alone(
    runs_copy: QueryRuns,
) -> None:
    backend = open_backend(runs_copy.root)
    before = snapshot(runs_copy.metaflow_dir)
    run_id = runs_copy.ok_run.split("/")[1]

    # A join: every work task of the run, each at its latest attempt (work[2] was retried).
    # (Metaflow 2.19.39's spin-step then looks for more than 4 inputs in spin's own
    # datastore and stops with "Some input datastores are missing": `flow.py spin` of this
    # task fails the same way, so only the inputs given are checked here.)
    join = tasks(f"{runs_copy.ok_run}/join", backend=backend).tasks[0].pathspec
    done = _run_task(runs_copy, join)
    work = tasks(f"{runs_copy.ok_run}/work", backend=backend).tasks
    expected = sorted(f"{run_id}/work/{t.task_id}/{t.attempt}" for t in work)
    given = sorted(decompress_list(_spin_step_option(done.stderr, "--input-paths")))
    assert given == expected and any(p.endswith("/1") for p in given)
    assert "--split-index" not in done.stderr

    # The start step: the run's parameters.
    start = tasks(f"{runs_copy.ok_run}/start", backend=backend).tasks[0].pathspec
    done = _run_task(runs_copy, start)
    assert done.returncode == 0, done.stderr
    assert _spin_step_option(done.stderr, "--input-paths").startswith(f"{run_id}/_parameters/")

    # A foreach task that failed for good fails again, with its own foreach index.
    report = failures(runs_copy.failed_run, backend=backend)
    item4 = next(f.pathspec for f in report.failures if f.exception_type == "builtins.RuntimeError")
    done = _run_task(runs_copy, item4)
    assert done.returncode != 0 and "item 4 cannot be processed" in done.stderr
    assert _spin_step_option(done.stderr, "--split-index") == "4"

    assert snapshot(runs_copy.metaflow_dir) == before  # the original runs: only read
    assert (runs_copy.root / ".metaflow_spin").is_dir()  # spin's own datastore


def test_a_task_pathspec_is_required(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(IN_PROCESS_RUNNER), str(QUERY_FLOW), "QueryFlow/1/start"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "usage: debug_task.py FLOW_FILE FLOW/RUN/STEP/TASK" in done.stderr


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
        [*adapter_command(sys.executable), "--host", "127.0.0.1", "--port", str(port)],
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
    # The flow file next to the runs (spin-step re-imports it), never the fixture itself.
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
    before = snapshot(query_runs.metaflow_dir)

    root = DapSession("127.0.0.1", adapter, "root")
    try:
        root.request("initialize", INIT)
        launched = root.send("launch", launch)
        root.wait_event("initialized")
        root.request("setBreakpoints", breakpoints)
        root.request("configurationDone")
        assert root.response(launched)["success"]
        # The task runs in the launched process itself: it stops there, no child to attach.
        stopped = root.wait_event("stopped", 120)["body"]
        assert stopped["reason"] == "breakpoint"
        frame = root.request("stackTrace", {"threadId": stopped["threadId"], "levels": 1})["body"][
            "stackFrames"
        ][0]
        assert (frame["source"]["path"], frame["line"]) == (str(flow_file), line)
        value = root.request(
            "evaluate", {"expression": "self.input", "frameId": frame["id"], "context": "repl"}
        )["body"]["result"]
        assert value == "4"  # the task that failed for good was item 4 of the foreach
        alpha = root.request(
            "evaluate", {"expression": "self.alpha", "frameId": frame["id"], "context": "repl"}
        )["body"]["result"]
        assert alpha == "0.5"  # the failed run's parameter, read from the original run
        root.send("continue", {"threadId": stopped["threadId"]})
        root.wait_event("terminated", 120)  # the task fails again, as it did, and ends
    finally:
        root.close()
    assert snapshot(query_runs.metaflow_dir) == before  # the original runs: only read
    assert (query_runs.root / ".metaflow_spin").is_dir()  # spin's own datastore
