"""failures() on real QueryFlow runs, checked against metaflow.client; retries, limits,
damaged and missing exception artifacts, and the restricted unpickler."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import pickle
import shutil
from pathlib import Path

import pytest
from datastore_snapshot import snapshot
from mfstudio.query import api
from mfstudio.query.errors import NotFoundError
from mfstudio.query.local.backend import LocalBackend
from mfstudio.query.local.failures import parse_traceback
from mfstudio.query.local.unpickle import UnsafePickleError, load_builtin, load_exception
from query_client_view import client_run
from runs_fixture import QueryRuns


def backend_at(root: Path) -> LocalBackend:
    return LocalBackend.open(root)


def failed_task_dir(root: Path, query_runs: QueryRuns) -> Path:
    pathspec = client_run(query_runs.root, query_runs.failed_run)["failed"][0]["pathspec"]
    return root / ".metaflow" / pathspec


@pytest.fixture
def copied(query_runs: QueryRuns, tmp_path: Path) -> Path:
    """A copy of the fixture datastore that a test may damage."""
    return Path(
        shutil.copytree(query_runs.root, tmp_path / "root", ignore=shutil.ignore_patterns(".c*"))
    )


def test_failures_match_the_client(query_runs: QueryRuns) -> None:
    report = api.failures(query_runs.failed_run, backend=backend_at(query_runs.root))
    want = client_run(query_runs.root, query_runs.failed_run)
    assert [f.pathspec for f in report.failures] == [w["pathspec"] for w in want["failed"]]
    (failure,) = report.failures
    (expected,) = want["failed"]
    assert failure.exception_type == expected["type"] == "builtins.RuntimeError"
    assert failure.message == expected["message"]
    assert failure.attempt == expected["attempt"] == 1  # failed again after its retry
    assert failure.step == "work"
    assert failure.traceback is not None
    assert 'raise RuntimeError("item 4 cannot be processed")' in failure.traceback
    assert failure.stderr_tail[-3:] == [
        "RuntimeError: item 4 cannot be processed",
        "",
        "Task failed.",
    ]
    assert not any(line.startswith("[MFLOG") for line in failure.stderr_tail)
    assert len(failure.stderr_tail) == api.Limits.stderr_tail
    assert failure.finished_at is not None
    assert report.truncated is False
    assert report.tasks_examined == sum(sum(c.values()) for c in want["steps"].values())
    assert report.problems == []


def test_retried_success_is_not_a_failure(query_runs: QueryRuns) -> None:
    report = api.failures(query_runs.ok_run, backend=backend_at(query_runs.root))
    want = client_run(query_runs.root, query_runs.ok_run)
    assert report.failures == [] == want["failed"]
    assert report.tasks_examined == sum(sum(c.values()) for c in want["steps"].values())


def test_failures_read_one_status_file_per_task(query_runs: QueryRuns) -> None:
    """A task whose first attempt succeeded costs its 0.runtime only (no listing); a task
    with a failed attempt adds a listing and its latest N.runtime; each failure reported
    adds its data.json, the exception blob and one stderr log."""
    report = api.failures(query_runs.failed_run, backend=backend_at(query_runs.root))
    run_dir = query_runs.metaflow_dir / query_runs.failed_run
    tasks = [
        t
        for s in run_dir.iterdir()
        if not s.name.startswith("_")
        for t in s.iterdir()
        if not t.name.startswith("_")
    ]
    retried = [t for t in tasks if (t / "1.runtime").exists()]
    reported = len(report.failures)
    assert report.cost.files_read == report.tasks_examined + len(retried) + 3 * reported
    first_failed = [t for t in tasks if b'"success": false' in (t / "0.runtime").read_bytes()]
    assert report.cost.dirs_listed <= 1 + 6 + len(first_failed)  # run, steps, failed tasks


def test_stderr_lines(query_runs: QueryRuns) -> None:
    backend = backend_at(query_runs.root)
    report = api.failures(query_runs.failed_run, stderr_lines=2, backend=backend)
    assert report.failures[0].stderr_tail == ["", "Task failed."]


def test_limit_truncates_oldest_first(query_runs: QueryRuns, copied: Path) -> None:
    """A second failed task (its status rewritten, finished earlier) comes first; limit=1
    keeps only it and says the report is truncated."""
    failed_dir = failed_task_dir(copied, query_runs)
    other = next(d for d in failed_dir.parent.iterdir() if d.name.isdigit() and d != failed_dir)
    runtime = sorted(other.glob("*.runtime"))[-1]
    runtime.write_text(json.dumps({"return_code": 1, "killed": True, "success": False}))
    first = os.stat(sorted(failed_dir.glob("*.runtime"))[-1]).st_mtime - 10
    os.utime(runtime, (first, first))
    backend = backend_at(copied)
    both = api.failures(query_runs.failed_run, backend=backend)
    assert [f.task_id for f in both.failures] == [other.name, failed_dir.name]
    assert both.failures[0].exception_type is None  # killed: no exception, no traceback
    one = api.failures(query_runs.failed_run, limit=1, backend=backend)
    assert [f.task_id for f in one.failures] == [other.name]
    assert one.truncated is True


def test_damaged_data_json_falls_back_to_stderr(query_runs: QueryRuns, copied: Path) -> None:
    task_dir = failed_task_dir(copied, query_runs)
    (task_dir / "1.data.json").write_text("{damaged")
    report = api.failures(query_runs.failed_run, stderr_lines=3, backend=backend_at(copied))
    (failure,) = report.failures
    want = client_run(query_runs.root, query_runs.failed_run)["failed"][0]
    assert (failure.exception_type, failure.message) == (want["type"], want["message"])
    assert failure.traceback is not None and failure.traceback.startswith("Traceback")
    assert len(failure.stderr_tail) == 3
    assert [p.message for p in report.problems] == ["damaged 1.data.json (not JSON)"]


def test_missing_exception_artifact_falls_back_quietly(query_runs: QueryRuns, copied: Path) -> None:
    (failed_task_dir(copied, query_runs) / "1.data.json").unlink()
    report = api.failures(query_runs.failed_run, backend=backend_at(copied))
    assert report.failures[0].exception_type == "builtins.RuntimeError"
    assert report.problems == []


class _Evil:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_a_hostile_exception_blob_is_refused(
    query_runs: QueryRuns, copied: Path, tmp_path: Path
) -> None:
    """An _exception blob that would run a command when unpickled is refused, reported,
    and the traceback still comes from stderr."""
    marker = tmp_path / "pwned"
    payload = gzip.compress(pickle.dumps(_Evil(marker), protocol=4))
    sha = hashlib.sha1(payload).hexdigest()
    blob = copied / ".metaflow" / "QueryFlow" / "data" / sha[:2] / sha
    blob.parent.mkdir(parents=True, exist_ok=True)
    blob.write_bytes(payload)
    data_json = failed_task_dir(copied, query_runs) / "1.data.json"
    data = json.loads(data_json.read_text())
    data["objects"]["_exception"] = sha
    data_json.write_text(json.dumps(data))
    report = api.failures(query_runs.failed_run, backend=backend_at(copied))
    assert not marker.exists()
    assert report.failures[0].exception_type == "builtins.RuntimeError"
    (problem,) = report.problems
    assert "refused to load" in problem.message and "system" in problem.message


def test_unpicklers_allow_only_builtin_data(tmp_path: Path) -> None:
    assert load_builtin(pickle.dumps({"a": [1, 2.5, "x", None, (True,)], "s": {3}})) == {
        "a": [1, 2.5, "x", None, (True,)],
        "s": {3},
    }
    assert load_builtin(pickle.dumps(complex(1, 2))) == complex(1, 2)
    for hostile in (_Evil(tmp_path / "x"), Path("/etc"), eval):
        with pytest.raises(UnsafePickleError):
            load_builtin(pickle.dumps(hostile))
    with pytest.raises(UnsafePickleError):
        load_exception(pickle.dumps(ValueError("not a wrapper")))
    with pytest.raises(UnsafePickleError):
        load_builtin(b"\x80\x04garbage")
    assert load_exception(pickle.dumps(None)) is None
    assert not (tmp_path / "x").exists()


def test_parse_traceback_takes_the_last_one() -> None:
    lines = [
        "Traceback (most recent call last):",
        '  File "a.py", line 1, in <module>',
        "KeyError: 'first'",
        "retrying",
        "Traceback (most recent call last):",
        '  File "b.py", line 2, in work',
        "    raise mymod.Oops('no')",
        "mymod.Oops: no: really",
        "Task failed.",
    ]
    found = parse_traceback(lines)
    assert (found.type, found.message) == ("mymod.Oops", "no: really")
    assert found.traceback == "\n".join(lines[4:8]) + "\n"
    assert parse_traceback(["Traceback (most recent call last):", "KeyError"]).type == (
        "builtins.KeyError"
    )
    assert parse_traceback(["no traceback here"]).type is None


def test_unknown_run_names_the_nearest(query_runs: QueryRuns) -> None:
    with pytest.raises(NotFoundError) as err:
        api.failures("QueryFlow/123", backend=backend_at(query_runs.root))
    assert query_runs.ok_run in str(err.value) or query_runs.failed_run in str(err.value)


def test_failures_write_nothing(query_runs: QueryRuns) -> None:
    before = snapshot(query_runs.metaflow_dir)
    backend = backend_at(query_runs.root)
    api.failures(query_runs.failed_run, backend=backend)
    api.failures(query_runs.ok_run, limit=1, stderr_lines=500, backend=backend)
    assert snapshot(query_runs.metaflow_dir) == before
