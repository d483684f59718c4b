"""logs(): bounded reads of task logs, compared with the Metaflow client on real runs, and
on a synthetic 62 MB log written into a copy of the fixture."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from client_probe import client_json
from datastore_snapshot import snapshot
from mfstudio.query import api
from mfstudio.query.errors import BadQueryError, NotFoundError
from mfstudio.query.local.backend import LocalBackend
from runs_fixture import QueryRuns

# Every task of both runs, both streams, latest attempt; and each attempt of retried tasks.
_CLIENT_LOGS = """
from datetime import timezone

def lines(task, stream):
    return [[ts.replace(tzinfo=timezone.utc).timestamp(), text]
            for ts, text in task.loglines(stream)]

result = {}
for run_id in RUN_IDS:
    for step in Run("QueryFlow/" + run_id):
        for task in step:
            for stream in ("stdout", "stderr"):
                result[f"{task.pathspec}:{stream}"] = lines(task, stream)
            if task.current_attempt > 0:
                for attempt in range(task.current_attempt + 1):
                    old = Task(task.pathspec, attempt=attempt)
                    result[f"{task.pathspec}:stderr:{attempt}"] = lines(old, "stderr")
"""


@pytest.fixture(scope="module")
def client_logs(query_runs: QueryRuns) -> dict[str, list[list[Any]]]:
    ids = [query_runs.ok_run.split("/")[1], query_runs.failed_run.split("/")[1]]
    body = f"RUN_IDS = {ids!r}\n" + _CLIENT_LOGS
    found: dict[str, list[list[Any]]] = client_json(query_runs.root, body)
    return found


@pytest.fixture(scope="module")
def backend(query_runs: QueryRuns) -> LocalBackend:
    return LocalBackend.open(query_runs.root)


def _ours(excerpt: api.LogExcerpt) -> list[list[Any]]:
    return [[line.timestamp, line.text] for line in excerpt.lines]


def test_every_task_log_equals_the_clients(
    backend: LocalBackend, client_logs: dict[str, list[list[Any]]]
) -> None:
    latest = {key: value for key, value in client_logs.items() if key.count(":") == 1}
    assert len(latest) == 2 * (9 + 7)  # ok: start, 6 work, join, end; failed: start, 6 work
    for key, expected in latest.items():
        task, stream = key.split(":")
        excerpt = api.logs(task, stream, tail=1000, backend=backend)  # type: ignore[arg-type]
        assert excerpt.available
        assert not excerpt.truncated
        assert _ours(excerpt) == expected, key
        assert all(line.source == "runtime" for line in excerpt.lines)


def test_each_attempt_of_a_retried_task(
    backend: LocalBackend, client_logs: dict[str, list[list[Any]]]
) -> None:
    attempts = {key: value for key, value in client_logs.items() if key.count(":") == 2}
    retried = {key.split(":")[0] for key in attempts}
    assert len(retried) == 3  # work[2] of both runs, work[4] of the failed run
    for key, expected in attempts.items():
        task, _, attempt = key.split(":")
        excerpt = api.logs(task, "stderr", attempt=int(attempt), tail=1000, backend=backend)
        assert excerpt.attempt == int(attempt)
        assert _ours(excerpt) == expected, key
    for task in retried:
        assert api.logs(task, "stderr", backend=backend).attempt == 1  # latest by default
        first = api.logs(task, "stderr", attempt=0, backend=backend)
        assert any(line.text.startswith("ValueError: transient") for line in first.lines) or any(
            line.text.startswith("RuntimeError: item 4") for line in first.lines
        )


def test_tail_head_and_grep_on_a_real_log(query_runs: QueryRuns, backend: LocalBackend) -> None:
    task = _retried_task(query_runs, backend)
    whole = api.logs(task, "stderr", attempt=0, tail=1000, backend=backend)
    last = api.logs(task, "stderr", attempt=0, tail=3, backend=backend)
    assert last.lines == whole.lines[-3:] and last.truncated
    first = api.logs(task, "stderr", attempt=0, head=2, backend=backend)
    assert first.lines == whole.lines[:2] and first.truncated
    found = api.logs(task, "stderr", attempt=0, grep=r"^\w+Error:", backend=backend)
    assert [line.text for line in found.lines] == ["ValueError: transient failure on item 2"]
    assert (
        found.log_bytes == (query_runs.metaflow_dir / task / "0.runtime_stderr.log").stat().st_size
    )


def test_bad_input_gets_clear_errors(query_runs: QueryRuns, backend: LocalBackend) -> None:
    task = _retried_task(query_runs, backend)
    with pytest.raises(BadQueryError, match=r"grep='\(oops' is not a valid regular expression"):
        api.logs(task, grep="(oops", backend=backend)
    with pytest.raises(NotFoundError, match=r"attempt 5.*Nearest existing: .*attempt 1"):
        api.logs(task, attempt=5, backend=backend)
    missing = task.rsplit("/", 1)[0] + "/999"
    with pytest.raises(NotFoundError, match=r"No task .*999.*Nearest existing"):
        api.logs(missing, backend=backend)
    with pytest.raises(BadQueryError, match="tail or head, not both"):
        api.logs(task, tail=1, head=1, backend=backend)
    with pytest.raises(BadQueryError, match="stdout or stderr"):
        api.logs(task, "both", backend=backend)  # type: ignore[arg-type]


def _retried_task(query_runs: QueryRuns, backend: LocalBackend) -> str:
    for work in (query_runs.metaflow_dir / query_runs.ok_run / "work").iterdir():
        if (work / "1.runtime").exists():
            return f"{query_runs.ok_run}/work/{work.name}"
    raise AssertionError("the ok run has no retried task")


# --- a log over 50 MB ---------------------------------------------------------------

_STATUS_BYTES = 52  # the task's 0.runtime, read to know the latest attempt and its state
_LINES = 400_000  # 156 bytes each: 62 MB
_START = datetime(2026, 1, 2, 3, 4, 5)


def _mflog(number: int) -> bytes:
    moment = (_START + timedelta(microseconds=number * 10)).isoformat(timespec="microseconds")
    text = f"line {number:06d} ünïcödé €uro 😀 {'x' * 60}"
    return f"[MFLOG|0|{moment}Z|runtime|{number:08x}-uuid]{text}\n".encode()


@pytest.fixture(scope="module")
def big_log(query_runs: QueryRuns, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A copy of the fixture whose start task has a 62 MB stdout log (MFLOG lines with
    multi-byte characters)."""
    root = tmp_path_factory.mktemp("big-log")
    shutil.copytree(query_runs.metaflow_dir, root / ".metaflow")
    task = f"{query_runs.ok_run}/start/1"
    path = root / ".metaflow" / task / "0.runtime_stdout.log"
    path.write_bytes(b"".join(_mflog(n) for n in range(_LINES)))
    assert path.stat().st_size > 50_000_000
    return root, task


