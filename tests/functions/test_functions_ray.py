"""The ray backend on a real local Ray cluster (2 CPUs, auth off, shut down after).

The function is the TrainFlow model's ``predict`` (and ``noisy`` for errors), exported to a
folder by the session's fixtures; each Ray actor hosts a worker of the package's own
environment, so predictions must equal the binding process's, for a list and for a JSON
Lines file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Exported, ServeRefs
from metaflow import function_from_json
from metaflow_extensions.studio.toplevel.functions import (
    BackendUnavailableError,
    FunctionCallError,
    WorkerError,
)
from metaflow_extensions.studio.toplevel.functions.package import functions_home
from ray_support import RAY_ENV, start_local_ray

MiB = 1024 * 1024


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[Any]:
    """One local Ray for the session (its start takes 3-30 s on a loaded machine)."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in RAY_ENV.items():
            patch.setenv(key, value)
        import ray

        start_local_ray(ray)
        try:
            yield ray
        finally:
            ray.shutdown()


def wait_for_cpus(ray: Any, cpus: float) -> float:
    """Available CPUs once killed actors from an earlier test have given theirs back."""
    for _ in range(600):
        available = float(ray.available_resources().get("CPU", 0))
        if available >= cpus:
            return available
        time.sleep(0.1)
    return float(ray.available_resources().get("CPU", 0))


def test_functions_ray_predictions_equal_in_process(ray_cluster: Any, exported: Exported) -> None:
    with function_from_json(exported.predict_ref, backend="ray", concurrency=2) as fn:
        assert fn.concurrency == 2
        # Two actors, each hosting its own worker: the package's environment, not Ray's python.
        assert len({w["actor_pid"] for w in fn.workers}) == 2
        for worker in fn.workers:
            assert worker["worker_pid"] not in (worker["actor_pid"], os.getpid())
            assert Path(worker["executable"]).parents[2] == functions_home() / "envs"
        assert [fn(r) for r in exported.records] == exported.in_process
        assert fn.map(exported.records) == exported.in_process
        # Small chunks: many round trips over both actors, results still in input order.
        many = exported.records * 20
        assert fn.map(many, batch_size=7) == exported.in_process * 20


