"""Real CompareFlow runs whose differences are known, for timeline, compare and lineage.

``make_insight_runs`` copies test-fixtures/runs/compare_flow.py into ``<root>/flows/`` (so
lineage finds the source one folder below the datastore's parent, as in a project with a
flows/ folder) and runs it from ``<root>``:

- ``low``: ``--alpha 0.5``, ``high``: ``--alpha 2.0`` (both succeed; only ``high`` has
  ``bonus``; ``score`` differs, ``base`` and ``constant`` do not);
- ``failed``: ``--alpha 1.5`` with COMPARE_FLOW_FAIL=1 (``join`` fails);
- ``resumed``: ``resume`` of ``failed`` without it (``start`` and ``fan`` are cloned).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from runs_fixture import metaflow_env

ROOT = Path(__file__).resolve().parents[1]
COMPARE_FLOW = ROOT / "test-fixtures" / "runs" / "compare_flow.py"


@dataclass(frozen=True)
class InsightRuns:
    root: Path  # the folder holding .metaflow
    flow_file: Path
    low: str  # "CompareFlow/<id>"
    high: str
    failed: str
    resumed: str

    @property
    def metaflow_dir(self) -> Path:
        return self.root / ".metaflow"


def _start(
    root: Path, flow_file: Path, id_file: str, *args: str, fail: bool = False
) -> subprocess.Popen[str]:
    env = metaflow_env(root)
    if fail:
        env["COMPARE_FLOW_FAIL"] = "1"
    command = [sys.executable, str(flow_file), "--no-pylint", *args, "--run-id-file", id_file]
    return subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _finish(process: subprocess.Popen[str], name: str, expect_ok: bool) -> None:
    out, _ = process.communicate(timeout=300)
    if (process.returncode == 0) != expect_ok:
        raise RuntimeError(f"the {name} run of CompareFlow ended with {process.returncode}:\n{out}")


def make_insight_runs(root: Path) -> InsightRuns:
    (root / "flows").mkdir(parents=True, exist_ok=True)
    (root / ".metaflow").mkdir(exist_ok=True)  # concurrent runs race on creating it
    flow_file = root / "flows" / COMPARE_FLOW.name
    shutil.copy(COMPARE_FLOW, flow_file)
    low = _start(root, flow_file, "low.id", "run", "--alpha", "0.5")
    high = _start(root, flow_file, "high.id", "run", "--alpha", "2.0")
    failed = _start(root, flow_file, "failed.id", "run", "--alpha", "1.5", fail=True)
    for process, name, ok in ((low, "low", True), (high, "high", True), (failed, "failed", False)):
        _finish(process, name, ok)
    failed_id = (root / "failed.id").read_text().strip()
    resumed = _start(root, flow_file, "resumed.id", "resume", "--origin-run-id", failed_id)
    _finish(resumed, "resumed", True)

    def run(name: str) -> str:
        return "CompareFlow/" + (root / f"{name}.id").read_text().strip()

    return InsightRuns(root, flow_file, run("low"), run("high"), run("failed"), run("resumed"))
