"""Fixtures for @devcontainer: a real Docker engine, and real flow runs whose steps run in it.

The engine is the one scripts/setup-docker.sh starts (DOCKER_HOST), with its cached images;
every flow run gets its own folder and datastore. After each test no container that
@devcontainer started may be left, running or stopped.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from devcontainer_support import LABEL, ROOT, FlowRun, copy_fixture, flow_command
from runs_fixture import metaflow_env


@pytest.fixture(scope="session")
def docker_host() -> str:
    """DOCKER_HOST of a running engine: the caller's, or the one setup-docker.sh starts."""
    host = os.environ.get("DOCKER_HOST")
    if not host:
        proc = subprocess.run(
            ["bash", str(ROOT / "scripts" / "setup-docker.sh")],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            pytest.fail(f"scripts/setup-docker.sh failed:\n{proc.stderr[-3000:]}")
        host = proc.stdout.strip().rpartition("DOCKER_HOST=")[2]
        os.environ["DOCKER_HOST"] = host
    return host


@pytest.fixture(scope="session")
def docker_client(docker_host: str) -> Any:
    import docker

    return docker.DockerClient(base_url=docker_host)


@pytest.fixture
def no_leftovers(docker_client: Any) -> Iterator[None]:
    """Fails the test if a container labelled by @devcontainer outlives it."""
    yield
    left = docker_client.containers.list(all=True, filters={"label": LABEL})
    assert not left, f"containers left behind: {[c.labels for c in left]}"


@pytest.fixture
def run_flow(tmp_path: Path, docker_host: str, no_leftovers: None) -> Any:
    """run_flow("x_flow.py", "FlowName", *args, cwd=None) runs a fixture flow for real."""

    def run(flow_file: str, flow: str, *args: str, fixture: str | None = None) -> FlowRun:
        if fixture is not None:
            folder = copy_fixture(fixture, tmp_path)
        else:
            folder = tmp_path
            copy_fixture(flow_file, tmp_path)
        env = metaflow_env(folder)
        env["DOCKER_HOST"] = docker_host
        proc = subprocess.run(
            flow_command(folder / flow_file, *args),
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        proc.stdout += proc.stderr
        return FlowRun(folder, proc, flow)

    return run
