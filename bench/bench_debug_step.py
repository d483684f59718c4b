"""Time from "Debug step" to the debugger paused at a breakpoint, on the demo flow.

Makes the demo's real runs in a temp copy of test-fixtures/demo (scripts/demo_runs.py),
then, per round, does what the editor does for "Debug step" on ``train``, with the DAP
client of the tests (tests/launch/dap.py) standing in for VS Code:

- plan: ``plan_debug`` over the runs + ``debugpy_launch`` (what ``metaflow/debugPlan`` runs);
- adapter: start ``python -m debugpy.adapter`` and connect to it;
- launch -> debuggee: ``launch`` until ``initialized``: debugpy's launcher and the debuggee
  process start and the debuggee connects back;
- configured -> paused: ``setBreakpoints``/``configurationDone`` until the stop at the
  breakpoint in the step body: the launched process imports Metaflow, reads the task's
  inputs and runs the step (``mfstudio/launch/debug_task.py``).

For comparison, the way before, in the same run, alternating with the new way so both see
the same machine load: ``flow.py spin`` under debugpy started as is (``-m debugpy.adapter``,
with its environment report in every process); the flow process starts spin's task process,
which must be attached in turn (``debugpyAttach``) and imports Metaflow again ("child ->
paused"). CPU: user+system seconds of the adapter's process tree
(adapter, launcher, debuggee, child) when paused. Also, for scale: ``python -c "import
metaflow"`` and the same ``spin`` without a debugger. Target (issue 4): at most 3 s from
the click to paused. Prints numbers; asserts nothing.
Run: ``.venv/bin/python bench/bench_debug_step.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests" / "launch"), str(REPO / "scripts")]

from dap import DapSession  # noqa: E402
from demo_runs import make_runs  # noqa: E402
from mfstudio.flowgraph import analyze_file  # noqa: E402
from mfstudio.launch.debug import debugpy_launch, plan_debug  # noqa: E402
from mfstudio.query import open_backend  # noqa: E402

BODY = "lr, w, b = self.input, 0.0, 0.0"
INIT = {
    "adapterID": "debugpy",
    "linesStartAt1": True,
    "columnsStartAt1": True,
    "pathFormat": "path",
}
Phases = dict[str, float]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(root_pid: int) -> float:
    """User+system CPU seconds of ``root_pid`` and its live descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [root_pid]
    while todo:
        pid = todo.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended meanwhile
    return total


def one_round(folder: Path, env: dict[str, str], before: bool) -> Phases:
    flow_file = folder / "flows" / "training_flow.py"
    line = next(i for i, t in enumerate(flow_file.read_text().splitlines(), 1) if BODY in t)
    breakpoints = {"source": {"path": str(flow_file)}, "breakpoints": [{"line": line}]}
    times: Phases = {}
    began = time.perf_counter()

    flow = analyze_file(str(flow_file)).flow("TrainingFlow")
    assert flow is not None
    plan = plan_debug(flow, flow_file, "train", open_backend(folder))
    if before:
        plan = dataclasses.replace(plan, forks="the bench's comparison: the way before")
    launch = debugpy_launch(plan, sys.executable, folder)
    launch.update(console="internalConsole", env=env)
    if before:  # debugpy started as is, with its environment report
        launch.update(python=[sys.executable])
        launch["adapterCommand"] = [sys.executable, "-m", "debugpy.adapter"]
    times["plan"] = time.perf_counter() - began

    mark = time.perf_counter()
    port = free_port()
    adapter = subprocess.Popen(
        [*launch["adapterCommand"], "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    root = child = None
    try:
        root = DapSession("127.0.0.1", port, "root")
        root.request("initialize", INIT)
        times["adapter start"] = time.perf_counter() - mark

        mark = time.perf_counter()
        launched = root.send("launch", launch)
        root.wait_event("initialized")
        times["launch -> debuggee"] = time.perf_counter() - mark

        mark = time.perf_counter()
        root.request("setBreakpoints", breakpoints)
        root.request("configurationDone")
        root.response(launched)
        paused = root
        if before:
            attach = root.wait_event("debugpyAttach", 120)["body"]
            times["configured -> child"] = time.perf_counter() - mark
            mark = time.perf_counter()
            child = paused = DapSession(
                attach["connect"]["host"], attach["connect"]["port"], "task"
            )
            child.request("initialize", INIT)
            child.send("attach", attach)
            child.wait_event("initialized")
            child.request("setBreakpoints", breakpoints)
            child.request("configurationDone")
        stopped = paused.wait_event("stopped", 120)["body"]
        times["child -> paused" if before else "configured -> paused"] = time.perf_counter() - mark
        times["total"] = time.perf_counter() - began
        times["cpu (adapter tree)"] = cpu_seconds(adapter.pid)
        assert stopped["reason"] == "breakpoint"
        paused.send("disconnect", {"terminateDebuggee": True})
    finally:
        for session in (child, root):
            if session is not None:
                session.close()
        adapter.kill()
        adapter.wait(timeout=30)
    return times


def report(title: str, rounds: list[Phases]) -> float:
    print(f"\n{title}, {len(rounds)} rounds (median, min):")
    for phase in rounds[0]:
        values = [r[phase] for r in rounds]
        print(f"  {phase:26s} {statistics.median(values):6.2f} s  {min(values):6.2f} s")
    return statistics.median(r["total"] for r in rounds)


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=False, capture_output=True, timeout=300)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="mfstudio-bench-debug-"))
    try:
        folder = scratch / "demo"
        shutil.copytree(REPO / "test-fixtures" / "demo", folder)
        env = {
            **os.environ,
            "USERNAME": os.environ.get("USERNAME", "mfstudio-bench"),
            "METAFLOW_CLIENT_CACHE_PATH": str(scratch / "client-cache"),
            "PYTHONUNBUFFERED": "1",
        }
        os.environ.update({k: env[k] for k in ("USERNAME", "METAFLOW_CLIENT_CACHE_PATH")})
        print("making the demo runs ...", flush=True)
        make_runs(folder)
        rounds: dict[bool, list[Phases]] = {False: [], True: []}
        for _ in range(args.rounds):
            for before in (False, True):  # alternating: both see the same machine load
                rounds[before].append(one_round(folder, env, before))
        total = report("'Debug step' on TrainingFlow.train, in process", rounds[False])
        old_total = report("the way before: flow.py spin + child attach", rounds[True])
        importing = timed([sys.executable, "-c", "import metaflow"], folder, env)
        flow_file = folder / "flows" / "training_flow.py"
        flow = analyze_file(str(flow_file)).flow("TrainingFlow")
        assert flow is not None
        plan = plan_debug(flow, flow_file, "train", open_backend(folder))
        forked_args = dataclasses.replace(plan, forks="for scale").args  # flow.py spin ...
        spin = timed([sys.executable, "flows/training_flow.py", *forked_args], folder, env)
        print(f"\n  for scale: import metaflow {importing:.2f} s; plain spin {spin:.2f} s")
        print(f"  now vs before: {total / old_total:.2f}x")
        print(f"  debug step vs the same spin without a debugger: {total / spin:.2f}x")
        print(f"  target <= 3 s: {'met' if total <= 3 else 'NOT met'} ({total:.2f} s)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
