"""The Ray actor of the ``ray`` backend: one actor hosts one local worker process.

The actor itself runs in a Ray worker (the caller's interpreter, which has Ray); the
function runs in the worker process it starts, the package's own environment built from
the lock (``load_package``: verified and built on the actor's node, cached by hash, so a
multi-node cluster prepares each node once). Ray's ``runtime_env={"py_executable": ...}``
could start the actor in that environment directly, but it needs Ray installed there: it
would add ~750 MB to every function's environment, or the caller's site-packages to it.

This module imports no Ray: ``ray_backend`` wraps the class with ``ray.remote``. Methods
never raise, so that the caller sees the function's own error, not Ray's wrapping of it.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from .errors import WorkerError
from .local_backend import LocalFunction

__all__ = ["FunctionActor"]

# A reply to ``run``: {"results": [...]} when every record succeeded, else
# {"failed": <offset in the chunk>, "error": {"type", "message", "traceback"}, "batch": bool}
# or {"died": "<why the worker exited>"} (the actor starts a new worker for the next chunk).
Reply = dict[str, Any]


class FunctionActor:
    def __init__(self, reference: str) -> None:
        self._reference = reference
        self._fn: LocalFunction | None = None
        self._start_error: dict[str, str] | None = None
        try:
            self._fn = self._start()
        except Exception as exc:
            self._start_error = {"type": type(exc).__name__, "message": str(exc)}

    def _start(self) -> LocalFunction:
        from .loader import load_package  # the loader imports the backends, this among them

        package_dir, python, info = load_package(self._reference)
        return LocalFunction(package_dir, python, info)

    def ready(self) -> dict[str, Any]:
        """Where this actor's worker runs, or why it could not start."""
        if self._fn is None:
            return {"ok": False, "error": self._start_error}
        return {
            "ok": True,
            "actor_pid": os.getpid(),
            "worker_pid": self._fn.pid,
            "executable": self._fn.executable,
            "host": socket.gethostname(),
        }

    def run(self, records: list[Any]) -> Reply:
        """The function over ``records`` in one round trip to the worker; stops at nothing
        (``each``), then reports the first failure."""
        try:
            fn = self._fn if self._fn is not None else self._start()
            self._fn = fn
            outcomes = fn.each(records)
        except WorkerError as exc:
            if self._fn is not None:
                self._fn.kill()
            self._fn = None  # the next chunk starts a fresh worker
            return {"died": str(exc)}
        except Exception as exc:  # the worker could not be restarted
            return {"died": f"{type(exc).__name__}: {exc}"}
        for offset, (ok, value) in enumerate(outcomes):
            if not ok:
                return {"failed": offset, "error": value, "batch": fn.batch}
        return {"results": [value for _ok, value in outcomes]}

    def close(self) -> None:
        if self._fn is not None:
            self._fn.close()
            self._fn = None
