"""Every call to the Docker engine @devcontainer makes, through the `docker` SDK (7.x).

The SDK is imported inside functions: this module is imported by the decorator, and a missing
`docker` package must give a clear error when a step uses @devcontainer, never break Metaflow.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import DevcontainerConfig
from .errors import DevcontainerError
from .policy import SandboxPolicy

# Every container @devcontainer starts carries this label (value: the task's pathspec), so
# leftovers can be found with `docker ps -a --filter label=mfstudio.devcontainer`.
LABEL = "mfstudio.devcontainer"
LABEL_LAUNCHER = "mfstudio.devcontainer.launcher-pid"
SETUP_HINT = 'start one with `eval "$(bash scripts/setup-docker.sh)"` (it prints DOCKER_HOST)'
# Folders never hashed into a build's cache key: they change with every run.
_CONTEXT_SKIP = {".metaflow", ".git", "__pycache__", ".venv", "node_modules"}


def default_image() -> str:
    """The image scripts/setup-docker.sh builds: Debian bookworm + this Metaflow version."""
    from metaflow import __version__ as metaflow_version  # only on the host, already loaded

    return f"local/mfstudio-metaflow:{metaflow_version}"


def connect() -> Any:
    """A docker client for DOCKER_HOST, or a clear error saying how to get an engine."""
    try:
        import docker  # type: ignore[import-untyped]
    except ImportError as ex:
        raise DevcontainerError(
            "@devcontainer needs the Python package `docker` (7.x): pip install 'docker>=7,<8'."
        ) from ex
    host = os.environ.get("DOCKER_HOST") or "the default socket"
    try:
        client = docker.from_env(timeout=120)
        client.ping()
    except docker.errors.DockerException as ex:
        raise DevcontainerError(f"no Docker engine answers at {host} ({ex}); {SETUP_HINT}.") from ex
    return client


def check_gpu(client: Any, gpu: Any) -> None:
    """Refuse gpu=N unless the engine has an NVIDIA runtime (never silently run on CPU)."""
    runtimes = client.info().get("Runtimes", {})
    if "nvidia" not in runtimes:
        raise DevcontainerError(
            f"gpu={gpu} was requested but this Docker engine has no GPU runtime "
            f"(runtimes: {', '.join(sorted(runtimes)) or 'none'}). Remove gpu= to run on CPU, "
            "or run on a machine with the NVIDIA container toolkit."
        )


def resolve_image(client: Any, image: str | None, config: DevcontainerConfig | None) -> str:
    """The local image tag a step runs in: given, built from a Dockerfile, or the default.

    Builds and postCreateCommand results are cached under a tag derived from their inputs, so
    the second run of a flow starts its containers without building anything.
    """
    if image is None and config is not None and config.dockerfile is not None:
        image = _build(client, config)
    elif image is None:
        image = config.image if config is not None and config.image else default_image()
    _require_local(client, image, config)
    if config is not None and config.post_create_command:
        image = _post_create(client, image, config)
    return image


def _require_local(client: Any, image: str, config: DevcontainerConfig | None) -> None:
    import docker

    try:
        client.images.get(image)
    except docker.errors.ImageNotFound:
        where = f" (from {config.path})" if config is not None else ""
        raise DevcontainerError(
            f"image {image!r}{where} is not in the local Docker engine, and no registry is "
            "used. Build it first (scripts/setup-docker.sh builds local/mfstudio-metaflow:"
            '<version>), or give devcontainer.json a "build": {"dockerfile": ...}.'
        ) from None


def _context_key(config: DevcontainerConfig) -> str:
    """A hash of what a build reads: Dockerfile, build args, context files (path/size/mtime)."""
    assert config.dockerfile is not None and config.context is not None
    digest = hashlib.sha256(config.dockerfile.read_bytes())
    digest.update(repr(sorted(config.build_args.items())).encode())
    for root, dirs, files in os.walk(config.context):
        dirs[:] = sorted(d for d in dirs if d not in _CONTEXT_SKIP)
        for name in sorted(files):
            stat = os.stat(os.path.join(root, name))
            rel = os.path.relpath(os.path.join(root, name), config.context)
            digest.update(f"{rel}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _build(client: Any, config: DevcontainerConfig) -> str:
    import docker

    assert config.dockerfile is not None and config.context is not None
    tag = f"local/mfstudio-dc:{_context_key(config)}"
    try:
        client.images.get(tag)
        return tag
    except docker.errors.ImageNotFound:
        pass
    try:
        client.images.build(
            path=str(config.context),
            dockerfile=os.path.relpath(config.dockerfile, config.context),
            tag=tag,
            buildargs=config.build_args or None,
            rm=True,
            forcerm=True,
        )
    except docker.errors.BuildError as ex:
        tail = "".join(str(chunk.get("stream", chunk.get("error", ""))) for chunk in ex.build_log)
        raise DevcontainerError(
            f"{config.path}: building {config.dockerfile} failed: {ex.msg}\n{tail[-2000:]}"
        ) from ex
    except docker.errors.APIError as ex:
        raise DevcontainerError(f"{config.path}: building {config.dockerfile} failed: {ex}") from ex
    return tag


def _post_create(client: Any, image: str, config: DevcontainerConfig) -> str:
    """postCreateCommand runs once per (image, command) and is committed into a cached image."""
    import docker

    key = hashlib.sha256(f"{image}\0{config.post_create_command}".encode()).hexdigest()[:16]
    tag = f"local/mfstudio-dc:post-{key}"
    try:
        client.images.get(tag)
        return tag
    except docker.errors.ImageNotFound:
        pass
    container = client.containers.create(
        image, list(config.post_create_command), labels={LABEL: "postCreateCommand"}
    )
    try:
        container.start()
        status = container.wait()
        if status.get("StatusCode") != 0:
            logs = container.logs().decode(errors="replace")[-2000:]
            raise DevcontainerError(
                f"{config.path}: postCreateCommand exited with {status.get('StatusCode')}:\n{logs}"
            )
        container.commit(repository="local/mfstudio-dc", tag=f"post-{key}")
    finally:
        container.remove(force=True)
    return tag


@dataclass
class TaskContainer:
    """What one task's container needs: the argv, where it runs, what it sees."""

    image: str
    command: list[str]
    working_dir: str
    policy: SandboxPolicy
    environment: dict[str, str]
    # host path -> (container path, read_only)
    binds: dict[str, tuple[str, bool]]
    labels: dict[str, str]


