"""The devpod and daytona backends of @devcontainer, through real flows on the real engine.

Neither DevPod nor a Daytona service can exist on the test machines, so the tests use the
STAND-INS in test-fixtures/devcontainer/standins/: a `devpod` executable that implements the
subcommands the backend runs, and an HTTP server that implements the Daytona API endpoints the
official `daytona` SDK calls. Both do the real work on the local Docker engine, so each test
runs a real task in a real container and reads its results back with the query layer.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from devcontainer_support import FIXTURES, LABEL, copy_fixture, flow_command
from mfstudio.query import api
from runs_fixture import metaflow_env

STANDINS = FIXTURES / "standins"
VENV_BIN = str(Path(sys.executable).parent)


def _value(run: Any, step: str, name: str) -> str:
    backend = api.open_backend(run.root)
    [task] = api.tasks(f"{run.pathspec}/{step}", backend=backend).tasks
    return api.artifact_value(task.pathspec, name, backend=backend).preview


def _log(run: Any, step: str, stream: str) -> list[str]:
    backend = api.open_backend(run.root)
    [task] = api.tasks(f"{run.pathspec}/{step}", backend=backend).tasks
    return [line.text for line in api.logs(task.pathspec, stream, backend=backend).lines]  # type: ignore[arg-type]


@pytest.fixture
def devpod(monkeypatch: pytest.MonkeyPatch, docker_client: Any) -> Iterator[None]:
    """The devpod stand-in on PATH (run by this venv's python3, which has the docker SDK)."""
    monkeypatch.setenv("PATH", f"{STANDINS}{os.pathsep}{VENV_BIN}{os.pathsep}{os.environ['PATH']}")
    yield
    left = docker_client.containers.list(all=True, filters={"label": "dev.containers.id"})
    assert not left, f"DevPod workspaces left behind: {[c.name for c in left]}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def daytona_service(docker_host: str) -> Iterator[str]:
    """The Daytona API stand-in on a free port; yields its API URL (key: "test-key")."""
    port = _free_port()
    server = [sys.executable, str(STANDINS / "daytona_server.py")]
    proc = subprocess.Popen(
        [*server, "--port", str(port), "--api-key", "test-key"],
        env={**os.environ, "DOCKER_HOST": docker_host},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(200):  # a bound on waiting for it to listen, not a speed assertion
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, proc.communicate()[1]
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/api"
    finally:
        proc.terminate()
        stderr = proc.communicate(timeout=30)[1]
        assert "not implemented" not in stderr, stderr


@pytest.fixture
def daytona(monkeypatch: pytest.MonkeyPatch, daytona_service: str) -> None:
    monkeypatch.setenv("DAYTONA_API_KEY", "test-key")
    monkeypatch.setenv("DAYTONA_API_URL", daytona_service)


def _check_hello(run: Any) -> None:
    assert run.proc.returncode == 0, run.output
    assert _value(run, "inside", "in_container") == "True"
    assert _value(run, "start", "host_node") != _value(run, "inside", "node")
    assert _value(run, "inside", "doubled") == "[0, 2, 4]"
    assert _value(run, "end", "total") == "6"  # the next (local) step read the artifact
    assert "hello from the container" in _log(run, "inside", "stdout")
    assert "a line on stderr" in _log(run, "inside", "stderr")
    assert "/inside/2 (pid" in run.output and "hello from the container" in run.output


# --- devpod -----------------------------------------------------------------------------------


def test_devcontainer_devpod_backend_runs_a_step_chosen_by_environment_variable(
    run_flow: Any, devpod: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("METAFLOW_DEVCONTAINER_BACKEND", "devpod")
    _check_hello(run_flow("hello_flow.py", "DevcontainerHelloFlow"))


def test_devcontainer_devpod_backend_failure_and_timeout(run_flow: Any, devpod: None) -> None:
    run = run_flow("fail_flow.py", "DevcontainerFailFlow", "--with", "devcontainer:backend=devpod")
    assert run.proc.returncode != 0
    assert "the input file has 3 columns, expected 4" in run.output, run.output
    assert "about to fail" in _log(run, "start", "stdout")
    run = run_flow(
        "plain_flow.py",
        "DevcontainerPlainFlow",
        "--with",
        "devcontainer:backend=devpod,timeout=3",
        "--sleep",
        "60",
    )
    assert run.proc.returncode != 0
    assert "ran longer than its @devcontainer timeout (3 s)" in run.output, run.output


def test_devcontainer_devpod_backend_without_devpod_is_a_clear_error(
    run_flow: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", f"{VENV_BIN}{os.pathsep}/usr/bin{os.pathsep}/bin")
    run = run_flow(
        "plain_flow.py", "DevcontainerPlainFlow", "--with", "devcontainer:backend=devpod"
    )
    assert run.proc.returncode != 0
    assert 'backend="devpod" needs the `devpod` command, not found' in run.output, run.output
    assert 'use the default backend="docker"' in run.output
    assert "Task is starting" not in run.output


# --- daytona ----------------------------------------------------------------------------------


def test_devcontainer_daytona_backend_runs_a_step_and_brings_its_results_home(
    run_flow: Any, daytona: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("METAFLOW_DEVCONTAINER_BACKEND", "daytona")
    _check_hello(run_flow("hello_flow.py", "DevcontainerHelloFlow"))


def test_devcontainer_daytona_backend_failing_step_maps_its_exit_code(
    run_flow: Any, daytona: None
) -> None:
    run = run_flow("fail_flow.py", "DevcontainerFailFlow", "--with", "devcontainer:backend=daytona")
    assert run.proc.returncode != 0
    report = api.failures(run.pathspec, backend=api.open_backend(run.root))
    [failure] = report.failures
    assert failure.step == "start"
    assert "the input file has 3 columns, expected 4" in "\n".join(failure.stderr_tail)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no-key", 'backend="daytona" needs DAYTONA_API_KEY, not set'),
        ("no-sdk", 'backend="daytona" needs the Python package `daytona`, not installed'),
    ],
)
def test_devcontainer_daytona_backend_without_sdk_or_key_is_a_clear_error(
    run_flow: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setup: str, message: str
) -> None:
    if setup == "no-key":
        monkeypatch.delenv("DAYTONA_API_KEY", raising=False)
    else:  # a `daytona` module that fails to import, as on a machine without the SDK
        shadow = tmp_path / "no-sdk"
        shadow.mkdir()
        (shadow / "daytona.py").write_text("raise ImportError('No module named daytona')\n")
        monkeypatch.setenv("PYTHONPATH", str(shadow))
        monkeypatch.setenv("DAYTONA_API_KEY", "some-key")
    run = run_flow(
        "plain_flow.py", "DevcontainerPlainFlow", "--with", "devcontainer:backend=daytona"
    )
    assert run.proc.returncode != 0
    assert message in run.output, run.output
    assert "Task is starting" not in run.output


def test_devcontainer_daytona_backend_wrong_key_fails_the_task_clearly(
    run_flow: Any, daytona: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAYTONA_API_KEY", "wrong-key")
    run = run_flow(
        "plain_flow.py", "DevcontainerPlainFlow", "--with", "devcontainer:backend=daytona"
    )
    assert run.proc.returncode != 0
    assert (
        "@devcontainer: Daytona at http://127.0.0.1:" in run.output
        and "Invalid credentials" in run.output
    ), run.output


def test_devcontainer_unknown_backend_is_refused_before_any_task(run_flow: Any) -> None:
    run = run_flow("plain_flow.py", "DevcontainerPlainFlow", "--with", "devcontainer:backend=k8s")
    assert run.proc.returncode != 0
    assert "backend='k8s' is not one of docker, devpod, daytona" in run.output, run.output
    assert "Task is starting" not in run.output


def test_devcontainer_daytona_backend_timeout_deletes_the_sandbox(
    run_flow: Any, daytona: None
) -> None:
    option = "devcontainer:backend=daytona,timeout=3"
    run = run_flow("plain_flow.py", "DevcontainerPlainFlow", "--with", option, "--sleep", "60")
    assert run.proc.returncode != 0
    assert "ran longer than its @devcontainer timeout (3 s)" in run.output, run.output


@pytest.mark.parametrize("backend", ["devpod", "daytona"])
def test_devcontainer_backend_ctrl_c_removes_the_sandbox(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    docker_host: str,
    no_leftovers: None,
    backend: str,
) -> None:
    request.getfixturevalue(backend)  # the stand-in, on PATH or listening
    copy_fixture("plain_flow.py", tmp_path)
    env = {**metaflow_env(tmp_path), "DOCKER_HOST": docker_host}
    option = f"devcontainer:backend={backend}"
    proc = subprocess.Popen(
        flow_command(tmp_path / "plain_flow.py", "--with", option, "--sleep", "120"),
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
    )
    seen = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # until the step runs inside the sandbox
            seen.append(line)
            if "start sleeping" in line:
                break
        assert proc.poll() is None, "".join(seen)
        os.killpg(proc.pid, signal.SIGINT)
        output = "".join(seen) + proc.communicate(timeout=90)[0]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode != 0
    assert "@devcontainer: cancelled (SIGINT); container removed." in output, output


@pytest.mark.parametrize("backend", ["devpod", "daytona"])
def test_devcontainer_backend_killed_launcher_leaves_no_sandbox(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    docker_host: str,
    docker_client: Any,
    no_leftovers: None,
    backend: str,
) -> None:
    """The runtime SIGKILLs tasks that ignore Ctrl-C; the watchdog deletes their sandbox."""
    request.getfixturevalue(backend)
    copy_fixture("plain_flow.py", tmp_path)
    env = {**metaflow_env(tmp_path), "DOCKER_HOST": docker_host}
    option = f"devcontainer:backend={backend}"
    proc = subprocess.Popen(
        flow_command(tmp_path / "plain_flow.py", "--with", option, "--sleep", "120"),
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # until the step runs inside the sandbox
            if "start sleeping" in line:
                break
        [sandbox] = docker_client.containers.list(filters={"label": LABEL})
        # The sandbox policy reached the engine through the tool's own protocol.
        host_config = sandbox.attrs["HostConfig"]
        assert host_config["NetworkMode"] == "none"  # daytona: network_block_all
        if backend == "devpod":  # runArgs
            assert host_config["ReadonlyRootfs"] and host_config["CapDrop"] == ["ALL"]
            assert host_config["SecurityOpt"] == ["no-new-privileges"]
            assert host_config["Memory"] == 4096 * 1024**2
        os.kill(int(sandbox.labels["mfstudio.devcontainer.launcher-pid"]), signal.SIGKILL)
        proc.communicate(timeout=60)
        deadline = time.monotonic() + 60  # a bound on waiting, not a speed assertion
        while docker_client.containers.list(all=True, filters={"label": LABEL}):
            assert time.monotonic() < deadline, "the watchdog did not delete the sandbox"
            time.sleep(0.2)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode != 0
