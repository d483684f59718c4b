"""The benchmark fixtures (bench/query_fixtures.py) are valid Metaflow datastores.

Builds a tiny version of each recipe from real runs and reads it back with Metaflow's own
client: the failed tasks it finds, the clones it lists (ids, times, tags, artifacts), the
grown log it returns. The benchmark sizes differ only in counts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import query_fixtures as qf  # noqa: E402

FAILING = (1, 4)


@pytest.fixture(scope="module")
def foreach(tmp_path_factory: pytest.TempPathFactory) -> qf.Fixture:
    return qf.build_foreach(tmp_path_factory.mktemp("foreach"), 6, FAILING)


def client(fixture: qf.Fixture, body: str) -> Any:
    """Run ``body`` (which sets ``out``) with Metaflow's client on the fixture."""
    code = "import json\nfrom metaflow import *\nnamespace(None)\n" + body
    code += "\nprint(json.dumps(out, default=str))"
    return qf.in_subprocess(fixture.root, code, fixture.root / ".client-cache")


def test_foreach_run_has_exactly_the_failing_tasks(foreach: qf.Fixture) -> None:
    out = client(
        foreach,
        f"run = Run({foreach.target!r})\n"
        "bad = [t for s in run for t in s if not t.successful]\n"
        "out = [run.successful, len(list(run['work'])), sorted(str(t.exception) for t in bad)]",
    )
    successful, work_tasks, messages = out
    assert successful is False
    assert work_tasks == 6
    assert len(messages) == len(FAILING)
    for item, message in zip(FAILING, messages, strict=True):
        assert f"item {item} failed on purpose" in message
    assert foreach.details["failed_tasks"] == len(FAILING)


def test_cloned_runs_are_listed_by_the_client_with_consistent_times(tmp_path: Path) -> None:
    fixture = qf.build_many_runs(tmp_path, 12)
    ids = sorted(
        (p.name for p in (fixture.metaflow_dir / "BenchRunsFlow").iterdir() if p.name.isdigit()),
        key=int,
        reverse=True,
    )
    assert len(ids) == 12
    out = client(
        fixture,
        "runs = list(Flow('BenchRunsFlow'))\n"
        "old = runs[-1]\n"
        "task = old['start'].task\n"
        "out = {'ids': [r.id for r in runs],\n"
        "       'created': [r.created_at.timestamp() for r in runs],\n"
        "       'status': [r.successful for r in runs],\n"
        "       'tags': sorted(old.user_tags),\n"
        "       'task': [task.pathspec, task.data.value, task.finished_at.timestamp()]}",
    )
    assert out["ids"] == ids  # newest first, every clone listed
    for run_id, created in zip(ids, out["created"], strict=True):
        assert abs(created - int(run_id) / 1e6) < 5  # ts_epoch moved with the run id
    assert out["status"].count(False) == 3  # the failed seed and its two clones
    assert out["tags"] == ["nightly"]
    pathspec, value, finished = out["task"]
    assert pathspec.startswith(f"BenchRunsFlow/{ids[-1]}/start/")
    assert value == pytest.approx(0.2)  # the artifact blob of the seed (alpha 0.1) loads
    assert 0 <= finished - int(ids[-1]) / 1e6 < 60


def test_grown_log_is_real_mflog_and_read_by_the_client(tmp_path: Path) -> None:
    size = 2_000_000
    fixture = qf.build_big_log(tmp_path, size)
    flow, run_id, step, task_id = fixture.target.split("/")
    log = fixture.metaflow_dir / flow / run_id / step / task_id / "0.runtime_stdout.log"
    stat = log.stat()
    assert size - 200 <= stat.st_size <= size
    assert stat.st_blocks * 512 >= stat.st_size  # written for real, not sparse
    lines = log.read_bytes().splitlines()
    assert all(line.startswith(b"[MFLOG|0|") for line in lines)
    out = client(fixture, f"out = Task({fixture.target!r}).stdout.splitlines()")
    assert len(out) == len(lines)
    assert out[0] == "batch 0: loss=0.0000 rows=512 ok"
    assert out[-1] == "work item 0"  # the real line stays last


def test_artifact_clones_in_their_own_datastore(foreach: qf.Fixture, tmp_path: Path) -> None:
    fixture = qf.build_artifact_tasks(tmp_path, 14, foreach)
    assert fixture.details["runs"] == 3
    assert fixture.details["foreach_tasks"] == 18
    out = client(
        fixture,
        "runs = list(Flow('BenchForeachFlow'))\n"
        "out = [[r.id, len(list(r['work'])), sorted(len(t['vector'].data) for t in r['work']),\n"
        "        r['start'].task.metadata_dict.get('ds-root')] for r in runs]",
    )
    source_id = int(foreach.target.split("/")[1])
    assert [int(r[0]) for r in out] == [source_id - k * 3600 * 10**6 for k in (1, 2, 3)]
    expected_sizes = sorted((item % 50) * 40 for item in range(6))
    for _run_id, tasks, sizes, ds_root in out:
        assert tasks == 6
        assert sizes == expected_sizes
        assert ds_root == str(fixture.metaflow_dir)


def test_cache_builds_once_and_rebuilds_a_half_built_fixture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MFSTUDIO_BENCH_CACHE", str(tmp_path))
    calls: list[Path] = []

    def build(root: Path) -> qf.Fixture:
        calls.append(root)
        (root / "made").write_text("x")
        return qf.Fixture(root, "F/1", {"n": 1})

    first = qf._cached("demo", build)
    again = qf._cached("demo", build)
    assert len(calls) == 1
    assert again.target == "F/1" and again.details["n"] == 1 and "build_s" in again.details
    assert first.root == tmp_path / f"bench-query-{qf.VERSION}" / "demo"
    (first.root / "fixture.json").unlink()  # as if the build had been interrupted
    (first.root / "stale").write_text("x")
    qf._cached("demo", build)
    assert len(calls) == 2
    assert not (first.root / "stale").exists()
    assert json.loads((first.root / "fixture.json").read_text())["target"] == "F/1"
