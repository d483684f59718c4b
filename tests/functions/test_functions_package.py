"""Function packages: every file hashed, tampering and foreign Python versions refused."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import predict_fn
import pytest
from conftest import BOUND, Exported
from metaflow import JsonFunction, function_from_json
from metaflow_extensions.studio.toplevel.functions import (
    FunctionReferenceError,
    PackageError,
    PackageIntegrityError,
    PythonVersionMismatchError,
)


def _copy(exported: Exported, tmp_path: Path) -> tuple[Path, str]:
    """A private copy of predict's package and a reference pointing at it."""
    folder = tmp_path / "pkg"
    shutil.copytree(exported.folder, folder)
    ref = json.loads(exported.predict_ref)
    ref["package"]["url"] = folder.as_uri()
    return folder, json.dumps(ref)


def test_functions_manifest_covers_every_file(exported: Exported) -> None:
    folder = exported.folder
    manifest = json.loads((folder / "manifest.json").read_text())
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert sorted(manifest["files"]) == [f for f in files if f != "manifest.json"]
    assert {
        "function.json",
        "lock.json",
        "code/predict_fn.py",
        "code/iris_features.py",
        "artifacts/model.pickle",
    } <= set(manifest["files"])
    for rel, digest in manifest["files"].items():
        assert hashlib.sha256((folder / rel).read_bytes()).hexdigest() == digest
    package_hash = json.loads(exported.predict_ref)["package"]["sha256"]
    assert hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest() == package_hash


def test_functions_tampered_file_is_refused_naming_it(exported: Exported, tmp_path: Path) -> None:
    folder, ref = _copy(exported, tmp_path)
    code = folder / "code" / "iris_features.py"
    original = hashlib.sha256(code.read_bytes()).hexdigest()
    code.write_text(code.read_text() + "\nimport os; os.system('echo owned')\n")
    with pytest.raises(PackageIntegrityError) as info:
        function_from_json(ref)
    err = info.value
    assert err.path == "code/iris_features.py"
    assert err.expected == original
    assert err.found == hashlib.sha256(code.read_bytes()).hexdigest()
    assert "'code/iris_features.py' has sha256" in str(err) and original in str(err)


def test_functions_added_file_is_refused(exported: Exported, tmp_path: Path) -> None:
    folder, ref = _copy(exported, tmp_path)
    (folder / "code" / "sitecustomize.py").write_text("print('injected')\n")
    with pytest.raises(
        PackageIntegrityError, match=r"'code/sitecustomize\.py' is not in its manifest"
    ):
        function_from_json(ref)


def test_functions_swapped_manifest_is_refused(exported: Exported, tmp_path: Path) -> None:
    folder, ref = _copy(exported, tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "artifacts" / "model.pickle").write_bytes(b"evil")
    manifest["files"]["artifacts/model.pickle"] = hashlib.sha256(b"evil").hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(
        PackageIntegrityError, match=r"'manifest\.json' has sha256 .* the reference"
    ):
        function_from_json(ref)


def test_functions_other_python_version_is_refused_naming_both(
    train_task: Any, tmp_path: Path
) -> None:
    fn = JsonFunction(predict_fn.predict, task=train_task, artifacts=BOUND)
    fn.lock.python = "3.99"  # as if bound under an interpreter this machine lacks
    ref = fn.export((tmp_path / "py399").as_uri())
    with pytest.raises(PythonVersionMismatchError) as info:
        function_from_json(ref)
    assert info.value.package_python == "3.99"
    assert "built for Python 3.99" in str(info.value)
    assert f"runs Python {info.value.local_python}" in str(info.value)


def test_functions_bad_references_get_clear_errors(exported: Exported, tmp_path: Path) -> None:
    with pytest.raises(FunctionReferenceError, match="expected the JSON string"):
        function_from_json("predict")
    with pytest.raises(FunctionReferenceError, match="'format' must be"):
        function_from_json('{"a": 1}')
    ref = json.loads(exported.predict_ref)
    ref["version"] = 7
    with pytest.raises(FunctionReferenceError, match="version 7 is not supported"):
        function_from_json(json.dumps(ref))
    ref = json.loads(exported.predict_ref)
    ref["package"]["url"] = (tmp_path / "nowhere").as_uri()
    with pytest.raises(PackageError, match=r"'manifest\.json' is missing"):
        function_from_json(json.dumps(ref))
    ref["package"]["url"] = "ftp://host/predict"
    with pytest.raises(PackageError, match="unsupported package location"):
        function_from_json(json.dumps(ref))
    with pytest.raises(ValueError, match="backend 'spark' is not available yet; available: local"):
        function_from_json(exported.predict_ref, backend="spark")
