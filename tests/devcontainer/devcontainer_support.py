"""Shared by the @devcontainer tests: where fixtures live, how a flow run is started."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "test-fixtures" / "devcontainer"
LABEL = "mfstudio.devcontainer"


@dataclass
class FlowRun:
    root: Path  # the run's folder: flow files and .metaflow
    proc: subprocess.CompletedProcess[str]
    flow: str

    @property
    def run_id(self) -> str:
        return (self.root / "run-id").read_text().strip()

    @property
    def pathspec(self) -> str:
        return f"{self.flow}/{self.run_id}"

    @property
    def output(self) -> str:
        return self.proc.stdout


def flow_command(flow_file: Path, *args: str) -> list[str]:
    return [sys.executable, str(flow_file), "--no-pylint", "run", "--run-id-file", "run-id", *args]


def copy_fixture(name: str, dest: Path) -> Path:
    """Copies test-fixtures/devcontainer/<name> (a file or a folder) into dest."""
    source = FIXTURES / name
    if source.is_dir():
        shutil.copytree(source, dest / name)
    else:
        shutil.copy(source, dest / name)
    return dest / name
