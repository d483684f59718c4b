"""``metaflow/debugPlan``, ``metaflow/launchConfigurations`` and the "Debug step" lens through
a real stdio client, on real QueryFlow runs. The plan must be exactly what
``mfstudio.launch.debug`` plans (the server adapts), refusals must say why, and planning
must not write to the datastore."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from datastore_snapshot import snapshot
from lsp_harness import LspSession, uri_for
from lsprotocol import types
from mfstudio import query
from mfstudio.flowgraph import analyze_file
from mfstudio.launch.debug import (
    IN_PROCESS_RUNNER,
    adapter_command,
    debugpy_python,
    launch_configurations,
    plan_debug,
)
from mfstudio.lsp.debugging import interpreter_problems
from pygls.exceptions import JsonRpcException
from runs_fixture import QueryRuns

PARALLEL_FLOW = """\
from metaflow import FlowSpec, step, parallel
class ParFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.train, num_parallel=2)
    @parallel
    @step
    def train(self):
        self.next(self.join)
    @step
    def join(self, inputs):
        self.next(self.end)
    @step
    def end(self):
        pass
"""


@pytest.fixture(scope="module")
def debug_session(query_runs: QueryRuns) -> Iterator[LspSession]:
    lsp = LspSession(query_runs.root)
    lsp.start()
    yield lsp
    lsp.stop()


@pytest.fixture(scope="module")
def no_runs_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LspSession]:
    """A workspace with flows but no ``.metaflow`` anywhere."""
    folder = tmp_path_factory.mktemp("no-runs")
    lsp = LspSession(folder)
    lsp.start()
    yield lsp
    lsp.stop()


def _flow_uri(query_runs: QueryRuns) -> str:
    return uri_for(query_runs.root / "query_flow.py")


def _error(session: LspSession, params: object) -> JsonRpcException:
    with pytest.raises(JsonRpcException) as caught:
        session.request("metaflow/debugPlan", params)
    return caught.value


def test_debug_plan_is_the_launch_layers_plan_with_debugpy_arguments(
    debug_session: LspSession, query_runs: QueryRuns
) -> None:
    flow_file = query_runs.root / "query_flow.py"
    before = snapshot(query_runs.root)
    result = debug_session.request(
        "metaflow/debugPlan", {"uri": _flow_uri(query_runs), "step": "work"}
    )
    flow = analyze_file(str(flow_file)).flow("QueryFlow")
    assert flow is not None
    expected = plan_debug(flow, flow_file, "work", query.open_backend(query_runs.root))
    assert result["plan"] == expected.to_json()
    assert result["plan"]["mode"] == "spin"
    root = str(query_runs.root.resolve())
    assert (result["cwd"], result["datastore"]) == (root, root)
    launch = result["launch"]
    # the task runs in the launched process (the runner), so no subprocess to follow
    assert launch["program"] == str(IN_PROCESS_RUNNER) and launch["subProcess"] is False
    assert launch["args"] == [str(flow_file), expected.task] and launch["cwd"] == root
    assert launch["python"] == debugpy_python(result["python"])
    assert launch["adapterCommand"] == adapter_command(result["python"])
    assert Path(result["python"]).exists()
    assert result["problems"] == []  # the test interpreter has metaflow and debugpy
    assert snapshot(query_runs.root) == before


def test_debug_plan_for_a_given_task_and_for_a_whole_run(
    debug_session: LspSession, query_runs: QueryRuns
) -> None:
    task = f"{query_runs.ok_run}/work/1"
    asked = debug_session.request(
        "metaflow/debugPlan", {"uri": _flow_uri(query_runs), "step": "work", "task": task}
    )
    assert asked["plan"]["task"] == task
    assert asked["launch"]["args"] == [str(query_runs.root / "query_flow.py"), task]
    run = debug_session.request("metaflow/debugPlan", {"uri": _flow_uri(query_runs), "mode": "run"})
    assert run["plan"]["mode"] == "run"
    assert run["launch"]["args"] == ["--no-pylint", "run", "--max-workers", "1"]


def test_refusals_say_why(debug_session: LspSession, query_runs: QueryRuns, tmp_path: Path) -> None:
    unknown = _error(debug_session, {"uri": _flow_uri(query_runs), "step": "wrok"})
    assert "QueryFlow has no step 'wrok'" in unknown.message and "work" in unknown.message
    parallel = tmp_path / "par.py"
    parallel.write_text(PARALLEL_FLOW)
    refused = _error(debug_session, {"uri": uri_for(parallel), "step": "train"})
    assert "@parallel step" in refused.message and "Debug run" in refused.message
    bad_mode = _error(debug_session, {"uri": _flow_uri(query_runs), "step": "a", "mode": "x"})
    assert "'mode' must be 'spin' or 'run'" in bad_mode.message
    typo = _error(debug_session, {"uri": _flow_uri(query_runs), "stp": "work"})
    assert "unknown parameter(s) stp" in typo.message


def test_without_a_datastore_it_plans_a_run_or_says_what_is_missing(
    no_runs_session: LspSession, tmp_path: Path
) -> None:
    flow_file = no_runs_session.workspace / "par.py"
    flow_file.write_text(PARALLEL_FLOW)
    uri = uri_for(flow_file)
    plan = no_runs_session.request("metaflow/debugPlan", {"uri": uri, "step": "start"})
    assert plan["plan"]["mode"] == "run" and plan["datastore"] is None
    assert "no run of ParFlow has run start yet" in plan["plan"]["why"]
    assert plan["cwd"] == str(no_runs_session.workspace)
    with pytest.raises(JsonRpcException, match="no Metaflow datastore"):
        no_runs_session.request(
            "metaflow/debugPlan", {"uri": uri, "step": "start", "task": "ParFlow/1/start/1"}
        )


def test_missing_modules_come_with_the_command_that_installs_them() -> None:
    problems = interpreter_problems("/opt/py/bin/python", ["json", "no_such_module_mfstudio"])
    assert problems == [
        {
            "module": "no_such_module_mfstudio",
            "message": "no_such_module_mfstudio is not installed in /opt/py/bin/python",
            "install": ["/opt/py/bin/python", "-m", "pip", "install", "no_such_module_mfstudio"],
        }
    ]
    assert interpreter_problems(sys.executable) == []


def test_launch_configurations_for_a_flow_file(
    debug_session: LspSession, query_runs: QueryRuns
) -> None:
    written = "${workspaceFolder}/query_flow.py"
    result = debug_session.request(
        "metaflow/launchConfigurations", {"uri": _flow_uri(query_runs), "flow_file": written}
    )
    flow = analyze_file(str(query_runs.root / "query_flow.py")).flow("QueryFlow")
    assert flow is not None
    assert result == {"configurations": launch_configurations(flow, written)}
    names = [c["name"] for c in result["configurations"]]
    assert names[0] == "QueryFlow: debug run" and "QueryFlow: debug step work" in names


def test_debug_step_lens_above_every_step(debug_session: LspSession, query_runs: QueryRuns) -> None:
    flow_file = query_runs.root / "query_flow.py"
    uri = uri_for(flow_file)
    debug_session.open(uri, flow_file.read_text())
    lenses = debug_session.run(
        debug_session.client.text_document_code_lens_async(
            types.CodeLensParams(text_document=debug_session.doc(uri))
        )
    )
    debug = [
        (lens.range.start.line, list(lens.command.arguments or []))
        for lens in lenses or []
        if lens.command and lens.command.title == "Debug step"
    ]
    show = [
        (lens.range.start.line, list(lens.command.arguments or []))
        for lens in lenses or []
        if lens.command and lens.command.title == "Show in DAG"
    ]
    assert debug == show  # same place and arguments: [uri, step, flow]
    assert [args[1] for _, args in debug] == ["start", "work", "join", "end"]
    debug_session.close(uri)
