"""list_flows, list_runs and run_summary on real QueryFlow runs, checked against
metaflow.client; paging over many (cloned) run folders; a run in progress; damaged files."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from datastore_snapshot import snapshot
from mfstudio.query import api
from mfstudio.query.errors import BadQueryError, NotFoundError
from mfstudio.query.local.backend import LocalBackend
from mfstudio.query.local.layout import is_run_id
from mfstudio.query.local.run_order import RunOrder
from mfstudio.query.model import RunInfo
from query_client_view import client_order, client_run, client_runs
from runs_fixture import QueryRuns, metaflow_env

FLOW = "QueryFlow"


def backend_at(root: Path) -> LocalBackend:
    return LocalBackend.open(root)


def all_runs(backend: LocalBackend, flow: str = FLOW, **filters: object) -> list[RunInfo]:
    """Every page, following next_cursor."""
    runs: list[RunInfo] = []
    cursor = None
    while True:
        page = api.list_runs(flow, cursor=cursor, backend=backend, **filters)  # type: ignore[arg-type]
        runs.extend(page.runs)
        cursor = page.next_cursor
        if cursor is None:
            return runs


def copy_root(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".client-cache"))
    return dst


@pytest.fixture(scope="module")
def resumed(query_runs: QueryRuns, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A copy of the fixture plus a real ``resume`` of the failed run (it fails again at
    work[4]; the other tasks are cloned)."""
    root = copy_root(query_runs.root, tmp_path_factory.mktemp("resumed") / "root")
    origin = query_runs.failed_run.split("/")[1]
    done = subprocess.run(
        [
            sys.executable,
            "query_flow.py",
            "--no-pylint",
            "resume",
            "--origin-run-id",
            origin,
            "--run-id-file",
            "resume.id",
        ],
        cwd=root,
        env=metaflow_env(root),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode != 0, done.stdout + done.stderr
    return root, f"{FLOW}/" + (root / "resume.id").read_text().strip()


# ---------------------------------------------------------------- parity with the client


def test_flows_are_the_flow_folders(query_runs: QueryRuns) -> None:
    assert backend_at(query_runs.root).list_flows() == [FLOW]


def test_runs_match_the_client(query_runs: QueryRuns, resumed: tuple[Path, str]) -> None:
    root, resume_run = resumed
    expected = client_runs(root, FLOW)
    runs = api.list_runs(FLOW, backend=backend_at(root)).runs
    assert [r.run_id for r in runs] == client_order(root, FLOW)  # newest first
    for info, want in zip(runs, expected, strict=True):
        assert info.tags == want["user_tags"]
        assert info.system_tags == want["system_tags"]
        assert f"user:{info.user}" in want["system_tags"]
        assert (info.status == "succeeded") == want["successful"]
        assert info.status in ("succeeded", "failed")  # every run here has ended
        assert info.finished_at is not None and info.started_at is not None
        assert info.duration_s == pytest.approx(info.finished_at - info.started_at)
        assert info.parameters == want["parameters"]
    by_id = {r.pathspec: r for r in runs}
    assert by_id[resume_run].origin_run_id == query_runs.failed_run.split("/")[1]
    assert all(r.origin_run_id is None for r in runs if r.pathspec != resume_run)


def test_summary_task_counts_match_the_client(
    query_runs: QueryRuns, resumed: tuple[Path, str]
) -> None:
    root, resume_run = resumed
    for run in (query_runs.ok_run, query_runs.failed_run, resume_run):
        summary = api.run_summary(run, backend=backend_at(root))
        want = client_run(root, run)
        assert {s.name: s.tasks for s in summary.steps} == want["steps"]
        assert summary.run.status == ("succeeded" if want["successful"] else "failed")
        assert summary.problems == []


def test_summary_orders_steps_and_reports_first_failure(query_runs: QueryRuns) -> None:
    backend = backend_at(query_runs.root)
    ok = api.run_summary(query_runs.ok_run, backend=backend)
    assert [s.name for s in ok.steps] == ["start", "work", "join", "end"]
    for step in ok.steps:
        assert step.started_at is not None and step.finished_at is not None
        assert step.finished_at >= step.started_at
        assert step.first_failure is None
    assert ok.run.parameters == {"alpha": "0.1", "fail": "False", "label": "'plain'"}

    failed = api.run_summary(query_runs.failed_run, backend=backend)
    work = next(s for s in failed.steps if s.name == "work")
    want = client_run(query_runs.root, query_runs.failed_run)["failed"][0]
    assert work.first_failure is not None
    assert work.first_failure.pathspec == want["pathspec"]
    assert work.first_failure.exception_type == want["type"]
    assert work.first_failure.message == want["message"]
    assert [s.name for s in failed.steps] == ["start", "work"]


# ---------------------------------------------------------------- filters and paging


def test_filters(query_runs: QueryRuns) -> None:
    backend = backend_at(query_runs.root)
    ok, failed = query_runs.ok_run, query_runs.failed_run

    def ids(**filters: object) -> list[str]:
        return [r.pathspec for r in all_runs(backend, **filters)]

    assert ids(status="failed") == [failed]
    assert ids(status="succeeded") == [ok]
    assert ids(status="running") == []
    assert ids(tags=["nightly"]) == [ok]
    assert ids(tags=["broken", "runtime:dev"]) == [failed]  # user and system tags, all needed
    assert ids(tags=["broken", "nightly"]) == []
    assert set(ids(user="tester")) == {ok, failed}
    assert ids(user="someone-else") == []
    ok_start = int(ok.split("/")[1]) / 1e6
    failed_start = int(failed.split("/")[1]) / 1e6
    newer, older = (ok, failed) if ok_start > failed_start else (failed, ok)
    middle = (ok_start + failed_start) / 2
    assert ids(since=middle) == [newer]
    assert ids(until=middle) == [older]
    assert ids(since=min(ok_start, failed_start), until=max(ok_start, failed_start)) == ids()


def test_paging_real_runs_is_disjoint_and_newest_first(resumed: tuple[Path, str]) -> None:
    root, _ = resumed
    backend = backend_at(root)
    pages = []
    cursor = None
    while True:
        page = api.list_runs(FLOW, limit=1, cursor=cursor, backend=backend)
        pages.append([r.run_id for r in page.runs])
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == [[run_id] for run_id in client_order(root, FLOW)]


_KEPT_TOP = ("_meta", "_parameters", "end")


def _clone_files(run_dir: Path) -> list[Path]:
    """What a run needs to be listed: its metadata, parameters, end task (without logs or
    per-artifact metadata) and the start task's origin-run-id record."""
    kept = []
    for path in run_dir.rglob("*"):
        rel = path.relative_to(run_dir)
        if not path.is_file() or rel.name.endswith(".log") or "_artifact_" in rel.name:
            continue
        if rel.parts[0] in _KEPT_TOP or rel.name.startswith("sysmeta_origin-run-id_"):
            kept.append(rel)
    return kept


def make_clones(query_runs: QueryRuns, root: Path, run_ids: list[str]) -> Path:
    """A datastore whose runs are copies of the ok run under ``run_ids``."""
    src = query_runs.metaflow_dir / FLOW
    dst = root / ".metaflow" / FLOW
    shutil.copytree(src / "data", dst / "data")
    source_run = src / query_runs.ok_run.split("/")[1]
    files = _clone_files(source_run)
    for run_id in run_ids:
        for rel in files:
            target = dst / run_id / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source_run / rel, target)
    return root


