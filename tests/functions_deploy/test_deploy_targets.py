"""Real deployments through the registry (deployments.py): each is a worker process of its
own that binds a workspace function to a task of the demo's runs, then answers requests
(call), serves over HTTP (serve), or fails at bind with the reason; stopping leaves no
process of it behind."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from conftest import DemoWorkspace, EventLog, wait_until
from datastore_snapshot import snapshot
from mfstudio.functions_deploy import DeployConfig, Deployments
from mfstudio.launch.runner import group_alive


def _config(demo: DemoWorkspace, function: str, target: str, **kwargs: Any) -> DeployConfig:
    module = "functions.predict" if function == "predict" else "functions.checks"
    options = kwargs.pop("options", {})
    return DeployConfig(
        workspace=str(demo.root),
        module=module,
        function=function,
        task=kwargs.pop("task", demo.succeeded_end),
        root=str(demo.root),
        target=target,  # type: ignore[arg-type]
        artifacts=kwargs.pop("artifacts", ["model"]),
        options=options,
    )


@pytest.fixture
def registry(events: EventLog, stop_all: list[Any], deploy_env: None) -> Deployments:
    made = Deployments(events)
    stop_all.append(made)
    return made


def test_deploy_call_answers_with_the_runs_model(
    demo: DemoWorkspace, registry: Deployments, events: EventLog
) -> None:
    before = snapshot(demo.root / ".metaflow")
    deployment_id = registry.deploy(_config(demo, "predict", "call"))
    ready = events.wait_for(deployment_id, {"ready", "failed"})
    assert ready["stage"] == "ready", ready
    assert events.stages(deployment_id) == ["bind", "environment", "start", "ready"]
    assert json.loads(ready["reference"])["task"] == demo.succeeded_end
    assert ready["input_example"] == {"x": 0.0}
    for x in (0.0, 2.5, -4.0):
        answer = registry.request(deployment_id, {"x": x})
        assert answer["status"] == 200
        assert answer["body"]["y"] == pytest.approx(demo.predict(x))
        assert answer["elapsed_ms"] >= 0
    bad = registry.request(deployment_id, {"z": 1})
    assert bad["status"] == 422
    assert bad["body"]["detail"][0]["loc"] == ["body", "x"]
    wrong_type = registry.request(deployment_id, {"x": "two"})
    assert wrong_type["status"] == 422 and "number" in wrong_type["body"]["detail"][0]["msg"]
    # Stop: no process of the deployment is left, and the client hears it stopped.
    pgid = registry.get(deployment_id).pgid
    assert registry.stop(deployment_id) is True
    assert not group_alive(pgid)
    assert events.wait_for(deployment_id, {"stopped"})["message"] == "Stopped"
    assert snapshot(demo.root / ".metaflow") == before  # binding read the run, wrote nothing


def test_deploy_call_reports_the_functions_exception(
    demo: DemoWorkspace, registry: Deployments, events: EventLog
) -> None:
    deployment_id = registry.deploy(_config(demo, "guarded", "call"))
    assert events.wait_for(deployment_id, {"ready", "failed"})["stage"] == "ready"
    raised = registry.request(deployment_id, {"x": -1})
    assert raised["status"] == 500
    assert raised["body"]["error"] == {
        "type": "ValueError",
        "message": "x must be 0 or more, got -1",
    }
    # The worker keeps serving after an exception.
    assert registry.request(deployment_id, {"x": 1.0})["body"]["y"] == pytest.approx(
        demo.predict(1)
    )


def test_deploy_call_stops_a_stuck_call_and_keeps_serving(
    demo: DemoWorkspace, registry: Deployments, events: EventLog
) -> None:
    deployment_id = registry.deploy(_config(demo, "guarded", "call", options={"timeout_s": 2}))
    assert events.wait_for(deployment_id, {"ready", "failed"})["stage"] == "ready"
    stuck = registry.request(deployment_id, {"x": 999})
    assert stuck["status"] == 504
    assert stuck["body"]["error"]["type"] == "Timeout"
    assert stuck["body"]["error"]["message"].startswith("No answer within 2 s: the call was")
    # The stuck worker was replaced: the next call answers at once, not after the hour.
    answer = registry.request(deployment_id, {"x": 1.0})
    assert answer["status"] == 200
    assert answer["body"]["y"] == pytest.approx(demo.predict(1))


def test_deploy_serve_answers_over_http_with_its_openapi(
    demo: DemoWorkspace, registry: Deployments, events: EventLog
) -> None:
    options = {"route": "/line"}
    deployment_id = registry.deploy(_config(demo, "predict", "serve", options=options))
    ready = events.wait_for(deployment_id, {"ready", "failed"})
    assert ready["stage"] == "ready", ready
    url, route = ready["url"], ready["route"]
    assert url.startswith("http://127.0.0.1:") and route == "/line"
    assert "/line" in ready["openapi"]["paths"]
    # The panel's request goes over HTTP; so does anyone else's.
    answer = registry.request(deployment_id, {"x": 3.0})
    assert answer["status"] == 200 and answer["body"]["y"] == pytest.approx(demo.predict(3))
    post = urllib.request.Request(
        url + route, data=b'{"x": 3.0}', headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(post, timeout=60) as response:
        assert json.load(response) == answer["body"]
    assert registry.request(deployment_id, {})["status"] == 422
    with urllib.request.urlopen(url + "/openapi.json", timeout=60) as response:
        assert json.load(response) == ready["openapi"]
    pgid = registry.get(deployment_id).pgid
    assert registry.stop(deployment_id)
    assert not group_alive(pgid)
    with pytest.raises(OSError):  # nothing listens there any more
        urllib.request.urlopen(url + "/health", timeout=10)


def test_deploy_fails_at_bind_naming_the_missing_artifact(
    demo: DemoWorkspace, registry: Deployments, events: EventLog
) -> None:
    deployment_id = registry.deploy(_config(demo, "needs_weights", "call", artifacts=["weights"]))
    failed = events.wait_for(deployment_id, {"ready", "failed"})
    assert failed["stage"] == "failed"
    assert failed["error"]["kind"] == "missing_artifact"
    assert "'weights'" in failed["error"]["message"]
    assert demo.succeeded_end in failed["error"]["message"]
    process = registry.get(deployment_id).process
    wait_until(lambda: process.poll() is not None)
    assert process.returncode == 1 and not group_alive(process.pid)
    assert registry.request(deployment_id, {"x": 1})["status"] == 503


def test_deploy_reports_import_errors_and_unknown_tasks(
    demo: DemoWorkspace, registry: Deployments, events: EventLog, tmp_path: Path
) -> None:
    broken = tmp_path / "ws"
    broken.mkdir()
    (broken / "bad.py").write_text("from metaflow import json_function\nimport no_such_module\n")
    config = _config(demo, "predict", "call")
    bad_import = DeployConfig(**{**config.__dict__, "workspace": str(broken), "module": "bad"})
    first = registry.deploy(bad_import)
    failed = events.wait_for(first, {"ready", "failed"})
    assert failed["error"]["kind"] == "import"
    assert "no_such_module" in failed["error"]["message"]
    unknown = DeployConfig(**{**config.__dict__, "task": "TrainingFlow/1/end/999"})
    second = registry.deploy(unknown)
    failed = events.wait_for(second, {"ready", "failed"})
    assert failed["error"]["kind"] == "task"
    assert "TrainingFlow/1/end/999" in failed["error"]["message"]
    assert os.path.isdir(demo.root / ".metaflow")


def test_deploy_stopped_while_binding_leaves_no_process(
    demo: DemoWorkspace, registry: Deployments, events: EventLog
) -> None:
    deployment_id = registry.deploy(_config(demo, "predict", "serve"))
    events.wait_for(deployment_id, {"bind"})
    pgid = registry.get(deployment_id).pgid
    assert registry.stop(deployment_id) is True
    assert not group_alive(pgid)
    final = events.wait_for(deployment_id, {"stopped", "failed"})
    assert final["stage"] == "stopped"
    assert "ready" not in events.stages(deployment_id)