def test_functions_ray_map_jsonl_streams_a_file(
    ray_cluster: Any, exported: Exported, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "records.jsonl"
    lines = [json.dumps(r) for r in exported.records]
    source.write_text("\n".join([*lines[:2], "", *lines[2:]]) + "\n")  # a blank line is skipped
    original = source.read_bytes()
    seen: list[tuple[int, int | None]] = []
    with function_from_json(exported.predict_ref, backend="ray", concurrency=2) as fn:
        out = tmp_path / "out" / "predictions.jsonl"
        count = fn.map_jsonl(source, out, batch_size=2, progress=lambda d, t: seen.append((d, t)))
        assert count == len(exported.records)
        assert [json.loads(x) for x in out.read_text().splitlines()] == exported.in_process
        total = len(exported.records)
        assert seen[-1] == (total, total)
        assert [d for d, _ in seen] == sorted(d for d, _ in seen)
        # A bar on stderr when asked (by default: only when stderr is a terminal).
        fn.map_jsonl(source, tmp_path / "again.jsonl", progress=True)
        bar = capsys.readouterr().err.rsplit("\r", 1)[-1]
        assert f"{total}/{total}" in bar and "100%" in bar
        with pytest.raises(ValueError, match="overwrite its input"):
            fn.map_jsonl(source, source)
    assert source.read_bytes() == original


def test_functions_ray_exception_names_the_record(
    ray_cluster: Any, exported: Exported, tmp_path: Path
) -> None:
    with function_from_json(exported.noisy_ref, backend="ray", concurrency=2) as fn:
        records: list[dict[str, Any]] = [{} for _ in range(9)]
        records[6] = {"fail": 3}
        with pytest.raises(FunctionCallError) as info:
            fn.map(records, batch_size=2)
        assert info.value.type == "ValueError"
        assert info.value.message == "asked to fail with code 3 (record 6)"
        assert "noisy" in info.value.remote_traceback
        with pytest.raises(FunctionCallError, match=r"code 1$"):
            fn({"fail": 1})  # a single call: no record index to name

        source = tmp_path / "in.jsonl"
        source.write_text("{}\n\n{}\n" + json.dumps({"fail": 5}) + "\n{}\n")
        out = tmp_path / "out.jsonl"
        with pytest.raises(FunctionCallError) as info:
            fn.map_jsonl(source, out, batch_size=1)
        assert info.value.message == f"asked to fail with code 5 (record 2 (line 4 of {source}))"
        assert not out.exists()  # no half-written output
        assert list(tmp_path.iterdir()) == [source]

        source.write_text("{}\n{not json\n")
        with pytest.raises(ValueError, match=r"in\.jsonl, line 2: not a JSON value"):
            fn.map_jsonl(source, out)
        assert not out.exists()
        # A worker that dies is named with the records it was running ...
        died = r"running record 1: the worker of function 'noisy' exited with code 3"
        with pytest.raises(WorkerError, match=died):
            fn.map([{}, {"exit": 3}, {}], batch_size=1)
        # ... and its actor starts a fresh one: the pool keeps serving after every error.
        assert fn.map([{}] * 6, batch_size=1) == [{"ok": True}] * 6


def test_functions_ray_batch_function_gets_each_chunk_as_its_batch(
    ray_cluster: Any, serve_refs: ServeRefs
) -> None:
    """``batch_size`` (the function's option, or one call's) is what a batch=True function
    receives: ``batch_sizes`` answers each record with the size of the batch it came in."""
    records = [{"id": i} for i in range(10)]
    with function_from_json(
        serve_refs.batch_sizes, backend="ray", concurrency=1, batch_size=4
    ) as fn:
        assert fn.map(records) == [{"id": i, "batch": 4 if i < 8 else 2} for i in range(10)]
        assert [r["batch"] for r in fn.map(records, batch_size=3)] == [3] * 9 + [1]
        with pytest.raises(ValueError, match=r"batch_size=0: expected an integer >= 1"):
            fn.map(records, batch_size=0)


def test_functions_ray_resources_reach_ray(ray_cluster: Any, exported: Exported) -> None:
    ray = ray_cluster
    assert wait_for_cpus(ray, 2) == 2
    memory_before = ray.available_resources()["memory"]
    options = {"num_cpus": 0.5, "memory": 64 * MiB, "concurrency": 3}
    with function_from_json(exported.noisy_ref, backend="ray", **options) as fn:
        assert fn.concurrency == 3
        assert len({w["worker_pid"] for w in fn.workers}) == 3
        # Every actor is running, so Ray has reserved what each asked for.
        assert ray.available_resources()["CPU"] == pytest.approx(0.5)
        assert memory_before - ray.available_resources()["memory"] == 3 * 64 * MiB
        assert fn.map([{}] * 10) == [{"ok": True}] * 10
        workers = [w["worker_pid"] for w in fn.workers]
    assert wait_for_cpus(ray, 2) == 2  # close() gave everything back
    for pid in workers:  # and the workers exited with their actors
        for _ in range(600):
            if not Path(f"/proc/{pid}").exists() or "Z" in _proc_state(pid):
                break
            time.sleep(0.1)
        assert not Path(f"/proc/{pid}").exists() or "Z" in _proc_state(pid)
    with pytest.raises(WorkerError, match="is closed"):
        fn({})


def _proc_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "Z"


def test_functions_ray_impossible_resources_fail_before_starting(
    ray_cluster: Any, exported: Exported
) -> None:
    with pytest.raises(ValueError, match=r"need 3 CPU, but the Ray cluster has 2: lower"):
        function_from_json(exported.noisy_ref, backend="ray", concurrency=3)
    with pytest.raises(ValueError, match=r"num_gpus=1 each need 1 GPU, but the Ray cluster has 0"):
        function_from_json(exported.noisy_ref, backend="ray", num_gpus=1)
    assert wait_for_cpus(ray_cluster, 2) == 2  # no actor was left behind


def test_functions_ray_bad_options_fail_before_any_work() -> None:
    ref = "not even a reference"  # options are checked first, so this is never read
    with pytest.raises(TypeError, match=r"does not take 'num_cpu'; its options are: num_cpus"):
        function_from_json(ref, backend="ray", num_cpu=1)
    with pytest.raises(ValueError, match=r"concurrency=0: expected an integer >= 1"):
        function_from_json(ref, backend="ray", concurrency=0)
    with pytest.raises(ValueError, match=r"num_cpus='2': expected a number >= 0"):
        function_from_json(ref, backend="ray", num_cpus="2")


RUN_WITHOUT = """
import sys
sys.modules["ray"] = None  # what an environment without Ray looks like to `import ray`
from metaflow import function_from_json
from metaflow_extensions.studio.toplevel.functions import BackendUnavailableError
try:
    function_from_json(sys.argv[1], backend="ray")
except BackendUnavailableError as exc:
    print(type(exc).__name__, isinstance(exc, ImportError), exc)
"""

RUN_ALONE = """
import json, sys
import ray
from metaflow import function_from_json
with function_from_json(sys.argv[1], backend="ray", num_cpus=1) as fn:
    cpus = ray.cluster_resources()["CPU"]
    print(json.dumps([fn.concurrency, cpus, fn.map(json.loads(sys.argv[2]))]))
print(json.dumps(ray.is_initialized()))
"""


def test_functions_ray_not_installed_says_how_to_install() -> None:
    # Not even a reference: Ray's absence is reported before the reference is read.
    proc = subprocess.run(
        [sys.executable, "-c", RUN_WITHOUT, "not a reference"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"{BackendUnavailableError.__name__} True backend='ray'")
    assert "pip install 'metaflow-studio[ray]'" in proc.stdout


def test_functions_ray_starts_and_stops_its_own_ray(exported: Exported, tmp_path: Path) -> None:
    """A script that never calls ray.init: the backend starts a local Ray (all CPUs) and
    shuts it down with the function, leaving no Ray running."""
    env = {**os.environ, "RAY_AUTH_MODE": "disabled"}
    env.pop("RAY_ADDRESS", None)
    proc = subprocess.run(
        [sys.executable, "-c", RUN_ALONE, exported.predict_ref, json.dumps(exported.records)],
        capture_output=True,
        text=True,
        timeout=280,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    concurrency, cpus, results = json.loads(lines[-2])
    assert concurrency == cpus  # num_cpus=1 each: one actor per CPU Ray found
    assert results == exported.in_process
    assert json.loads(lines[-1]) is False