def clone_ids(count: int) -> list[str]:
    return [str(1_795_000_000_000_000 + 7_919 * k) for k in range(count)]


@pytest.fixture(scope="module")
def many_runs(query_runs: QueryRuns, tmp_path_factory: pytest.TempPathFactory) -> Path:
    ids = [*clone_ids(300), "42", "manual-b", "manual-a"]
    return make_clones(query_runs, tmp_path_factory.mktemp("many") / "root", ids)


def test_paging_many_runs_covers_all_once_newest_first(many_runs: Path) -> None:
    backend = backend_at(many_runs)
    pages: list[list[str]] = []
    cursor = None
    while True:
        page = api.list_runs(FLOW, limit=7, cursor=cursor, backend=backend)
        assert page.scanned == len(page.runs)  # no filters: every run examined is shown
        pages.append([r.run_id for r in page.runs])
        cursor = page.next_cursor
        if cursor is None:
            break
    seen = [run_id for page_ids in pages for run_id in page_ids]
    numeric = sorted(clone_ids(300), key=int, reverse=True)
    assert seen == [*numeric, "42", "manual-a", "manual-b"]
    assert all(len(p) == 7 for p in pages[:-1])
    assert {r.status for r in all_runs(backend)} == {"succeeded"}


def test_page_cost_does_not_grow_with_runs(
    query_runs: QueryRuns, many_runs: Path, tmp_path: Path
) -> None:  # fmt: skip
    few = make_clones(query_runs, tmp_path / "few", clone_ids(10))
    small = api.list_runs(FLOW, limit=5, backend=backend_at(few))
    large = api.list_runs(FLOW, limit=5, backend=backend_at(many_runs))
    assert small.cost.files_read == large.cost.files_read
    assert small.cost.dirs_listed == large.cost.dirs_listed
    assert small.cost.bytes_read == large.cost.bytes_read
    assert len(small.runs) == len(large.runs) == 5