def test_tail_of_a_62mb_log_reads_a_block(big_log: tuple[Path, str]) -> None:
    root, task = big_log
    size = (root / ".metaflow" / task / "0.runtime_stdout.log").stat().st_size
    excerpt = api.logs(task, tail=100, backend=LocalBackend.open(root))
    texts = [line.text for line in excerpt.lines]
    assert texts == [
        _mflog(n).decode().split("]", 1)[1].rstrip("\n") for n in range(_LINES - 100, _LINES)
    ]
    assert excerpt.truncated and excerpt.log_bytes == size
    last = _START + timedelta(microseconds=(_LINES - 1) * 10)
    assert excerpt.lines[-1].timestamp == last.replace(tzinfo=timezone.utc).timestamp()
    assert excerpt.cost.bytes_read < 100_000 < size  # one 64 KB block, not 62 MB
    assert all("\ufffd" not in text for text in texts)  # no character split at a block edge


def test_head_and_grep_of_a_62mb_log(big_log: tuple[Path, str]) -> None:
    root, task = big_log
    backend = LocalBackend.open(root)
    head = api.logs(task, head=3, backend=backend)
    assert [line.text[:11] for line in head.lines] == ["line 000000", "line 000001", "line 000002"]
    assert head.truncated and head.cost.bytes_read < 100_000

    near_end = api.logs(task, grep=r"^line 39999\d", backend=backend)
    assert [line.text[:11] for line in near_end.lines] == [f"line 39999{d}" for d in range(10)]
    assert near_end.cost.bytes_read <= api.Limits.log_bytes + _STATUS_BYTES

    # Early lines lie beyond the default 1 MB scanned from the end: none found, truncated.
    early = api.logs(task, grep=r"^line 00000\d", backend=backend)
    assert early.lines == [] and early.truncated
    # With the largest budget (50 MB) a scan reaches lines 14 MB into the 62 MB file.
    deep = api.logs(task, grep=r"^line 0900[0-4]\d", tail=5, max_bytes=50_000_000, backend=backend)
    assert [line.text[:11] for line in deep.lines] == [f"line 0900{n}" for n in range(45, 50)]
    assert deep.truncated  # 50 matches, 5 shown, newest last


