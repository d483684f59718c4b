"""scripts/demo_runs.py, which the README's first command runs on test-fixtures/demo: given
a relative folder it makes one succeeded and one failed run there, and a second call with
--if-missing makes none."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mfstudio.query import list_runs, open_backend

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_demo_runs_from_a_relative_folder(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "test-fixtures" / "demo", tmp_path / "demo")
    script = ROOT / "scripts" / "demo_runs.py"
    env = {"PATH": "/usr/bin:/bin", "USERNAME": "tester", "HOME": str(tmp_path)}
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, str(script), "demo", "--if-missing"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    runs = list_runs("TrainingFlow", backend=open_backend(tmp_path / "demo")).runs
    assert sorted(r.status for r in runs) == ["failed", "succeeded"]
    assert {t for r in runs for t in r.tags} == {"baseline", "sweep"}
