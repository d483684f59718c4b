"""Running flows through the real stdio server: the run form, validation errors by field,
a launch streaming its output and run states to the client, a watch of the newest run of
a flow started outside the editor, and cancel."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lsp_harness import LspSession, _plain, uri_for
from mfstudio import query
from runs_fixture import QueryRuns, start_run

ROOT = Path(__file__).resolve().parents[2]
LIVE_FLOW = ROOT / "test-fixtures" / "runs" / "live_flow.py"
BROKEN = """
from metaflow import FlowSpec, step

class BrokenFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.missing)

    @step
    def end(self):
        pass
"""


class RunSession(LspSession):
    """A session that records ``metaflow/runOutput`` and ``metaflow/runState``."""

    def __init__(self, workspace: Path) -> None:
        super().__init__(workspace)
        self.outputs: list[dict[str, Any]] = []
        self.states: list[dict[str, Any]] = []

        @self.client.feature("metaflow/runOutput")
        def on_output(params: Any) -> None:
            self.outputs.append(_plain(params))

        @self.client.feature("metaflow/runState")
        def on_state(params: Any) -> None:
            self.states.append(_plain(params))

    def lines(self, launch_id: str) -> list[str]:
        return [line for o in self.outputs if o["launch_id"] == launch_id for line in o["lines"]]

    def exit_of(self, launch_id: str) -> int | None:
        ends = [o["exit_code"] for o in self.outputs if o["launch_id"] == launch_id]
        return next((code for code in ends if code is not None), None)


@pytest.fixture(scope="module")
def run_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunSession]:
    workspace = tmp_path_factory.mktemp("run-workspace")
    shutil.copy(LIVE_FLOW, workspace / LIVE_FLOW.name)
    (workspace / "broken_flow.py").write_text(BROKEN)
    session = RunSession(workspace)
    session.start()
    yield session
    session.stop()


def _open(session: RunSession, name: str) -> str:
    path = session.workspace / name
    uri = uri_for(path)
    session.open(uri, path.read_text())
    return uri


def test_a_watch_before_any_run_creates_no_datastore(run_session: RunSession) -> None:
    uri = _open(run_session, "live_flow.py")
    watch = run_session.request("metaflow/watchRun", {"flow": "LiveFlow", "uri": uri})
    run_session.settle(1.0)  # a few polls
    assert not (run_session.workspace / ".metaflow").exists()
    assert run_session.request("metaflow/unwatchRun", watch) == {"stopped": True}
    assert run_session.states == []


def test_the_run_form_has_typed_fields_targets_and_lint(run_session: RunSession) -> None:
    uri = _open(run_session, "live_flow.py")
    form = run_session.request("metaflow/runForm", {"uri": uri})
    assert form["flow"] == "LiveFlow" and form["values"] is None
    assert [(f["name"], f["kind"], f["default"]) for f in form["fields"]] == [
        ("pause", "number", 1.0),
        ("width", "integer", 3),
    ]
    assert form["targets"][0]["name"] == "local" and form["targets"][0]["available"]
    assert form["lint_errors"] == []

    broken = run_session.request("metaflow/runForm", {"uri": _open(run_session, "broken_flow.py")})
    assert broken["lint_errors"] and "missing" in broken["lint_errors"][0]


def test_bad_values_come_back_by_field_and_nothing_starts(run_session: RunSession) -> None:
    uri = _open(run_session, "live_flow.py")
    values = {
        "params": {"width": "many"},
        "tags": [],
        "max_workers": 0,
        "with_specs": ["retry:times"],
        "target": "kubernetes",
        "target_options": {},
    }
    answer = run_session.request("metaflow/launchRun", {"uri": uri, "values": values})
    assert set(answer["errors"]) == {"target"}  # the target is checked first
    assert "not configured" in answer["errors"]["target"]
    values["target"] = "local"
    answer = run_session.request("metaflow/launchRun", {"uri": uri, "values": values})
    assert set(answer["errors"]) == {"width", "max_workers", "with"}
    assert "whole number" in answer["errors"]["width"]
    broken = _open(run_session, "broken_flow.py")
    values = {"params": {}, "tags": [], "max_workers": None, "with_specs": [], "target": "local"}
    answer = run_session.request("metaflow/launchRun", {"uri": broken, "values": values})
    assert "missing" in answer["errors"]["lint"]
    assert run_session.outputs == []


def test_a_launch_streams_output_and_states_to_the_end(run_session: RunSession) -> None:
    uri = _open(run_session, "live_flow.py")
    values = {
        "params": {"pause": 0.5, "width": 2},
        "tags": ["lsp"],
        "max_workers": 2,
        "with_specs": [],
        "target": "local",
        "target_options": {},
    }
    started = run_session.request("metaflow/launchRun", {"uri": uri, "values": values})
    launch_id = started["launch_id"]
    assert started["cwd"] == str(run_session.workspace.resolve())
    assert "--max-workers" in started["argv"] and "--run-id-file" in started["argv"]

    assert run_session.wait_until(lambda: run_session.exit_of(launch_id) is not None, 300)
    assert run_session.exit_of(launch_id) == 0, "\n".join(run_session.lines(launch_id))
    assert any("Done!" in line for line in run_session.lines(launch_id))

    def final() -> bool:
        mine = [s for s in run_session.states if s["launch_id"] == launch_id]
        return bool(mine) and mine[-1]["state"]["status"] != "running"

    assert run_session.wait_until(final, 10)
    mine = [s["state"] for s in run_session.states if s["launch_id"] == launch_id]
    run = mine[-1]["run"]
    assert run.startswith("LiveFlow/") and all(s["run"] == run for s in mine)
    assert mine[-1]["status"] == "succeeded"
    assert mine[-1]["steps"]["work"]["expected"] == 2
    assert any(s["steps"].get("work", {}).get("status") == "running" for s in mine)
    outputs = [o for o in run_session.outputs if o["launch_id"] == launch_id]
    assert outputs[-1]["run"] == run


def test_watch_the_newest_run_started_outside_and_cancel(run_session: RunSession) -> None:
    uri = _open(run_session, "live_flow.py")
    watch = run_session.request("metaflow/watchRun", {"flow": "LiveFlow", "uri": uri})
    outside = start_run(
        run_session.workspace,
        run_session.workspace / "live_flow.py",
        "--pause",
        "0.3",
        "--width",
        "1",
        run_id_file="outside.id",
    )
    out, _ = outside.communicate(timeout=300)
    assert outside.returncode == 0, out
    run = "LiveFlow/" + (run_session.workspace / "outside.id").read_text().strip()

    def outside_done() -> bool:
        return any(
            s["watch_id"] == watch["watch_id"]
            and s["state"]["run"] == run
            and s["state"]["status"] == "succeeded"
            for s in run_session.states
        )

    assert run_session.wait_until(outside_done, 15)
    assert run_session.request("metaflow/unwatchRun", watch) == {"stopped": True}

    values = {"params": {"pause": 60}, "tags": [], "max_workers": None, "with_specs": []}
    values |= {"target": "local"}
    launch_id = run_session.request("metaflow/launchRun", {"uri": uri, "values": values})[
        "launch_id"
    ]
    assert run_session.wait_until(
        lambda: any("Task is starting" in line for line in run_session.lines(launch_id)), 120
    )
    answer = run_session.request("metaflow/cancelRun", {"launch_id": launch_id})
    assert answer == {"cancelled": True}
    assert run_session.wait_until(lambda: run_session.exit_of(launch_id) is not None, 10)
    assert run_session.exit_of(launch_id) != 0
    last = [o for o in run_session.outputs if o["launch_id"] == launch_id][-1]
    assert last["cancelled"] is True

    def cancelled_state() -> bool:
        mine = [s["state"] for s in run_session.states if s["launch_id"] == launch_id]
        return bool(mine) and mine[-1]["status"] == "failed"

    assert run_session.wait_until(cancelled_state, 10)


def test_resume_a_failed_run_from_where_it_failed(
    query_runs: QueryRuns, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """``metaflow/resumeRun`` on a copy of the failed QueryFlow run: a new run that reuses
    the steps before the failure (it fails again: the run's own ``--fail true`` is kept)."""
    workspace = tmp_path_factory.mktemp("resume-workspace")
    shutil.copytree(query_runs.root, workspace, dirs_exist_ok=True)
    session = RunSession(workspace)
    session.start()
    try:
        uri = _open(session, "query_flow.py")
        with pytest.raises(Exception, match="Flow/run_id pathspec"):
            session.request("metaflow/resumeRun", {"uri": uri, "run": "QueryFlow"})
        answer = session.request("metaflow/resumeRun", {"uri": uri, "run": query_runs.failed_run})
        launch_id = answer["launch_id"]
        assert "resume" in answer["argv"] and "--origin-run-id" in answer["argv"]
        assert session.wait_until(lambda: session.exit_of(launch_id) is not None, 300)
        resumed = [o for o in session.outputs if o["launch_id"] == launch_id][-1]["run"]
    finally:
        session.stop()
    assert resumed is not None and resumed != query_runs.failed_run
    summary = query.run_summary(resumed, backend=query.open_backend(workspace))
    assert summary.run.origin_run_id == query_runs.failed_run.split("/")[1]
    steps = {s.name: s.tasks for s in summary.steps}
    assert steps["start"]["succeeded"] == 1, "start was reused from the failed run"