def test_filtered_scan_stops_at_the_scan_cap(
    many_runs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api.Limits, "runs_scan_max", 50)
    backend = backend_at(many_runs)
    page = api.list_runs(FLOW, tags=["no-such-tag"], backend=backend)
    assert (page.runs, page.scanned) == ([], 50)
    assert page.next_cursor is not None
    total = page.scanned
    while page.next_cursor is not None:
        page = api.list_runs(FLOW, tags=["no-such-tag"], cursor=page.next_cursor, backend=backend)
        total += page.scanned
    assert total == 303


def test_since_until_use_the_id_time_and_metadata_otherwise(many_runs: Path) -> None:
    backend = backend_at(many_runs)
    ids = sorted(clone_ids(300), key=int)
    since, until = int(ids[10]) / 1e6, int(ids[19]) / 1e6
    found = [r.run_id for r in all_runs(backend, since=since, until=until)]
    # the non-timestamp ids ("42", "manual-*") are judged by their metadata's ts_epoch
    # (the ok run's start, later than every clone id's time), so they fall outside
    assert found == ids[10:20][::-1]


def test_run_order_puts_other_ids_after_numbers() -> None:
    names = ["10", "9", "007", "abc", "_meta", "data", "latest_run", "11"]
    order = RunOrder(names, is_run_id)
    assert list(order.after(None)) == ["11", "10", "9", "007", "abc"]
    assert list(order.after("10")) == ["9", "007", "abc"]
    assert list(order.after("5")) == ["007", "abc"]  # the cursor's run may be gone
    assert list(order.after("007")) == ["abc"]
    assert list(order.after(None, first=1)) == list(order.after(None, first=100))


def test_large_parameter_is_summarised_without_reading_it(
    query_runs: QueryRuns, tmp_path: Path
) -> None:
    root = make_clones(query_runs, tmp_path / "root", clone_ids(1))
    data_json = root / ".metaflow" / FLOW / clone_ids(1)[0] / "_parameters" / "0" / "0.data.json"
    data = json.loads(data_json.read_text())
    data["info"]["label"]["size"] = 5000
    data["info"]["alpha"]["type"] = "<class 'datetime.datetime'>"
    data_json.write_text(json.dumps(data))
    (info,) = api.list_runs(FLOW, backend=backend_at(root)).runs
    assert info.parameters == {
        "alpha": "<datetime.datetime, 21 B>",
        "fail": "False",
        "label": "<str, 5.0 kB>",
    }


# ---------------------------------------------------------------- errors and damage


def test_unknown_names_get_the_nearest(query_runs: QueryRuns) -> None:
    backend = backend_at(query_runs.root)
    with pytest.raises(NotFoundError) as err:
        api.list_runs("QueryFlw", backend=backend)
    assert FLOW in str(err.value)
    run_id = query_runs.ok_run.split("/")[1]
    wrong = run_id[:-1] + ("0" if run_id[-1] != "0" else "1")
    with pytest.raises(NotFoundError) as err:
        api.run_summary(f"{FLOW}/{wrong}", backend=backend)
    assert query_runs.ok_run in str(err.value)
    with pytest.raises(BadQueryError):
        api.run_summary(FLOW, backend=backend)  # a flow is not a run


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(b'["OtherFlow", "1"]').decode(),
    ],
)
def test_bad_cursor_is_a_bad_query(query_runs: QueryRuns, cursor: str) -> None:
    with pytest.raises(BadQueryError, match="cursor"):
        api.list_runs(FLOW, cursor=cursor, backend=backend_at(query_runs.root))


