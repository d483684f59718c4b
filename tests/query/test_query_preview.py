"""artifact_value(): previews of real artifacts compared with the values the Metaflow client
unpickles; size refusals, unknown names, missing modules, and the bounded renderer."""

from __future__ import annotations

import gzip
import hashlib
import json
import pickle
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from client_probe import client_json
from datastore_snapshot import snapshot
from mfstudio.query import api
from mfstudio.query.errors import NotFoundError, QueryError
from mfstudio.query.local.backend import LocalBackend
from mfstudio.query.local.render import render
from runs_fixture import QueryRuns

_CLIENT_VALUES = """
task = Task(TASK)
result = {}
for artifact in task:
    value = artifact.data
    entry = {"repr": repr(value), "len": len(value) if hasattr(value, "__len__") else None}
    if isinstance(value, (str, bytes)):
        entry["text"] = value[:2000] if isinstance(value, str) else None
    if hasattr(value, "shape"):
        entry["shape"] = list(value.shape)
    if hasattr(value, "columns"):
        entry["columns"] = [f"{c}: {t}" for c, t in zip(value.columns, value.dtypes)]
        entry["head"] = value.head(10).to_string()
    elif hasattr(value, "dtype"):
        entry["dtype"] = str(value.dtype)
    result[artifact.id] = entry
"""


@pytest.fixture(scope="module")
def backend(query_runs: QueryRuns) -> LocalBackend:
    return LocalBackend.open(query_runs.root)


@pytest.fixture(scope="module")
def start_task(query_runs: QueryRuns) -> str:
    return f"{query_runs.ok_run}/start/1"


def test_previews_agree_with_the_clients_values(
    query_runs: QueryRuns, backend: LocalBackend, start_task: str
) -> None:
    values: dict[str, dict[str, Any]] = client_json(
        query_runs.root, f"TASK = {start_task!r}\n" + _CLIENT_VALUES
    )
    assert set(values) == {a.name for a in api.artifacts(start_task, backend=backend).artifacts}
    kinds = {}
    for name, expected in values.items():
        preview = api.artifact_value(start_task, name, backend=backend)
        kinds[name] = preview.kind
        if preview.kind in ("scalar", "sequence", "mapping"):
            assert preview.preview == expected["repr"] and not preview.truncated, name
        if preview.kind == "dataframe":
            assert preview.shape == expected["shape"]
            assert preview.columns == expected["columns"]
            assert preview.preview == expected["head"]
        if preview.kind == "array":
            assert (preview.shape, preview.dtype) == (expected["shape"], expected["dtype"])
            assert preview.preview == expected["repr"]
        if preview.kind == "text" and expected["text"] is not None:
            assert preview.preview == expected["text"]
        if expected["len"] is not None and preview.kind not in ("dataframe", "array"):
            assert preview.shape == [expected["len"]], name
    assert kinds == {
        "alpha": "scalar",
        "fail": "scalar",
        "blob": "text",
        "label": "text",
        "name": "text",
        "note": "text",
        "config": "mapping",
        "items": "sequence",
        "frame": "dataframe",
        "matrix": "array",
    }


def test_html_in_a_string_is_plain_text(backend: LocalBackend, start_task: str) -> None:
    note = api.artifact_value(start_task, "note", backend=backend)
    assert note.preview == "<script>alert('x')</script> <b>not bold</b>"
    assert note.type == "builtins.str" and note.kind == "text"


def test_bytes_show_their_start_and_length(backend: LocalBackend, start_task: str) -> None:
    blob = api.artifact_value(start_task, "blob", backend=backend)
    assert blob.preview.startswith("b'\\x00\\x00") and blob.preview.endswith("(200,000 bytes)")
    assert blob.truncated and blob.shape == [200_000]
    assert len(blob.preview) <= api.Limits.preview_chars


def test_a_retried_task_previews_its_successful_attempt(
    query_runs: QueryRuns, backend: LocalBackend
) -> None:
    xs = {}
    for task in api.artifacts(f"{query_runs.ok_run}/work", name="x", backend=backend).artifacts:
        xs[task.pathspec] = api.artifact_value(task.pathspec, "x", backend=backend).preview
    assert sorted(xs.values()) == sorted(repr(i * 0.1) for i in range(6))


def test_size_limit_is_checked_before_reading(backend: LocalBackend, start_task: str) -> None:
    with pytest.raises(
        QueryError, match=r"'blob' .* is 200,009 bytes pickled, above max_bytes=1,000"
    ):
        api.artifact_value(start_task, "blob", max_bytes=1000, backend=backend)


def test_unknown_artifact_names_the_nearest(backend: LocalBackend, start_task: str) -> None:
    with pytest.raises(
        NotFoundError, match=r"No artifact '.*/start/1/frmae'.*Nearest existing: frame"
    ):
        api.artifact_value(start_task, "frmae", backend=backend)


def test_a_missing_module_is_a_clear_error(
    query_runs: QueryRuns, start_task: str, tmp_path: Path
) -> None:
    """An artifact whose class lives in a module this interpreter cannot import (here one
    that existed only while the artifact was pickled)."""
    shutil.copytree(query_runs.metaflow_dir, tmp_path / ".metaflow")
    module = tmp_path / "mods" / "vanished_module_xyz.py"
    module.parent.mkdir()
    module.write_text("class Model:\n    def __init__(self):\n        self.weights = [1, 2]\n")
    sys.path.insert(0, str(module.parent))
    try:
        import vanished_module_xyz  # type: ignore[import-not-found]

        raw = pickle.dumps(vanished_module_xyz.Model(), protocol=4)
    finally:
        sys.path.remove(str(module.parent))
        sys.modules.pop("vanished_module_xyz", None)
    _add_artifact(tmp_path / ".metaflow", start_task, "model", raw, "vanished_module_xyz.Model")
    backend = LocalBackend.open(tmp_path)
    listed = api.artifacts(start_task, name="model", backend=backend).artifacts
    assert [a.type for a in listed] == ["vanished_module_xyz.Model"]
    with pytest.raises(QueryError) as err:
        api.artifact_value(start_task, "model", backend=backend)
    assert "'vanished_module_xyz'" in str(err.value) and sys.executable in str(err.value)


