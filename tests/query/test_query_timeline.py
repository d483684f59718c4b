"""timeline() on real runs: one bar per task attempt, times and statuses as the Metaflow
client reports them (attempt and attempt-done metadata), retries and failures included."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from client_probe import client_json
from datastore_snapshot import snapshot
from insight_fixture import InsightRuns
from mfstudio.query import api
from mfstudio.query.errors import BadQueryError, NotFoundError
from mfstudio.query.local.backend import LocalBackend
from runs_fixture import QueryRuns

_CLIENT_ATTEMPTS = """
found = {}
for step in Run(RUN):
    for task in step:
        starts = sorted(m.created_at for m in task.metadata if m.name == "attempt")
        dones = sorted(m.created_at for m in task.metadata if m.name == "attempt-done")
        found[task.pathspec] = {"starts": starts, "dones": dones, "ok": task.successful}
result = found
"""


def client_attempts(root: Any, run: str) -> dict[str, Any]:
    return client_json(root, f"RUN = {run!r}\n" + _CLIENT_ATTEMPTS)  # type: ignore[no-any-return]


def test_bars_match_the_client(query_runs: QueryRuns) -> None:
    backend = LocalBackend.open(query_runs.root)
    found = api.timeline(query_runs.ok_run, backend=backend)
    want = client_attempts(query_runs.root, query_runs.ok_run)
    by_task: dict[str, list[Any]] = {}
    for bar in found.bars:
        by_task.setdefault(bar.pathspec, []).append(bar)
    assert set(by_task) == set(want)
    for pathspec, bars in by_task.items():
        expected = want[pathspec]
        assert [b.attempt for b in bars] == list(range(len(expected["starts"])))
        # The file names carry the time the provider named the file, the client reports
        # the ts_epoch inside it: the same clock reading, at most a few ms apart.
        assert [b.started_at for b in bars] == pytest.approx(
            [ms / 1000 for ms in expected["starts"]], abs=0.01
        )
        assert [b.finished_at for b in bars] == pytest.approx(
            [ms / 1000 for ms in expected["dones"]], abs=0.01
        )
        assert bars[-1].status == ("succeeded" if expected["ok"] else "failed")
    retried = [p for p, bars in by_task.items() if len(bars) == 2]
    assert len(retried) == 1 and "/work/" in retried[0]  # work[2] failed once, then passed
    first, second = by_task[retried[0]]
    assert (first.status, second.status) == ("failed", "succeeded")
    assert first.finished_at is not None and first.finished_at <= (second.started_at or 0)
    starts = [b.started_at for b in found.bars]
    assert starts == sorted(starts)
    assert found.started_at is not None and found.finished_at is not None
    assert found.started_at <= min(s for s in starts if s is not None)
    assert found.problems == []


def test_failed_run_shows_the_failed_attempts(insight_runs: InsightRuns) -> None:
    found = api.timeline(insight_runs.failed, backend=LocalBackend.open(insight_runs.root))
    statuses = {(b.step, b.status) for b in found.bars}
    assert statuses == {
        ("start", "succeeded"),
        ("fan", "succeeded"),
        ("join", "failed"),
    }
    assert len([b for b in found.bars if b.step == "fan"]) == 3
    assert all(b.finished_at is not None for b in found.bars)


def test_cost_is_a_few_reads_per_task(insight_runs: InsightRuns) -> None:
    """Per task: a status file and one listing of _meta; no data file is opened."""
    found = api.timeline(insight_runs.low, backend=LocalBackend.open(insight_runs.root))
    tasks = len(found.bars)  # no retries in CompareFlow
    assert tasks == 6
    assert found.cost.files_read <= tasks + 1  # 0.runtime each, the run's _self.json
    assert found.cost.dirs_listed <= 2 * tasks + 6


def test_bad_input_gets_clear_errors_and_nothing_is_written(insight_runs: InsightRuns) -> None:
    backend = LocalBackend.open(insight_runs.root)
    before = snapshot(insight_runs.metaflow_dir)
    with pytest.raises(NotFoundError) as caught:
        api.timeline("CompareFlw/1", backend=backend)
    assert caught.value.suggestions == ["CompareFlow"]
    with pytest.raises(BadQueryError, match="Flow/run_id"):
        api.timeline("CompareFlow", backend=backend)
    api.timeline(insight_runs.resumed, backend=backend)
    assert snapshot(insight_runs.metaflow_dir) == before


def test_a_running_task_has_an_open_bar(insight_runs: InsightRuns, tmp_path: Path) -> None:
    """A copy whose ``end`` task is put back to where a live run has it: begun, no end."""
    root = Path(
        shutil.copytree(insight_runs.root, tmp_path / "root", ignore=shutil.ignore_patterns(".c*"))
    )
    end_dir = root / ".metaflow" / insight_runs.low / "end"
    (task_dir,) = [p for p in end_dir.iterdir() if not p.name.startswith("_")]
    for path in [task_dir / "0.runtime", task_dir / "0.DONE.lock", task_dir / "0.task_end"]:
        path.unlink()
    for path in (task_dir / "_meta").glob("sysmeta_attempt[-_][od]*"):
        path.unlink()  # attempt-done and attempt_ok: the task has not ended
    found = api.timeline(insight_runs.low, backend=LocalBackend.open(root))
    (end,) = [b for b in found.bars if b.step == "end"]
    assert (end.status, end.finished_at) == ("running", None)
    assert end.started_at is not None
    assert found.finished_at is None
