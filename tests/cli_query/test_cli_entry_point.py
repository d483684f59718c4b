"""The real entry points: the installed ``mfstudio`` script and ``python -m mfstudio.cli``,
as a script or an agent runs them (own process, own stdout, exit code)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from runs_fixture import QueryRuns

MFSTUDIO = Path(sys.executable).with_name("mfstudio")


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


def test_installed_script_failures_json(query_runs: QueryRuns) -> None:
    done = _run(str(MFSTUDIO), "failures", query_runs.failed_run, "--root", str(query_runs.root),
                "--json")  # fmt: skip
    assert done.returncode == 1, done.stderr  # the run has failed tasks
    report = json.loads(done.stdout)
    assert report["run"] == query_runs.failed_run
    assert [f["exception_type"].rsplit(".", 1)[-1] for f in report["failures"]] == ["RuntimeError"]
    assert report["cost"]["files_read"] > 0


def test_module_entry_point_bad_pathspec(query_runs: QueryRuns) -> None:
    done = _run(sys.executable, "-m", "mfstudio.cli", "summary", "QueryFlow/1",
                "--root", str(query_runs.root))  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("mfstudio summary: No run 'QueryFlow/1'")
    assert "Nearest existing: QueryFlow/" in done.stderr


def test_installed_script_runs_table(query_runs: QueryRuns) -> None:
    done = _run(str(MFSTUDIO), "runs", "QueryFlow", "--root", str(query_runs.root))
    assert done.returncode == 0, done.stderr
    assert query_runs.ok_run in done.stdout and query_runs.failed_run in done.stdout