def test_a_damaged_blob_is_a_clear_error(
    query_runs: QueryRuns, start_task: str, tmp_path: Path
) -> None:
    shutil.copytree(query_runs.metaflow_dir, tmp_path / ".metaflow")
    layout = LocalBackend.open(tmp_path).layout
    sha = next(
        a.sha
        for a in api.artifacts(start_task, name="config", backend=LocalBackend(layout)).artifacts
    )
    layout.blob_path("QueryFlow", sha).write_bytes(b"not gzip at all")
    with pytest.raises(QueryError, match=r"blob of artifact 'config' .* is damaged"):
        api.artifact_value(start_task, "config", backend=LocalBackend(layout))


def test_an_uncompressed_blob_is_read_as_its_meta_says(
    query_runs: QueryRuns, start_task: str, tmp_path: Path
) -> None:
    shutil.copytree(query_runs.metaflow_dir, tmp_path / ".metaflow")
    _add_artifact(
        tmp_path / ".metaflow",
        start_task,
        "plain",
        pickle.dumps({"k": 7}),
        "builtins.dict",
        gzipped=False,
    )
    preview = api.artifact_value(start_task, "plain", backend=LocalBackend.open(tmp_path))
    assert preview.preview == "{'k': 7}"


def test_preview_writes_nothing(
    query_runs: QueryRuns, backend: LocalBackend, start_task: str
) -> None:
    before = snapshot(query_runs.metaflow_dir)
    for name in ("frame", "matrix", "config", "blob"):
        api.artifact_value(start_task, name, backend=backend)
    assert snapshot(query_runs.metaflow_dir) == before


def _add_artifact(
    metaflow_dir: Path, task: str, name: str, raw: bytes, type_name: str, *, gzipped: bool = True
) -> None:
    """Store ``raw`` (pickle bytes) as Metaflow does: a blob named by its sha1 (gzip unless
    its meta says ``cas_raw``), plus the entries of the task's 0.data.json."""
    sha = hashlib.sha1(raw).hexdigest()
    blob = metaflow_dir / task.split("/")[0] / "data" / sha[:2] / sha
    blob.parent.mkdir(parents=True, exist_ok=True)
    blob.write_bytes(gzip.compress(raw) if gzipped else raw)
    meta = {"cas_raw": not gzipped, "cas_version": 1}
    (blob.parent / f"{sha}_meta").write_text(json.dumps(meta))
    data_file = metaflow_dir / task / "0.data.json"
    data = json.loads(data_file.read_text())
    data["objects"][name] = sha
    data["info"][name] = {
        "size": len(raw),
        "type": f"<class '{type_name}'>",
        "encoding": "pickle-v4",
    }
    data_file.write_text(json.dumps(data))


# --- the renderer on values no fixture holds ----------------------------------------------


def test_render_bounds_large_and_nested_containers() -> None:
    big = render(list(range(1_000_000)))
    assert big.kind == "sequence" and big.truncated and big.shape == [1_000_000]
    assert big.text.startswith("[0, 1, 2,") and big.text.endswith("49, … 999,950 more]")
    nested = render({"a": {"b": {"c": {"d": {"e": 1}}}}})
    assert nested.kind == "mapping" and nested.truncated and "{…}" in nested.text
    small = render((1, "two", None, {3}))
    assert (small.text, small.truncated) == (repr((1, "two", None, {3})), False)
    assert render((1,)).text == "(1,)" and render(frozenset()).text == "frozenset()"


def test_render_scalars_text_and_objects() -> None:
    huge = render(10**5000)
    assert huge.kind == "scalar" and huge.text == f"<int of {(10**5000).bit_length():,} bits>"
    assert render(1 + 2j).text == "(1+2j)" and render(None).text == "None"
    long_text = render("é" * 5000)
    assert long_text.kind == "text" and long_text.truncated
    assert long_text.text == "é" * api.Limits.preview_chars and long_text.shape == [5000]

    class Opaque:
        def __repr__(self) -> str:
            return "<Opaque " + "z" * 10_000 + ">"

    opaque = render(Opaque())
    assert opaque.kind == "object" and opaque.truncated
    assert len(opaque.text) == api.Limits.preview_chars and opaque.text.endswith("…")


def test_render_numpy_scalars_and_series() -> None:
    numpy = pytest.importorskip("numpy")
    pandas = pytest.importorskip("pandas")
    scalar = render(numpy.float32(1.5))
    assert (scalar.kind, scalar.text, scalar.dtype) == (
        "scalar",
        repr(numpy.float32(1.5)),
        "float32",
    )
    array = render(numpy.zeros((1000, 1000), dtype=numpy.int8))
    assert array.kind == "array" and array.shape == [1000, 1000] and array.dtype == "int8"
    assert len(array.text) <= api.Limits.preview_chars  # numpy summarises, we cap
    series = render(pandas.Series([1.0, 2.0], name="s"))
    assert series.kind == "array" and series.shape == [2] and series.dtype == "float64"
