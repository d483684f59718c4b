"""A long-lived backend remembers runs that ended well (their files never change again,
except the user tags) and checks them with two stats; failed and running runs are always
read afresh."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from mfstudio.query import api
from mfstudio.query.local.backend import LocalBackend
from runs_fixture import QueryRuns

FLOW = "QueryFlow"


def test_a_succeeded_run_is_read_once_then_checked_by_two_stats(query_runs: QueryRuns) -> None:
    backend = LocalBackend.open(query_runs.root)
    first = api.list_runs(FLOW, status="succeeded", backend=backend)
    again = api.list_runs(FLOW, status="succeeded", backend=backend)
    assert [r.pathspec for r in again.runs] == [query_runs.ok_run]
    # A finished run's duration is fixed, so the answers are equal field for field.
    assert [r.to_json() for r in again.runs] == [r.to_json() for r in first.runs]
    # Both pages also examine the failed run (to filter it out by its status); the
    # succeeded run's metadata, parameters and origin are not read again.
    assert again.cost.files_read < first.cost.files_read
    assert again.cost.dirs_listed < first.cost.dirs_listed


def test_failed_runs_are_read_afresh_every_time(query_runs: QueryRuns) -> None:
    backend = LocalBackend.open(query_runs.root)
    api.list_runs(FLOW, status="failed", backend=backend)
    again = api.list_runs(FLOW, status="failed", backend=backend)
    assert [r.pathspec for r in again.runs] == [query_runs.failed_run]
    assert again.cost.files_read > 0  # a failed run may still retry: never cached


def test_changed_tags_show_at_once(query_runs: QueryRuns, tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(query_runs.metaflow_dir, root / ".metaflow")
    backend = LocalBackend.open(root)
    (before,) = api.list_runs(FLOW, status="succeeded", backend=backend).runs
    meta_file = root / ".metaflow" / query_runs.ok_run / "_meta" / "_self.json"
    meta = json.loads(meta_file.read_text())
    meta["tags"] = [*meta.get("tags", []), "promoted"]
    meta_file.write_text(json.dumps(meta))
    stat = meta_file.stat()  # a coarse clock must not hide the change
    os.utime(meta_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    (after,) = api.list_runs(FLOW, status="succeeded", backend=backend).runs
    assert "promoted" not in before.tags and "promoted" in after.tags


def test_a_caller_changing_its_answer_does_not_change_the_next_one(
    query_runs: QueryRuns,
) -> None:
    backend = LocalBackend.open(query_runs.root)
    (run,) = api.list_runs(FLOW, status="succeeded", backend=backend).runs
    run.tags.append("mine")
    run.parameters["x"] = "y"
    (again,) = api.list_runs(FLOW, status="succeeded", backend=backend).runs
    assert "mine" not in again.tags and "x" not in again.parameters
