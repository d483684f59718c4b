"""Real flows whose steps run in real containers; results read back with the query layer."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from devcontainer_support import LABEL, copy_fixture, flow_command
from mfstudio.query import api
from runs_fixture import metaflow_env


def _backend(root: Path) -> Any:
    return api.open_backend(root)


def _task(run: Any, step: str) -> str:
    backend = _backend(run.root)
    listing = api.tasks(f"{run.pathspec}/{step}", backend=backend)
    assert len(listing.tasks) == 1, listing
    return listing.tasks[0].pathspec


def _value(run: Any, step: str, name: str) -> str:
    return api.artifact_value(_task(run, step), name, backend=_backend(run.root)).preview


def _log(run: Any, step: str, stream: str) -> list[str]:
    excerpt = api.logs(_task(run, step), stream, backend=_backend(run.root))  # type: ignore[arg-type]
    return [line.text for line in excerpt.lines]


def test_devcontainer_step_artifacts_logs_and_metadata_land_in_the_local_datastore(
    run_flow: Any,
) -> None:
    run = run_flow("hello_flow.py", "DevcontainerHelloFlow")
    assert run.proc.returncode == 0, run.output
    assert _value(run, "inside", "in_container") == "True"
    assert _value(run, "start", "host_node") != _value(run, "inside", "node")
    assert _value(run, "inside", "doubled") == "[0, 2, 4]"
    assert _value(run, "end", "total") == "6"  # the next (local) step read the artifact
    assert "hello from the container" in _log(run, "inside", "stdout")
    assert "a line on stderr" in _log(run, "inside", "stderr")
    # The live stream reached the Metaflow CLI too, prefixed as any task's output.
    assert "/inside/2 (pid" in run.output and "hello from the container" in run.output
    meta = list((run.root / ".metaflow" / run.pathspec / "inside" / "2" / "_meta").iterdir())
    assert any("devcontainer-image" in p.read_text() for p in meta)


def test_devcontainer_failing_step_reports_its_own_exception(run_flow: Any) -> None:
    run = run_flow("fail_flow.py", "DevcontainerFailFlow")
    assert run.proc.returncode != 0
    report = api.failures(run.pathspec, backend=_backend(run.root))
    [failure] = report.failures
    assert failure.step == "start"
    assert "the input file has 3 columns, expected 4" in "\n".join(failure.stderr_tail)
    assert "about to fail" in _log(run, "start", "stdout")


def test_devcontainer_retry_and_catch(run_flow: Any) -> None:
    run = run_flow("retry_catch_flow.py", "DevcontainerRetryCatchFlow")
    assert run.proc.returncode == 0, run.output
    assert _value(run, "join", "attempt") == "1"  # second attempt, in a fresh container
    assert "broken on purpose" in _value(run, "join", "failure_text")
    flaky = api.tasks(f"{run.pathspec}/flaky", backend=_backend(run.root)).tasks[0]
    assert flaky.attempt == 1 and flaky.status == "succeeded"


def test_devcontainer_metaflow_timeout_fires_inside_the_container(run_flow: Any) -> None:
    run = run_flow("timeout_flow.py", "DevcontainerTimeoutFlow")
    assert run.proc.returncode != 0
    assert "TimeoutException" in run.output or "timed out" in run.output.lower(), run.output


def test_devcontainer_out_of_memory_is_a_clear_error(run_flow: Any) -> None:
    run = run_flow("oom_flow.py", "DevcontainerOomFlow")
    assert run.proc.returncode != 0
    assert "the step ran out of memory (limit 64m)" in run.output, run.output


def test_devcontainer_with_option_runs_every_step_in_a_container(run_flow: Any) -> None:
    run = run_flow("plain_flow.py", "DevcontainerPlainFlow", "--with", "devcontainer")
    assert run.proc.returncode == 0, run.output
    assert _value(run, "start", "start_in_container") == "True"
    assert _value(run, "end", "end_in_container") == "True"


def test_devcontainer_timeout_attribute_stops_the_container(run_flow: Any) -> None:
    run = run_flow(
        "plain_flow.py",
        "DevcontainerPlainFlow",
        "--with",
        "devcontainer:timeout=2",
        "--sleep",
        "60",
    )
    assert run.proc.returncode != 0
    assert "ran longer than its @devcontainer timeout (2 s)" in run.output, run.output


def test_devcontainer_project_config_builds_and_applies_devcontainer_json(
    run_flow: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MFSTUDIO_BASE_IMAGE", _default_image())
    run = run_flow("config_flow.py", "DevcontainerConfigFlow", fixture="project")
    assert run.proc.returncode == 0, run.output
    assert _value(run, "start", "greeting") == "built-from-dockerfile"  # build.args
    assert _value(run, "start", "post_create") == "post-create-ran"  # postCreateCommand
    assert _value(run, "start", "mode") == "devcontainer-json"  # containerEnv
    assert _value(run, "start", "workspace") == "project"  # ${localWorkspaceFolderBasename}
    assert _value(run, "start", "answer") == "42"  # mounts


def _default_image() -> str:
    import metaflow

    return f"local/mfstudio-metaflow:{metaflow.__version__}"


def test_devcontainer_ctrl_c_removes_the_container(
    tmp_path: Path, docker_host: str, docker_client: Any, no_leftovers: None
) -> None:
    copy_fixture("plain_flow.py", tmp_path)
    env = {**metaflow_env(tmp_path), "DOCKER_HOST": docker_host}
    proc = subprocess.Popen(
        flow_command(tmp_path / "plain_flow.py", "--with", "devcontainer", "--sleep", "120"),
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
    )
    try:
        while not docker_client.containers.list(filters={"label": LABEL}):
            assert proc.poll() is None, proc.communicate()[0]
            time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGINT)
        output = proc.communicate(timeout=60)[0]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode != 0
    assert "@devcontainer: cancelled (SIGINT); container removed." in output, output


def test_devcontainer_killed_launcher_leaves_no_container(
    tmp_path: Path, docker_host: str, docker_client: Any, no_leftovers: None
) -> None:
    """The runtime SIGKILLs tasks that ignore Ctrl-C; the watchdog removes their container."""
    copy_fixture("plain_flow.py", tmp_path)
    env = {**metaflow_env(tmp_path), "DOCKER_HOST": docker_host}
    proc = subprocess.Popen(
        flow_command(tmp_path / "plain_flow.py", "--with", "devcontainer", "--sleep", "120"),
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        while not (running := docker_client.containers.list(filters={"label": LABEL})):
            assert proc.poll() is None, proc.communicate()[0]
            time.sleep(0.2)
        os.kill(int(running[0].labels["mfstudio.devcontainer.launcher-pid"]), signal.SIGKILL)
        proc.communicate(timeout=60)
        deadline = time.monotonic() + 30  # a bound on waiting, not a speed assertion
        while docker_client.containers.list(all=True, filters={"label": LABEL}):
            assert time.monotonic() < deadline, "the watchdog did not remove the container"
            time.sleep(0.2)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode != 0


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("devcontainer:gpu=1", "gpu=1 was requested but this Docker engine has no GPU runtime"),
        ("devcontainer:image=local/nope:1", "image 'local/nope:1' is not in the local Docker"),
        ("devcontainer:network=wifi", "network='wifi' is not one of none, bridge, host"),
        ("devcontainer:config=broken.json", "broken.json:3:3: not valid JSON(C)"),
    ],
)
def test_devcontainer_bad_settings_fail_before_any_task_with_a_clear_error(
    run_flow: Any, tmp_path: Path, option: str, message: str
) -> None:
    (tmp_path / "broken.json").write_text('{\n  "image": "x"\n  "mounts": []\n}\n')
    run = run_flow("plain_flow.py", "DevcontainerPlainFlow", "--with", option)
    assert run.proc.returncode != 0
    assert message in run.output, run.output
    assert "Task is starting" not in run.output
