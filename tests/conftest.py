"""Shared fixtures: real Metaflow runs made once per session (see runs_fixture.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "pyserver", ROOT / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from insight_fixture import InsightRuns, make_insight_runs  # noqa: E402
from runs_fixture import QueryRuns, make_runs  # noqa: E402


@pytest.fixture(scope="session")
def query_runs(tmp_path_factory: pytest.TempPathFactory) -> QueryRuns:
    """Two real runs of QueryFlow (one succeeded with a retry, one failed), shared by the
    session's tests. Tests must not write into it; copy it (``copy_runs``) to damage files."""
    return make_runs(tmp_path_factory.mktemp("query-runs"))


@pytest.fixture(scope="session")
def insight_runs(tmp_path_factory: pytest.TempPathFactory) -> InsightRuns:
    """Four real runs of CompareFlow with known differences (see insight_fixture.py), for
    timeline, compare and lineage tests. Read-only, like ``query_runs``."""
    return make_insight_runs(tmp_path_factory.mktemp("insight-runs"))
