"""Binding a JSON function to a real task: artifacts, environment capture, reference."""

from __future__ import annotations

import importlib.metadata as md
import json
import pickle
import sys
from typing import Any

import numpy as np
import predict_fn
import pytest
from conftest import BOUND, IRIS_RECORD, TrainRun
from datastore_snapshot import snapshot
from metaflow import JsonFunction
from metaflow_extensions.studio.toplevel.functions import ArtifactNotFoundError
from metaflow_extensions.studio.toplevel.functions.capture import (
    lock_from_decorators,
    pickle_modules,
)


def test_functions_bind_captures_code_lock_and_python(train_task: Any) -> None:
    fn = JsonFunction(predict_fn.predict, task=train_task, artifacts=BOUND)
    # The function's module and the local module it imports; nothing from site-packages.
    assert sorted(fn.code.files) == ["iris_features.py", "predict_fn.py"]
    assert fn.code.module == "predict_fn"
    lock = fn.lock.to_json()
    assert lock["python"] == f"{sys.version_info[0]}.{sys.version_info[1]}"
    pinned = dict(r.split("==") for r in lock["requirements"])
    # The model's pickle names sklearn and numpy; the code imports metaflow. Each is pinned
    # to the version installed here, with its own requirements (scipy, joblib...).
    for dist in ("scikit-learn", "numpy", "scipy", "joblib", "metaflow"):
        assert pinned[dist] == md.version(dist), dist
    assert "metaflow-studio" not in pinned  # the runtime reaches the worker separately
    assert lock["source"] == "imports"


def test_functions_bind_all_artifacts_by_default(train_task: Any) -> None:
    fn = JsonFunction(predict_fn.predict, task=train_task)
    assert fn.artifacts == [
        "accuracy",
        "class_names",
        "feature_names",
        "model",
        "name",
        "sample_rows",
    ]


def test_functions_missing_artifact_fails_at_bind_with_its_name(train_task: Any) -> None:
    with pytest.raises(ArtifactNotFoundError) as info:
        JsonFunction(predict_fn.predict, task=train_task, artifacts=["model", "feature_nmes"])
    message = str(info.value)
    assert "artifact 'feature_nmes' is not in task " + train_task.pathspec in message
    assert "did you mean 'feature_names'" in message
    assert info.value.name == "feature_nmes"


def test_functions_in_process_call_matches_the_model(train_task: Any) -> None:
    fn = JsonFunction(predict_fn.predict, task=train_task, artifacts=BOUND)
    model = train_task["model"].data
    names = train_task["feature_names"].data
    for row in train_task["sample_rows"].data:
        record = dict(zip(names, row, strict=True))
        expected = int(model.predict(np.array([row]))[0])
        assert fn(record)["prediction"] == expected
    assert fn(IRIS_RECORD) == {"prediction": 0, "label": "setosa"}


def test_functions_binding_reads_without_writing(train_run: TrainRun, train_task: Any) -> None:
    before = snapshot(train_run.root / ".metaflow")
    fn = JsonFunction(predict_fn.predict, task=train_task, artifacts=BOUND)
    fn(IRIS_RECORD)
    assert snapshot(train_run.root / ".metaflow") == before


def test_functions_reference_is_versioned_json_naming_the_package_hash(
    train_task: Any, tmp_path: Any
) -> None:
    fn = JsonFunction(predict_fn.predict, task=train_task, artifacts=BOUND)
    ref = json.loads(fn.export((tmp_path / "pkg").as_uri()))
    assert ref["format"] == "metaflow-function-reference" and ref["version"] == 1
    assert ref["function"] == "predict" and ref["task"] == train_task.pathspec
    assert ref["package"]["url"] == (tmp_path / "pkg").as_uri()
    assert len(ref["package"]["sha256"]) == 64
    assert ref["output_schema"]["required"] == ["label", "prediction"]
    # Same bound function, same content: the same hash (packages are reproducible).
    again = json.loads(fn.export((tmp_path / "again").as_uri()))
    assert again["package"]["sha256"] == ref["package"]["sha256"]


def test_functions_pickle_modules_are_read_without_unpickling() -> None:
    from sklearn.linear_model import LogisticRegression

    blob = pickle.dumps({"m": LogisticRegression(), "a": np.arange(3)}, protocol=4)
    found = pickle_modules(blob)
    assert "sklearn.linear_model._logistic" in found
    assert any(m.startswith("numpy") for m in found)
    assert pickle_modules(b"not a pickle") == set()


def test_functions_step_pypi_decorator_is_the_lock() -> None:
    graph_info = {
        "decorators": [{"name": "pypi_base", "attributes": {"packages": {"pandas": "2.2.0"}}}],
        "steps": {
            "train": {
                "decorators": [
                    {
                        "name": "pypi",
                        "attributes": {"packages": {"scikit-learn": "1.5.0"}, "python": "3.12"},
                    }
                ]
            },
            "end": {"decorators": []},
        },
    }
    lock = lock_from_decorators(graph_info, "train")
    assert lock is not None
    assert lock.source == "pypi" and lock.python == "3.12"
    assert "pandas==2.2.0" in lock.requirements and "scikit-learn==1.5.0" in lock.requirements
    assert f"metaflow=={md.version('metaflow')}" in lock.requirements
    assert lock_from_decorators({"steps": {"train": {"decorators": []}}}, "train") is None
