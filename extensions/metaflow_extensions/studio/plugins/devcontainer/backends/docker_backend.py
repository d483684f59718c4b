"""The default backend: one container per task on the local engine, through the docker SDK."""

from __future__ import annotations

import contextlib
from typing import Any

from .. import engine
from ..engine import Outcome, TaskContainer
from . import OutputSink


class Backend:
    name = "docker"
    uses_local_engine = True

    def __init__(self) -> None:
        self._client: Any = None
        self._container: Any = None

    def check(self) -> None:
        self._client = engine.connect()

    def prepare(self, box: TaskContainer) -> str:
        self._container = engine.create(self._client, box)
        return str(self._container.id)

    def run(self, box: TaskContainer, timeout: float | None, on_output: OutputSink) -> Outcome:
        return engine.run(self._container, timeout, on_output)

    def cleanup(self) -> None:
        if self._container is not None:
            engine.remove(self._container)

    def discard(self, handle: str) -> None:
        import docker  # type: ignore[import-untyped]

        with contextlib.suppress(docker.errors.NotFound):
            docker.from_env().containers.get(handle).remove(force=True)
