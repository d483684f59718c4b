"""Real Metaflow runs for the query, CLI, MCP and LSP tests.

``make_runs`` runs test-fixtures/runs/query_flow.py twice, concurrently, in a fresh folder:
``ok`` (tag ``nightly``, alpha 0.1: succeeds, work[2] needs a retry) and ``failed`` (tag
``broken``, ``--fail true``: work[4] fails on both attempts, so the run fails). The
folder is reused for the whole pytest session (``query_runs`` fixture in tests/conftest.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERY_FLOW = ROOT / "test-fixtures" / "runs" / "query_flow.py"


@dataclass(frozen=True)
class QueryRuns:
    root: Path  # the folder holding .metaflow
    ok_run: str  # "QueryFlow/<id>"
    failed_run: str

    @property
    def metaflow_dir(self) -> Path:
        return self.root / ".metaflow"


def metaflow_env(root: Path) -> dict[str, str]:
    """Environment for a Metaflow subprocess writing into ``root``/.metaflow."""
    env = dict(os.environ)
    env.update(
        USERNAME="tester",
        METAFLOW_CLIENT_CACHE_PATH=str(root / ".client-cache"),
        METAFLOW_DEFAULT_DATASTORE="local",
        METAFLOW_DEFAULT_METADATA="local",
        METAFLOW_DATASTORE_SYSROOT_LOCAL=str(root),
        PYTHONUNBUFFERED="1",
    )
    return env


def start_run(root: Path, flow_file: Path, *args: str, run_id_file: str) -> subprocess.Popen[str]:
    """Start ``python flow_file run ...`` in ``root``; the run id lands in ``run_id_file``."""
    (root / ".metaflow").mkdir(exist_ok=True)  # concurrent runs race on creating it
    return subprocess.Popen(
        [sys.executable, str(flow_file), "--no-pylint", "run", "--run-id-file", run_id_file, *args],
        cwd=root,
        env=metaflow_env(root),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def make_runs(root: Path) -> QueryRuns:
    root.mkdir(parents=True, exist_ok=True)
    flow_file = root / QUERY_FLOW.name
    shutil.copy(QUERY_FLOW, flow_file)
    ok = start_run(root, flow_file, "--tag", "nightly", "--alpha", "0.1", run_id_file="ok.id")
    failed = start_run(root, flow_file, "--tag", "broken", "--fail", "true", run_id_file="bad.id")
    ok_out, _ = ok.communicate(timeout=300)
    failed_out, _ = failed.communicate(timeout=300)
    if ok.returncode != 0:
        raise RuntimeError(f"the ok run of QueryFlow failed:\n{ok_out}")
    if failed.returncode == 0:
        raise RuntimeError(f"the failing run of QueryFlow succeeded:\n{failed_out}")
    return QueryRuns(
        root=root,
        ok_run="QueryFlow/" + (root / "ok.id").read_text().strip(),
        failed_run="QueryFlow/" + (root / "bad.id").read_text().strip(),
    )
