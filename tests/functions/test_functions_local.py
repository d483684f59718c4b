"""The local backend: the function runs in its own environment's process, over JSON lines."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import IRIS_RECORD, Exported, map_in_fresh_process
from metaflow import function_from_json
from metaflow_extensions.studio.toplevel.functions import FunctionCallError
from metaflow_extensions.studio.toplevel.functions.package import functions_home


def test_functions_loaded_predictions_equal_in_process(exported: Exported) -> None:
    with function_from_json(exported.predict_ref) as fn:
        # Another process, running the environment built from the lock, not this interpreter.
        assert fn.pid != os.getpid()
        # (its interpreter is the base Python; the environment is the cached venv).
        assert Path(fn.executable).parents[2] == functions_home() / "envs"
        assert [fn(r) for r in exported.records] == exported.in_process
        assert fn.map(exported.records) == exported.in_process
        assert fn.output_schema["required"] == ["label", "prediction"]


def test_functions_fresh_process_loads_the_exported_folder(exported: Exported) -> None:
    """A separate caller (not the binding process) loads the package by its reference."""
    assert map_in_fresh_process(exported.predict_ref, exported.records) == exported.in_process


def test_functions_exception_comes_back_typed_and_worker_survives(exported: Exported) -> None:
    with function_from_json(exported.noisy_ref) as fn:
        with pytest.raises(FunctionCallError) as info:
            fn({"fail": 7})
        assert info.value.type == "ValueError"
        assert info.value.message == "asked to fail with code 7"
        assert "noisy" in info.value.remote_traceback
        # Prints inside the function went to stderr; the protocol still works.
        assert fn({}) == {"ok": True}
        with pytest.raises(FunctionCallError) as info:
            fn.map([{}, {}, {"fail": 1}])
        assert "(record 2 of the batch)" in info.value.message
        with pytest.raises(FunctionCallError, match="TypeError: the function's result is not JSON"):
            fn({"bad_result": True})
        assert fn({}) == {"ok": True}


def test_functions_bad_record_is_a_typed_error(exported: Exported) -> None:
    with function_from_json(exported.predict_ref) as fn:
        record = dict(IRIS_RECORD)
        del record["petal_width"]
        with pytest.raises(FunctionCallError) as info:
            fn(record)
        assert info.value.type == "KeyError"
        assert "petal_width" in info.value.message
