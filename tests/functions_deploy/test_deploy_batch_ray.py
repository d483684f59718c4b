"""The batch target on a real local Ray (2 CPUs, auth off): the deployment's process joins
the session's Ray, runs the demo's predict over its JSON Lines file and writes one result
per line, reporting progress. One test: Ray is slow to start on two shared cores."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import DemoWorkspace, EventLog, wait_until
from mfstudio.functions_deploy import DeployConfig, Deployments
from mfstudio.launch.runner import group_alive
from ray_support import RAY_ENV, start_local_ray


@pytest.fixture(scope="module")
def ray_address() -> Iterator[str]:
    """The address of the session's Ray (tests/functions starts one in this process when
    its tests ran first), else of one started here for this module and shut down after."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in RAY_ENV.items():
            patch.setenv(key, value)
        ray = pytest.importorskip("ray", reason="the ray extra is not installed")
        owned = not ray.is_initialized()
        if owned:
            start_local_ray(ray)
        try:
            yield str(ray.get_runtime_context().gcs_address)
        finally:
            if owned:
                ray.shutdown()


def test_deploy_batch_writes_predictions_with_progress(
    demo: DemoWorkspace,
    ray_address: str,
    deploy_env: None,
    events: EventLog,
    stop_all: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RAY_ADDRESS", ray_address)  # the deployment joins it, not a new Ray
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    source = demo.root / "functions" / "inputs.jsonl"
    original = source.read_bytes()
    registry = Deployments(events)
    stop_all.append(registry)
    config = DeployConfig(
        workspace=str(demo.root),
        module="functions.predict",
        function="predict",
        task=demo.succeeded_end,
        root=str(demo.root),
        target="batch",
        artifacts=["model"],
        options={"input_file": "functions/inputs.jsonl"},
    )
    deployment_id = registry.deploy(config)
    done = events.wait_for(deployment_id, {"done", "failed"})
    assert done["stage"] == "done", done
    output = demo.root / "functions" / "inputs.predictions.jsonl"
    assert done["output_file"] == str(output)
    records = [json.loads(line) for line in original.decode().splitlines()]
    results = [json.loads(line) for line in output.read_text().splitlines()]
    assert len(results) == len(records) == 20
    for record, result in zip(records, results, strict=True):
        assert result["y"] == pytest.approx(demo.predict(record["x"]))
    progress = [(e["done"], e["total"]) for e in events.of(deployment_id) if e["stage"] == "batch"]
    assert progress[0] == (0, 20) and progress[-1] == (20, 20)
    assert source.read_bytes() == original
    process = registry.get(deployment_id).process
    wait_until(lambda: process.poll() is not None, timeout=120)
    assert process.returncode == 0
    wait_until(lambda: not group_alive(process.pid), timeout=60)
    assert registry.request(deployment_id, {"x": 1})["status"] == 409
