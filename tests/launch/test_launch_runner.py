"""The run manager on real flows: a run streams its output and reports its run id and
exit; cancel leaves no process of the run behind."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from pathlib import Path

from mfstudio import query
from mfstudio.flowgraph import analyze_file
from mfstudio.launch import RunRequest, form_fields, run_argv
from mfstudio.launch.runner import LaunchedRun, RunCallbacks, group_alive, start_run
from runs_fixture import metaflow_env

ROOT = Path(__file__).resolve().parents[2]
DEMO_FLOW = ROOT / "test-fixtures" / "demo" / "flows" / "training_flow.py"
LIVE_FLOW = ROOT / "test-fixtures" / "runs" / "live_flow.py"


class Recorder:
    """Collects what the runner reports, from its reader thread."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.exits: list[int] = []
        self.lock = threading.Lock()

    def callbacks(self) -> RunCallbacks:
        def output(run: LaunchedRun, line: str) -> None:
            with self.lock:
                self.lines.append(line)

        def exited(run: LaunchedRun, code: int) -> None:
            self.exits.append(code)

        return RunCallbacks(output, exited)

    def saw(self, text: str) -> bool:
        with self.lock:
            return any(text in line for line in self.lines)


def _copy(flow: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / flow.name
    shutil.copy(flow, target)
    return target


def _processes_mentioning(text: str) -> list[int]:
    """Pids whose command line mentions ``text`` (any process group: a worker that left
    the run's group would still be found)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        if text.encode() in cmdline and "State:\tZ" not in status:
            found.append(int(entry))
    return found


def test_a_form_launch_streams_output_and_reports_the_run(tmp_path: Path) -> None:
    flow_file = _copy(DEMO_FLOW, tmp_path)
    flow = analyze_file(flow_file).flow("TrainingFlow")
    assert flow is not None
    request = RunRequest(flow_file, {"epochs": 1}, tags=["from-editor"])
    argv = run_argv(sys.executable, request, form_fields(flow))
    recorder = Recorder()

    run = start_run(argv, "TrainingFlow", tmp_path, recorder.callbacks(), metaflow_env(tmp_path))

    assert run.wait(300) == 0, "\n".join(recorder.lines[-30:])
    assert recorder.exits == [0]
    assert run.run is not None and run.run.startswith("TrainingFlow/")
    assert recorder.saw("Done!") and recorder.saw("lr=0.01")
    summary = query.run_summary(run.run, backend=query.open_backend(tmp_path))
    assert summary.run.status == "succeeded"
    assert "from-editor" in summary.run.tags
    assert not group_alive(run.pgid)
    assert not any(tmp_path.glob("mfstudio-run-*")), "the run-id folder is private"


def test_cancel_stops_every_process_of_the_run(tmp_path: Path) -> None:
    flow_file = _copy(LIVE_FLOW, tmp_path / "cancel-me")
    argv = [sys.executable, str(flow_file), "--no-pylint", "run", "--pause", "60"]
    recorder = Recorder()
    run = start_run(
        argv, "LiveFlow", flow_file.parent, recorder.callbacks(), metaflow_env(tmp_path)
    )
    deadline = time.monotonic() + 120
    while not recorder.saw("Task is starting") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert recorder.saw("Task is starting"), "\n".join(recorder.lines)
    time.sleep(0.5)  # the task worker is up
    assert len(_processes_mentioning(str(flow_file))) >= 2, "runtime and one task worker"

    assert run.cancel() is True

    assert run.finished and run.return_code not in (None, 0)
    assert not group_alive(run.pgid)
    assert _processes_mentioning(str(flow_file)) == []
    assert run.cancel() is False, "a second cancel has nothing left to stop"
