"""The "Deploy as function" requests through the real stdio language server: the code lens
above each ``@json_function`` (of the editor's unsaved text), the workspace's functions, the
tasks they can bind to, a deployment whose progress arrives as ``metaflow/functionProgress``
and which answers test requests, stop, and the errors a client can cause."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import DemoWorkspace
from lsp_harness import LspSession, _plain, uri_for
from lsprotocol import types
from pygls.exceptions import JsonRpcException


class DeploySession(LspSession):
    """A session that records ``metaflow/functionProgress``."""

    def __init__(self, demo: DemoWorkspace) -> None:
        super().__init__(demo.root)
        self.progress: list[dict[str, Any]] = []
        self.lock = threading.Lock()

        @self.client.feature("metaflow/functionProgress")
        def on_progress(params: Any) -> None:
            with self.lock:
                self.progress.append(_plain(params))

    def stage(self, deployment_id: str, stages: set[str]) -> dict[str, Any] | None:
        with self.lock:
            mine = [p for p in self.progress if p["deployment_id"] == deployment_id]
        return next((p for p in mine if p["stage"] in stages), None)

    def wait_stage(self, deployment_id: str, stages: set[str]) -> dict[str, Any]:
        """Notifications arrive while the session's loop runs: wait on it, not in a sleep."""
        assert self.wait_until(lambda: self.stage(deployment_id, stages) is not None, 600)
        found = self.stage(deployment_id, stages)
        assert found is not None
        return found


@pytest.fixture(scope="module")
def session(demo: DemoWorkspace) -> Iterator[DeploySession]:
    lsp = DeploySession(demo)
    lsp.start()
    yield lsp
    lsp.stop()


def test_deploy_lsp_lens_above_each_json_function(
    session: DeploySession, demo: DemoWorkspace
) -> None:
    path = demo.root / "functions" / "checks.py"
    uri = uri_for(path)
    unsaved = path.read_text().replace("def needs_weights", "def needs_weights_renamed")
    session.open(uri, unsaved)
    lenses = session.run(
        session.client.text_document_code_lens_async(
            types.CodeLensParams(text_document=session.doc(uri))
        )
    )
    deploy = [
        (lens.range.start.line, lens.command.command, list(lens.command.arguments or []))
        for lens in lenses or []
        if lens.command and lens.command.title == "Deploy as function"
    ]
    lines = unsaved.splitlines()
    assert deploy == [
        (lines.index("@mf.json_function"), "metaflow.deployFunction", [uri, "guarded"]),
        (
            len(lines) - 1 - lines[::-1].index("@mf.json_function"),
            "metaflow.deployFunction",
            [uri, "needs_weights_renamed"],
        ),
    ]
    listed = session.request("metaflow/functions", {"uri": uri})["functions"]
    assert [f["name"] for f in listed] == ["guarded", "needs_weights_renamed"]
    session.close(uri)


def test_deploy_lsp_functions_and_tasks_of_the_workspace(
    session: DeploySession, demo: DemoWorkspace
) -> None:
    found = session.request("metaflow/functions", {})["functions"]
    by_name = {f["name"]: f for f in found}
    assert set(by_name) == {"predict", "guarded", "needs_weights"}
    predict = by_name["predict"]
    assert (predict["module"], predict["reads"], predict["line"]) == (
        "functions.predict",
        ["model"],
        (demo.root / "functions" / "predict.py")
        .read_text()
        .splitlines()
        .index("def predict(data: Point, params: FunctionParameters) -> Prediction:"),
    )
    tasks = session.request(
        "metaflow/functionTasks", {"uri": predict["uri"], "function": "predict"}
    )
    assert tasks["suggested"] == demo.succeeded_end
    assert tasks["tasks"][0]["pathspec"] == demo.succeeded_end
    lacking = session.request(
        "metaflow/functionTasks",
        {"uri": by_name["needs_weights"]["uri"], "function": "needs_weights"},
    )
    assert lacking == {"tasks": [], "suggested": None}  # no run has `weights`


def test_deploy_lsp_deploys_answers_and_stops(session: DeploySession, demo: DemoWorkspace) -> None:
    uri = uri_for(demo.root / "functions" / "checks.py")
    params = {"uri": uri, "function": "guarded", "task": demo.succeeded_end, "target": "call"}
    deployment_id = session.request("metaflow/deployFunction", params)["deployment_id"]
    ready = session.wait_stage(deployment_id, {"ready", "failed"})
    assert ready["stage"] == "ready", ready
    assert ready["input_example"] == {"x": 0.0}
    answer = session.request(
        "metaflow/functionRequest", {"deployment_id": deployment_id, "body": {"x": 2}}
    )
    assert answer["status"] == 200 and answer["body"]["y"] == pytest.approx(demo.predict(2))
    raised = session.request(
        "metaflow/functionRequest", {"deployment_id": deployment_id, "body": {"x": -2}}
    )
    assert (raised["status"], raised["body"]["error"]["type"]) == (500, "ValueError")
    assert session.request("metaflow/stopFunction", {"deployment_id": deployment_id}) == {
        "stopped": True
    }
    assert session.wait_stage(deployment_id, {"stopped"})["message"] == "Stopped"
    stages = [p["stage"] for p in session.progress if p["deployment_id"] == deployment_id]
    assert stages == ["bind", "environment", "start", "ready", "stopped"]
    with pytest.raises(JsonRpcException, match="No deployment"):  # it is forgotten
        session.request("metaflow/stopFunction", {"deployment_id": deployment_id})


def test_deploy_lsp_errors_the_client_can_cause(
    session: DeploySession, demo: DemoWorkspace
) -> None:
    uri = uri_for(demo.root / "functions" / "checks.py")
    base = {"uri": uri, "function": "guarded", "task": demo.succeeded_end, "target": "call"}
    with pytest.raises(JsonRpcException, match="target must be one of call, serve, batch"):
        session.request("metaflow/deployFunction", {**base, "target": "cloud"})
    with pytest.raises(JsonRpcException, match=r"options\.prot"):
        session.request("metaflow/deployFunction", {**base, "options": {"prot": 8000}})
    with pytest.raises(JsonRpcException, match="unknown parameter"):
        session.request("metaflow/functionTasks", {"uri": uri, "function": "guarded", "limt": 3})
    missing = session.request("metaflow/deployFunction", {**base, "function": "gaurded"})
    assert missing["error"]["kind"] == "not_found"
    assert "guarded" in missing["error"]["message"]  # it names what the file has
    with pytest.raises(JsonRpcException, match="No deployment 'deploy-0'"):
        session.request("metaflow/functionRequest", {"deployment_id": "deploy-0", "body": {}})
    assert session.alive
