"""``tasks(step)``: every task of a step with its latest attempt and status, failed first,
agreeing with ``metaflow.client`` on the fixture runs; bad input gets a clear error."""

from __future__ import annotations

import pytest
from client_probe import client_json
from datastore_snapshot import snapshot
from mfstudio import query
from mfstudio.query import BadQueryError, NotFoundError
from runs_fixture import QueryRuns

_CLIENT_TASKS = """
result = {}
for pathspec in RUNS:
    for step in Run(pathspec):
        for task in step:
            status = "succeeded" if task.successful else (
                "failed" if task.exception is not None else "running")
            result[task.pathspec] = [status, task.current_attempt]
"""


def _ours(runs: QueryRuns) -> dict[str, list[object]]:
    backend = query.open_backend(runs.root)
    found: dict[str, list[object]] = {}
    for run in (runs.ok_run, runs.failed_run):
        for step in query.run_summary(run, backend=backend).steps:
            listing = query.tasks(f"{run}/{step.name}", backend=backend)
            assert listing.truncated is False
            found.update({t.pathspec: [t.status, t.attempt] for t in listing.tasks})
    return found


def test_tasks_agree_with_the_client(query_runs: QueryRuns) -> None:
    runs = f"RUNS = {[query_runs.ok_run, query_runs.failed_run]!r}\n"
    expected = client_json(query_runs.root, runs + _CLIENT_TASKS)
    assert _ours(query_runs) == expected


def test_failed_first_then_by_task_id(query_runs: QueryRuns) -> None:
    listing = query.tasks(
        f"{query_runs.failed_run}/work", backend=query.open_backend(query_runs.root)
    )
    statuses = [t.status for t in listing.tasks]
    # work[4] fails on its retry; under load Metaflow may also kill siblings still running
    failed = statuses.count("failed")
    assert failed >= 1 and statuses == ["failed"] * failed + ["succeeded"] * (6 - failed)
    for group in (listing.tasks[:failed], listing.tasks[failed:]):
        ids = [int(t.task_id) for t in group]
        assert ids == sorted(ids)
    assert listing.tasks_examined == 6
    # one listing of the step; per task its 0.runtime, and only for a task whose first
    # attempt failed, a listing and the latest attempt's status file
    task_dirs = [query_runs.metaflow_dir / t.pathspec for t in listing.tasks]
    first_failed = sum(b'"success": false' in (d / "0.runtime").read_bytes() for d in task_dirs)
    retried = sum((d / "1.runtime").exists() for d in task_dirs)
    assert listing.cost.files_read == 6 + retried
    assert listing.cost.dirs_listed == 1 + first_failed


def test_limit_keeps_the_failed_task_and_says_truncated(query_runs: QueryRuns) -> None:
    backend = query.open_backend(query_runs.root)
    listing = query.tasks(f"{query_runs.failed_run}/work", limit=1, backend=backend)
    assert [t.status for t in listing.tasks] == ["failed"]
    assert listing.truncated is True


def test_bad_input_is_a_clear_error(query_runs: QueryRuns) -> None:
    backend = query.open_backend(query_runs.root)
    with pytest.raises(BadQueryError, match="not a step pathspec; expected Flow/run_id/step"):
        query.tasks(query_runs.ok_run, backend=backend)
    with pytest.raises(NotFoundError, match=r"No step .*wrok.* Nearest existing: .*work"):
        query.tasks(f"{query_runs.ok_run}/wrok", backend=backend)
    with pytest.raises(BadQueryError, match="limit must be a positive whole number"):
        query.tasks(f"{query_runs.ok_run}/work", limit=0, backend=backend)


def test_nothing_is_written(query_runs: QueryRuns) -> None:
    before = snapshot(query_runs.metaflow_dir)
    _ours(query_runs)
    assert snapshot(query_runs.metaflow_dir) == before
