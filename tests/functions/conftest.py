"""A real TrainFlow run (scikit-learn on iris) shared by the Metaflow Functions tests.

The run is made once per session in a temporary folder; tests bind functions to its
``train`` task through Metaflow's own client. Environments built from packages are cached
under the user's functions home (~/.cache/metaflow-studio/functions), so only the first
session pays for the build.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "test-fixtures" / "functions"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))

from runs_fixture import metaflow_env  # noqa: E402


@dataclass(frozen=True)
class TrainRun:
    root: Path  # holds .metaflow
    train_task: str  # "TrainFlow/<run>/train/<task>"


@pytest.fixture(scope="session")
def train_run(tmp_path_factory: pytest.TempPathFactory) -> TrainRun:
    root = tmp_path_factory.mktemp("train-run")
    flow = root / "train_flow.py"
    flow.write_bytes((FIXTURES / "train_flow.py").read_bytes())
    proc = subprocess.run(
        [sys.executable, str(flow), "--no-pylint", "run", "--run-id-file", "run.id"],
        cwd=root,
        env=metaflow_env(root),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"TrainFlow failed:\n{proc.stdout}\n{proc.stderr}")
    run_id = (root / "run.id").read_text().strip()
    task_ids = [p.name for p in (root / ".metaflow" / "TrainFlow" / run_id / "train").iterdir()]
    return TrainRun(root=root, train_task=f"TrainFlow/{run_id}/train/{task_ids[0]}")


@contextlib.contextmanager
def task_client(train_run: TrainRun) -> Iterator[Any]:
    """The ``train`` task through Metaflow's client, pointed at the run's folder."""
    import metaflow

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("METAFLOW_CLIENT_CACHE_PATH", str(train_run.root / ".client-cache"))
        patch.setenv("USERNAME", "tester")
        previous = metaflow.get_metadata()
        metaflow.metadata(f"local@{train_run.root}")
        metaflow.namespace(None)
        try:
            yield metaflow.Task(train_run.train_task)
        finally:
            metaflow.default_namespace()
            with contextlib.suppress(ValueError):  # there was no .metaflow to return to
                metaflow.metadata(previous)


@pytest.fixture
def train_task(train_run: TrainRun) -> Iterator[Any]:
    with task_client(train_run) as task:
        yield task


@dataclass(frozen=True)
class Exported:
    """predict_fn.predict and .noisy bound to the train task and exported to folders."""

    predict_ref: str
    noisy_ref: str
    folder: Path  # predict's package
    records: list[dict[str, float]]
    in_process: list[Any]  # predict(record) for each record, in the binding process


@pytest.fixture(scope="session")
def exported(train_run: TrainRun, tmp_path_factory: pytest.TempPathFactory) -> Exported:
    import predict_fn
    from metaflow import JsonFunction

    folder = tmp_path_factory.mktemp("exported")
    with task_client(train_run) as task:
        fn = JsonFunction(predict_fn.predict, task=task, artifacts=BOUND)
        names = task["feature_names"].data
        records = [dict(zip(names, row, strict=True)) for row in task["sample_rows"].data]
        in_process = [fn(r) for r in records]
        predict_ref = fn.export((folder / "predict").as_uri())
        noisy = JsonFunction(predict_fn.noisy, task=task, artifacts=[])
        noisy_ref = noisy.export((folder / "noisy").as_uri())
    return Exported(predict_ref, noisy_ref, folder / "predict", records, in_process)


BOUND = ["model", "feature_names", "class_names"]
IRIS_RECORD = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