def test_budget_smaller_than_a_line_shows_the_fragment(big_log: tuple[Path, str]) -> None:
    root, task = big_log
    excerpt = api.logs(task, tail=5, max_bytes=40, backend=LocalBackend.open(root))
    assert len(excerpt.lines) == 1 and excerpt.truncated
    assert excerpt.lines[0].timestamp is None and excerpt.lines[0].text.endswith("x" * 30)
    assert excerpt.cost.bytes_read == 40 + _STATUS_BYTES


def test_task_and_runtime_logs_merge_by_timestamp(query_runs: QueryRuns, tmp_path: Path) -> None:
    """Tasks run by other backends also have N.task_<stream>.log; like the client, the two
    sources are merged by MFLOG timestamp (lines without a prefix stay with their neighbour)."""
    shutil.copytree(query_runs.metaflow_dir, tmp_path / ".metaflow")
    task = f"{query_runs.ok_run}/start/1"
    folder = tmp_path / ".metaflow" / task

    def line(second: int, source: str, text: str) -> bytes:
        return f"[MFLOG|0|2026-01-01T00:00:0{second}.000000Z|{source}|id]{text}\n".encode()

    (folder / "0.runtime_stdout.log").write_bytes(
        line(1, "runtime", "r1") + line(4, "runtime", "r4") + b"plain runtime line\n"
    )
    (folder / "0.task_stdout.log").write_bytes(
        line(2, "task", "t2") + line(3, "task", "t3") + line(5, "task", "t5")
    )
    backend = LocalBackend.open(tmp_path)
    merged = api.logs(task, backend=backend)
    assert [(ln.text, ln.source) for ln in merged.lines] == [
        ("r1", "runtime"),
        ("t2", "task"),
        ("t3", "task"),
        ("r4", "runtime"),
        ("plain runtime line", "runtime"),
        ("t5", "task"),
    ]
    assert merged.lines[4].timestamp is None
    assert [ln.text for ln in api.logs(task, tail=2, backend=backend).lines] == [
        "plain runtime line",
        "t5",
    ]
    assert [ln.text for ln in api.logs(task, head=2, backend=backend).lines] == ["r1", "t2"]
    assert merged.log_bytes == sum(f.stat().st_size for f in folder.glob("0.*_stdout.log"))


def test_a_running_task_has_no_log_yet(query_runs: QueryRuns, tmp_path: Path) -> None:
    """Locally Metaflow saves a task's log when the attempt ends; until then (an attempt
    started, no status file) the log is unavailable, which is not a problem."""
    shutil.copytree(query_runs.metaflow_dir, tmp_path / ".metaflow")
    (end_id,) = [
        p.name
        for p in (query_runs.metaflow_dir / query_runs.ok_run / "end").iterdir()
        if p.name.isdigit()
    ]
    task = f"{query_runs.ok_run}/end/{end_id}"
    folder = tmp_path / ".metaflow" / task
    for name in (
        "0.runtime",
        "0.DONE.lock",
        "0.task_end",
        "0.runtime_stdout.log",
        "0.runtime_stderr.log",
    ):
        (folder / name).unlink()
    excerpt = api.logs(task, backend=LocalBackend.open(tmp_path))
    assert not excerpt.available and excerpt.lines == [] and excerpt.problems == []
    assert excerpt.attempt == 0 and excerpt.log_bytes == 0


def test_logs_write_nothing(query_runs: QueryRuns, backend: LocalBackend) -> None:
    before = snapshot(query_runs.metaflow_dir)
    task = _retried_task(query_runs, backend)
    api.logs(task, backend=backend)
    api.logs(task, "stderr", head=5, attempt=0, backend=backend)
    api.logs(task, "stderr", grep="Error", backend=backend)
    assert snapshot(query_runs.metaflow_dir) == before
