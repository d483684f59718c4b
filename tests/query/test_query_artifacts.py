"""artifacts(): names, shas, sizes and types from N.data.json, compared with the Metaflow
client on real runs; filters, scopes, limits, damaged files, and nothing written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from client_probe import client_json
from datastore_snapshot import snapshot
from mfstudio.query import api
from mfstudio.query.errors import NotFoundError
from mfstudio.query.local.backend import LocalBackend
from runs_fixture import QueryRuns

_CLIENT_ARTIFACTS = """
result = {}
for run_id in RUN_IDS:
    for step in Run("QueryFlow/" + run_id):
        for task in step:
            # Iterating a Task lists public artifacts; private ones only by name.
            public = sorted([a.id, a.sha, a.size] for a in task)
            private = [[n, task[n].sha, task[n].size] for n in ("_exception", "_task_ok")]
            result[task.pathspec] = public + private
"""


@pytest.fixture(scope="module")
def backend(query_runs: QueryRuns) -> LocalBackend:
    return LocalBackend.open(query_runs.root)


def _run_id(run: str) -> str:
    return run.split("/")[1]


def test_every_tasks_artifacts_equal_the_clients(
    query_runs: QueryRuns, backend: LocalBackend
) -> None:
    ids = [_run_id(query_runs.ok_run), _run_id(query_runs.failed_run)]
    expected = client_json(query_runs.root, f"RUN_IDS = {ids!r}\n" + _CLIENT_ARTIFACTS)
    assert len(expected) == 16
    for task, artifacts in expected.items():
        found = api.artifacts(task, backend=backend)
        ours = sorted([a.name, a.sha, a.size] for a in found.artifacts)
        assert ours == artifacts[:-2], task
        assert found.tasks_examined == 1 and not found.truncated and not found.problems
        private = api.artifacts(task, name="_[et][xa]*", include_private=True, backend=backend)
        ours = sorted([a.name, a.sha, a.size] for a in private.artifacts)
        assert ours == artifacts[-2:], task


def test_types_attempts_and_private_names(query_runs: QueryRuns, backend: LocalBackend) -> None:
    start = api.artifacts(f"{query_runs.ok_run}/start", backend=backend)
    by_name = {a.name: a for a in start.artifacts}
    assert not any(name.startswith("_") for name in by_name)
    assert {name: a.type for name, a in by_name.items()} == {
        "alpha": "builtins.float",
        "blob": "builtins.bytes",
        "config": "builtins.dict",
        "fail": "builtins.bool",
        "frame": by_name["frame"].type,  # "pandas.DataFrame" (pandas 3) or pandas.core...
        "items": "builtins.list",
        "label": "builtins.str",
        "matrix": "numpy.ndarray",
        "name": "builtins.str",
        "note": "builtins.str",
    }
    assert by_name["frame"].type.startswith("pandas.") and by_name["frame"].type.endswith(
        ".DataFrame"
    )
    assert all(a.encoding == "pickle-v4" and a.attempt == 0 for a in start.artifacts)
    xs = api.artifacts(f"{query_runs.ok_run}/work", name="x", backend=backend).artifacts
    assert len(xs) == 6
    assert sorted(a.attempt for a in xs) == [0, 0, 0, 0, 0, 1]  # work[2] succeeded on retry


def test_name_type_and_size_filters(query_runs: QueryRuns, backend: LocalBackend) -> None:
    run = query_runs.ok_run

    def names(**filters: object) -> list[str]:
        found = api.artifacts(f"{run}/start", backend=backend, **filters)  # type: ignore[arg-type]
        return sorted(a.name for a in found.artifacts)

    assert names(name="[fm]*") == ["fail", "frame", "matrix"]
    assert names(type="DataFrame") == ["frame"]
    assert names(type="dataframe") == ["frame"]  # type globs ignore case
    assert names(type="numpy.*") == ["matrix"]
    assert names(type="builtins.str") == ["label", "name", "note"]
    assert names(min_size=100_000) == ["blob"]
    assert names(max_size=10) == ["fail"]
    assert names(min_size=20, max_size=24) == ["alpha", "label", "name"]
    assert names(name="_task_ok", include_private=True) == ["_task_ok"]
    assert names(name="nothing*") == []


def test_scopes_and_limits(query_runs: QueryRuns, backend: LocalBackend) -> None:
    flow = api.artifacts("QueryFlow", name="alpha", backend=backend)
    newest_first = sorted([query_runs.ok_run, query_runs.failed_run], key=_run_id, reverse=True)
    runs = [a.pathspec.rsplit("/", 2)[0] for a in flow.artifacts]
    assert runs == sorted(runs, key=lambda r: -int(_run_id(r)))
    assert runs[0] == newest_first[0] and runs[-1] == newest_first[1]
    # Steps in the order they ran; tasks by id.
    ok = [a.pathspec for a in flow.artifacts if a.pathspec.startswith(query_runs.ok_run + "/")]
    steps = [p.split("/")[2] for p in ok]
    assert steps == ["start"] + ["work"] * 6 + ["join", "end"]
    assert flow.tasks_examined == 16 and not flow.truncated

    limited = api.artifacts(query_runs.ok_run, name="alpha", limit=3, backend=backend)
    assert [a.pathspec for a in limited.artifacts] == ok[:3]
    assert limited.truncated and limited.tasks_examined == 3

    exact = api.artifacts(query_runs.ok_run, name="alpha", limit=9, backend=backend)
    assert len(exact.artifacts) == 9 and not exact.truncated


def test_one_small_read_per_task(query_runs: QueryRuns, backend: LocalBackend) -> None:
    """The cost that makes 10,000 tasks cheap: one data.json per task, no blob, no _meta."""
    found = api.artifacts(query_runs.ok_run, min_size=1, backend=backend)
    assert found.tasks_examined == 9
    assert found.cost.files_read == 9
    data_files = sorted((query_runs.metaflow_dir / query_runs.ok_run).glob("*/*/*.data.json"))
    largest = max(f.stat().st_size for f in data_files)
    assert found.cost.bytes_read <= 9 * largest


def test_unknown_scope_names_the_nearest(query_runs: QueryRuns, backend: LocalBackend) -> None:
    with pytest.raises(NotFoundError, match=r"No step .*/strat'.*Nearest existing: .*/start"):
        api.artifacts(f"{query_runs.ok_run}/strat", backend=backend)
    with pytest.raises(NotFoundError, match=r"No flow 'QueryFlw'.*QueryFlow"):
        api.artifacts("QueryFlw", backend=backend)


def test_damaged_data_json_is_a_problem(query_runs: QueryRuns, tmp_path: Path) -> None:
    shutil.copytree(query_runs.metaflow_dir, tmp_path / ".metaflow")
    run_dir = tmp_path / ".metaflow" / query_runs.ok_run
    (run_dir / "start" / "1" / "0.data.json").write_text('{"objects": {"alpha": ')
    join = next((run_dir / "join").glob("[0-9]*"))
    (join / "0.data.json").write_text(json.dumps({"info": {}}))
    found = api.artifacts(query_runs.ok_run, name="alpha", backend=LocalBackend.open(tmp_path))
    assert [a.pathspec.split("/")[2] for a in found.artifacts] == ["work"] * 6 + ["end"]
    messages = {p.pathspec: p.message for p in found.problems}
    assert "damaged 0.data.json (not JSON" in messages[f"{query_runs.ok_run}/start/1"]
    assert found.tasks_examined == 9
    # A search by name skips, unparsed, files that cannot hold the name (the join's has no
    # "alpha" at all); a search that parses every file reports its damage.
    every = api.artifacts(query_runs.ok_run, backend=LocalBackend.open(tmp_path))
    messages = {p.pathspec: p.message for p in every.problems}
    assert "no 'objects' table" in messages[f"{query_runs.ok_run}/join/{join.name}"]


def test_artifacts_write_nothing(query_runs: QueryRuns, backend: LocalBackend) -> None:
    before = snapshot(query_runs.metaflow_dir)
    api.artifacts("QueryFlow", include_private=True, backend=backend)
    api.artifacts(query_runs.failed_run, type="*Frame", min_size=1, backend=backend)
    assert snapshot(query_runs.metaflow_dir) == before
