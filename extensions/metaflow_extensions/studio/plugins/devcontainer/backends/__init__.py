"""Where a @devcontainer task runs: one interface, three backends, chosen by name.

`docker` (default) drives the local engine through the docker SDK; `devpod` drives the DevPod
CLI (`devpod up/ssh/delete`); `daytona` drives a Daytona service through its Python SDK. The
launcher talks to a backend only through `SandboxBackend`, so the task command, the output
streaming, the exit-code messages and the cancel handling are the same for all three.

Backends are imported by name, lazily: the docker SDK, the devpod binary and the daytona SDK
are each needed only when a step asks for that backend.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Protocol

from ..engine import Outcome, TaskContainer
from ..errors import DevcontainerError

BACKEND_ENV = "METAFLOW_DEVCONTAINER_BACKEND"
BACKENDS = ("docker", "devpod", "daytona")
DEFAULT_BACKEND = "docker"

OutputSink = Callable[[bytes | None, bytes | None], None]


class SandboxBackend(Protocol):
    """One task's sandbox: check, prepare, run (streaming), clean up.

    A backend object serves one task attempt. `cleanup` must be safe to call whatever state
    `prepare`/`run` reached (also after a cancel), and `discard` must remove a sandbox from its
    handle alone: the watchdog calls it in a fresh process when the launcher was SIGKILLed.
    """

    name: str
    # Whether the backend builds images on the local Docker engine (devcontainer.json
    # "build", postCreateCommand) before the tasks start.
    uses_local_engine: bool

    def check(self) -> None:
        """Raise DevcontainerError (what is missing, how to fix it) if the tool is unusable."""

    def prepare(self, box: TaskContainer) -> str:
        """Create the sandbox for box and return its handle (for the watchdog)."""

    def run(self, box: TaskContainer, timeout: float | None, on_output: OutputSink) -> Outcome:
        """Run box.command in the sandbox, streaming stdout/stderr, until it exits."""

    def cleanup(self) -> None:
        """Remove the sandbox (and bring results home, for backends that copy them)."""

    def discard(self, handle: str) -> None:
        """Remove the sandbox named by handle, from any process."""


def resolve_name(attribute: str | None, where: str) -> str:
    """The backend a step uses: its attribute, else METAFLOW_DEVCONTAINER_BACKEND, else docker."""
    name = (attribute or os.environ.get(BACKEND_ENV) or DEFAULT_BACKEND).strip().lower()
    if name not in BACKENDS:
        origin = "" if attribute else f" (from {BACKEND_ENV})"
        raise DevcontainerError(
            f"{where}: backend={name!r}{origin} is not one of {', '.join(BACKENDS)}."
        )
    return name


def create(name: str) -> SandboxBackend:
    """A fresh backend object for one task (imports only that backend's module)."""
    if name not in BACKENDS:
        raise DevcontainerError(f"backend={name!r} is not one of {', '.join(BACKENDS)}.")
    module = importlib.import_module(f"{__name__}.{name}_backend")
    backend: SandboxBackend = module.Backend()
    return backend