@dataclass
class Outcome:
    exit_code: int
    oom_killed: bool
    timed_out: bool


def create(client: Any, spec: TaskContainer) -> Any:
    volumes = {
        host: {"bind": target, "mode": "ro" if read_only else "rw"}
        for host, (target, read_only) in spec.binds.items()
    }
    return client.containers.create(
        spec.image,
        spec.command,
        working_dir=spec.working_dir,
        environment=spec.environment,
        volumes=volumes,
        labels=spec.labels,
        **spec.policy.docker_options(),
    )


def run(
    container: Any,
    timeout: float | None,
    on_output: Callable[[bytes | None, bytes | None], None],
) -> Outcome:
    """Start the container, stream its stdout/stderr as they come, wait for its exit.

    On timeout the container is killed (exit 137, timed_out set). The caller removes it.
    """
    timed_out = threading.Event()

    def expire() -> None:
        timed_out.set()
        with contextlib.suppress(Exception):  # it may have exited in the meantime
            container.kill()

    timer = threading.Timer(timeout, expire) if timeout else None
    # Attach before start so not one line is lost; demux keeps stdout and stderr apart.
    stream: Iterator[tuple[bytes | None, bytes | None]] = container.attach(
        stdout=True, stderr=True, stream=True, demux=True, logs=True
    )
    container.start()
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        for out, err in stream:
            on_output(out, err)
        code = int(container.wait().get("StatusCode", 1))
    finally:
        if timer is not None:
            timer.cancel()
    oom = False
    if code == 137:  # only a SIGKILL can be the OOM killer: spare the others an inspect
        container.reload()
        oom = bool(container.attrs.get("State", {}).get("OOMKilled"))
    return Outcome(exit_code=code, oom_killed=oom, timed_out=timed_out.is_set())


def remove(container: Any) -> None:
    import docker

    with contextlib.suppress(docker.errors.NotFound):
        container.remove(force=True)


def leftovers(client: Any) -> list[Any]:
    """Containers @devcontainer started that still exist (for tests and cleanup)."""
    return list(client.containers.list(all=True, filters={"label": LABEL}))


def extension_root() -> Path:
    """The folder of the `studio` extension: mounted read-only so tasks find @devcontainer."""
    return Path(__file__).resolve().parents[2]
