"""Environments from locks: uv and venv + pip, fallbacks, and code the capture cannot see."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from metaflow import JsonFunction, function_from_json
from metaflow_extensions.studio.toplevel.functions import EnvironmentBuildWarning, WorkerError
from metaflow_extensions.studio.toplevel.functions.capture import python_version
from metaflow_extensions.studio.toplevel.functions.envbuild import MARKER, ensure_env


def _six_version(python: Path) -> str:
    out = subprocess.run(
        [str(python), "-c", "import six, sys; print(six.__version__, sys.prefix)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()[0]


def test_functions_env_falls_back_to_unpinned_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MFSTUDIO_FUNCTIONS_HOME", str(tmp_path))
    lock = {"python": python_version(), "requirements": ["six==999.0"]}
    with pytest.warns(EnvironmentBuildWarning, match=r"could not install six==999\.0 .*unpinned"):
        python = ensure_env(lock)
    assert _six_version(python) != "999.0"
    assert "six==999.0" in (python.parents[1] / MARKER).read_text()
    assert ensure_env(lock) == python  # cached: no second build, no warning


def test_functions_env_builds_with_venv_and_pip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MFSTUDIO_FUNCTIONS_HOME", str(tmp_path))
    monkeypatch.setenv("MFSTUDIO_FUNCTIONS_INSTALLER", "pip")
    python = ensure_env({"python": python_version(), "requirements": ["six==1.16.0"]})
    assert _six_version(python) == "1.16.0"
    assert python.parents[1].parent == tmp_path / "envs"
    assert '"installer": "venv+pip"' in (python.parents[1] / MARKER).read_text()


def test_functions_code_the_capture_cannot_see_fails_at_start(
    train_task: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module imported by a computed name is not packaged: the worker says which."""
    (tmp_path / "dyn_fn.py").write_text(
        textwrap.dedent(
            """
            import importlib
            from metaflow import FunctionParameters, json_function

            helper = importlib.import_module("dyn_" + "helper")

            @json_function
            def dyn(data: dict, params: FunctionParameters) -> dict:
                return helper.answer(data)
            """
        )
    )
    (tmp_path / "dyn_helper.py").write_text("def answer(data):\n    return data\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import dyn_fn

    fn = JsonFunction(dyn_fn.dyn, task=train_task, artifacts=[])
    assert sorted(fn.code.files) == ["dyn_fn.py"]
    assert fn({"a": 1}) == {"a": 1}
    ref = fn.export((tmp_path / "pkg").as_uri())
    with pytest.raises(WorkerError) as info:
        function_from_json(ref)
    assert "could not start in its environment: ModuleNotFoundError" in str(info.value)
    assert "dyn_helper" in str(info.value)
    sys.modules.pop("dyn_fn", None)