def test_damaged_files_are_problems(query_runs: QueryRuns, tmp_path: Path) -> None:
    root = copy_root(query_runs.root, tmp_path / "root")
    flow_dir = root / ".metaflow" / FLOW
    ok, failed = (flow_dir / r.split("/")[1] for r in (query_runs.ok_run, query_runs.failed_run))
    (ok / "_meta" / "_self.json").write_text("{not json")
    (next((ok / "start").glob("[0-9]*")) / "0.runtime").write_text("{not json")
    shutil.rmtree(failed / "_meta")
    (failed / "_parameters" / "0" / "0.data.json").write_text("[")
    backend = backend_at(root)

    page = api.list_runs(FLOW, backend=backend)
    by_id = {r.pathspec: r for r in page.runs}
    assert by_id[query_runs.ok_run].status == "succeeded"  # end still succeeded
    assert by_id[query_runs.ok_run].tags == []
    assert by_id[query_runs.failed_run].status == "failed"
    assert by_id[query_runs.failed_run].started_at == int(failed.name) / 1e6  # from the id
    assert by_id[query_runs.failed_run].parameters == {}
    messages = {(p.pathspec, p.message.split(" ")[0]) for p in page.problems}
    assert (query_runs.ok_run, "damaged") in messages
    assert (query_runs.failed_run, "no") in messages
    assert any(p.pathspec.endswith("_parameters/0") for p in page.problems)

    summary = api.run_summary(query_runs.ok_run, backend=backend)
    start = next(s for s in summary.steps if s.name == "start")
    assert start.tasks["failed"] == 1  # an unreadable status counts as failed, and says so
    assert any("0.runtime" in p.message for p in summary.problems)


def test_queries_write_nothing(query_runs: QueryRuns) -> None:
    before = snapshot(query_runs.metaflow_dir)
    backend = backend_at(query_runs.root)
    all_runs(backend, limit=1)
    all_runs(backend, status="failed", tags=["broken"])
    api.run_summary(query_runs.ok_run, backend=backend)
    api.run_summary(query_runs.failed_run, backend=backend)
    assert snapshot(query_runs.metaflow_dir) == before


# ---------------------------------------------------------------- a run in progress

_SLEEP_FLOW = """
import time
from metaflow import FlowSpec, step


class SleepFlow(FlowSpec):
    @step
    def start(self):
        time.sleep(600)
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    SleepFlow()
"""


@pytest.fixture
def sleeping_run(tmp_path: Path) -> Iterator[str]:
    """A real run whose start task sleeps; killed (its process group) after the test."""
    (tmp_path / "sleep_flow.py").write_text(_SLEEP_FLOW)
    (tmp_path / ".metaflow").mkdir()
    proc = subprocess.Popen(
        [sys.executable, "sleep_flow.py", "--no-pylint", "run", "--run-id-file", "run.id"],
        cwd=tmp_path,
        env=metaflow_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not list((tmp_path / ".metaflow" / "SleepFlow").glob("*/start/*/0.attempt.json")):
            assert proc.poll() is None, "the sleeping run ended early"
            assert time.monotonic() < deadline, "the sleeping run never started its task"
            time.sleep(0.2)
        yield "SleepFlow/" + (tmp_path / "run.id").read_text().strip()
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def test_running_run(sleeping_run: str, tmp_path: Path) -> None:
    backend = backend_at(tmp_path)
    (info,) = api.list_runs("SleepFlow", backend=backend).runs
    assert info.pathspec == sleeping_run
    assert info.status == "running"
    assert info.finished_at is None and info.duration_s is not None
    running = api.list_runs("SleepFlow", status="running", backend=backend).runs
    assert [r.pathspec for r in running] == [sleeping_run]
    summary = api.run_summary(sleeping_run, backend=backend)
    assert summary.run.status == "running"
    assert [(s.name, s.tasks["running"], s.finished_at) for s in summary.steps] == [
        ("start", 1, None)
    ]
    assert api.failures(sleeping_run, backend=backend).failures == []
