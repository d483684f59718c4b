"""Fixtures for "Deploy as function": a copy of the demo workspace with the demo's real runs
(scripts/demo_runs.py: a succeeded and a failed TrainingFlow run), extra functions written
into it by the tests, and a recorder of a deployment's events that waits for conditions."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "test-fixtures" / "demo"
if str(ROOT / "tests" / "lsp") not in sys.path:  # lsp_harness, for the real server tests
    sys.path.insert(0, str(ROOT / "tests" / "lsp"))

from runs_fixture import metaflow_env  # noqa: E402

DEPLOY_TIMEOUT_S = 600.0
"""A first deployment builds the function's environment (a minute on a loaded machine)."""

EXTRA_FUNCTIONS = '''\
"""Functions the tests deploy besides the demo's predict."""

import time
from typing import TypedDict

import metaflow as mf
from metaflow import FunctionParameters


class Point(TypedDict):
    x: float


@mf.json_function
def guarded(data: Point, params: FunctionParameters) -> dict:
    """The demo's line, refusing negative x."""
    if data["x"] < 0:
        raise ValueError(f"x must be 0 or more, got {data['x']}")
    if data["x"] == 999:  # a stuck call
        time.sleep(3600)
    w, b = params.model
    return {"y": w * data["x"] + b}


@mf.json_function
def needs_weights(data: dict, params: FunctionParameters) -> dict:
    return {"w": params.weights}
'''


@dataclass(frozen=True)
class DemoWorkspace:
    root: Path  # the workspace folder; holds .metaflow
    succeeded_end: str  # the end task of the succeeded run
    failed_run: str  # Flow/run of the failed run
    model: tuple[float, float]  # (w, b) of the succeeded run

    def predict(self, x: float) -> float:
        w, b = self.model
        return w * x + b


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoWorkspace:
    root = tmp_path_factory.mktemp("deploy-demo") / "demo"
    for folder in ("flows", "functions"):
        shutil.copytree(DEMO / folder, root / folder)
    (root / "functions" / "checks.py").write_text(EXTRA_FUNCTIONS)
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo_runs.py"), str(root)],
        env=metaflow_env(root),
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    from mfstudio.query import list_runs, open_backend

    runs = list_runs("TrainingFlow", backend=open_backend(root)).runs
    ok = next(r for r in runs if r.status == "succeeded")
    failed = next(r for r in runs if r.status == "failed")
    end_tasks = list((root / ".metaflow" / "TrainingFlow" / ok.run_id / "end").iterdir())
    succeeded_end = f"{ok.pathspec}/end/{end_tasks[0].name}"
    return DemoWorkspace(root, succeeded_end, failed.pathspec, _model(root, succeeded_end))


def _model(root: Path, task: str) -> tuple[float, float]:
    """The run's ``model`` artifact through Metaflow's client (the test may unpickle)."""
    import metaflow

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("METAFLOW_CLIENT_CACHE_PATH", str(root / ".client-cache"))
        patch.setenv("USERNAME", "tester")
        previous = metaflow.get_metadata()
        metaflow.metadata(f"local@{root}")
        metaflow.namespace(None)
        try:
            w, b = metaflow.Task(task)["model"].data
        finally:
            metaflow.default_namespace()
            with contextlib.suppress(ValueError):
                metaflow.metadata(previous)
    return float(w), float(b)


@pytest.fixture
def deploy_env(demo: DemoWorkspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a deployment process inherits: Metaflow's user name and a client cache inside
    the workspace copy (never the machine's /tmp/metaflow_client)."""
    monkeypatch.setenv("USERNAME", "tester")
    monkeypatch.setenv("METAFLOW_CLIENT_CACHE_PATH", str(demo.root / ".client-cache"))


class EventLog:
    """Events of deployments as they arrive (from reader threads); tests wait on conditions."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self._changed = threading.Condition()

    def __call__(self, deployment_id: str, event: dict[str, Any]) -> None:
        with self._changed:
            self.events.append((deployment_id, event))
            self._changed.notify_all()

    def of(self, deployment_id: str) -> list[dict[str, Any]]:
        with self._changed:
            return [e for d, e in self.events if d == deployment_id]

    def stages(self, deployment_id: str) -> list[str]:
        return [e["stage"] for e in self.of(deployment_id)]

    def wait_for(
        self, deployment_id: str, stages: set[str], timeout: float = DEPLOY_TIMEOUT_S
    ) -> dict[str, Any]:
        """The first event of ``deployment_id`` whose stage is in ``stages``."""
        return wait_until(lambda: _first(self.of(deployment_id), stages), self._changed, timeout)


def _first(events: list[dict[str, Any]], stages: set[str]) -> dict[str, Any] | None:
    return next((e for e in events if e["stage"] in stages), None)


def wait_until(
    found: Callable[[], Any], changed: threading.Condition | None = None, timeout: float = 60.0
) -> Any:
    """``found()``'s first truthy value (waiting on ``changed`` or polling); fails on timeout."""
    deadline = time.monotonic() + timeout
    while (value := found()) is None or value is False:
        left = deadline - time.monotonic()
        assert left > 0, f"condition not met within {timeout:g} s"
        if changed is not None:
            with changed:
                changed.wait(min(left, 0.5))
        else:
            time.sleep(0.05)
    return value


@pytest.fixture
def events() -> EventLog:
    return EventLog()


@pytest.fixture
def stop_all() -> Iterator[list[Any]]:
    """Registries made by a test; every deployment is stopped after it, pass or fail."""
    registries: list[Any] = []
    yield registries
    for registry in registries:
        registry.stop_all()
