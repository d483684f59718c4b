"""Time from "Debug step" to the debugger paused at a breakpoint, on the demo flow.

Makes the demo's real runs in a temp copy of test-fixtures/demo (scripts/demo_runs.py),
then, per round, does what the editor does for "Debug step" on ``train``, with the DAP
client of the tests (tests/launch/dap.py) standing in for VS Code:

- plan: ``plan_debug`` over the runs + ``debugpy_launch`` (what ``metaflow/debugPlan`` runs);
- adapter: start ``python -m debugpy.adapter`` and connect to it;
- launch -> child: ``initialize``/``launch``/``configurationDone`` until debugpy announces
  the task's child process (``debugpyAttach``): the flow process starting under debugpy,
  importing Metaflow and starting spin's task;
- child -> paused: attaching to the child until it stops at the breakpoint in the step
  body (the child imports Metaflow again, loads the task's inputs, runs to the line).

Also, for scale: ``python -c "import metaflow"`` and the same ``spin`` without a debugger.
Target (issue 4): at most 3 s from the click to paused. Prints numbers; asserts nothing.
Run: ``.venv/bin/python bench/bench_debug_step.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
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


def one_round(folder: Path, env: dict[str, str]) -> Phases:
    flow_file = folder / "flows" / "training_flow.py"
    line = next(i for i, t in enumerate(flow_file.read_text().splitlines(), 1) if BODY in t)
    breakpoints = {"source": {"path": str(flow_file)}, "breakpoints": [{"line": line}]}
    times: Phases = {}
    began = time.perf_counter()

    flow = analyze_file(str(flow_file)).flow("TrainingFlow")
    assert flow is not None
    plan = plan_debug(flow, flow_file, "train", open_backend(folder))
    launch = debugpy_launch(plan, sys.executable, folder)
    launch.update(console="internalConsole", env=env)
    times["plan"] = time.perf_counter() - began

    mark = time.perf_counter()
    port = free_port()
    adapter = subprocess.Popen(
        [sys.executable, "-m", "debugpy.adapter", "--host", "127.0.0.1", "--port", str(port)],
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
        root.request("setBreakpoints", breakpoints)
        root.request("configurationDone")
        root.response(launched)
        attach = root.wait_event("debugpyAttach", 120)["body"]
        times["launch -> child process"] = time.perf_counter() - mark

        mark = time.perf_counter()
        child = DapSession(attach["connect"]["host"], attach["connect"]["port"], "task")
        child.request("initialize", INIT)
        child.send("attach", attach)
        child.wait_event("initialized")
        child.request("setBreakpoints", breakpoints)
        child.request("configurationDone")
        stopped = child.wait_event("stopped", 120)["body"]
        times["child attach -> paused"] = time.perf_counter() - mark
        times["total"] = time.perf_counter() - began
        assert stopped["reason"] == "breakpoint"
        child.send("disconnect", {"terminateDebuggee": True})
    finally:
        for session in (child, root):
            if session is not None:
                session.close()
        adapter.kill()
        adapter.wait(timeout=30)
    return times


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
        rounds = [one_round(folder, env) for _ in range(args.rounds)]
        print(f"\n'Debug step' on TrainingFlow.train, {args.rounds} rounds (median, min):")
        for phase in rounds[0]:
            values = [r[phase] for r in rounds]
            print(f"  {phase:26s} {statistics.median(values):6.2f} s  {min(values):6.2f} s")
        importing = timed([sys.executable, "-c", "import metaflow"], folder, env)
        flow_file = folder / "flows" / "training_flow.py"
        flow = analyze_file(str(flow_file)).flow("TrainingFlow")
        assert flow is not None
        plan = plan_debug(flow, flow_file, "train", open_backend(folder))
        spin = timed([sys.executable, "flows/training_flow.py", *plan.args], folder, env)
        print(f"  for scale: import metaflow {importing:.2f} s; plain spin {spin:.2f} s")
        total = statistics.median(r["total"] for r in rounds)
        print(f"  debug step vs the same spin without a debugger: {total / spin:.2f}x")
        print(f"  target <= 3 s: {'met' if total <= 3 else 'NOT met'} ({total:.2f} s)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
