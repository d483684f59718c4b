"""The local backend: a persistent worker process in the package's own environment.

The caller's interpreter never runs the function: the worker is the environment's python,
with only the package's code and this runtime (the studio extension) on its path. Requests
are serialized: one call in flight per worker (use several functions for parallelism).
"""

from __future__ import annotations

import asyncio
import collections
import json
import os
import subprocess
import threading
from pathlib import Path
from typing import Any

from .closing import ClosesOnExit
from .errors import FunctionCallError, WorkerError
from .package import FunctionInfo

__all__ = ["LocalFunction", "Outcome"]

Outcome = tuple[bool, Any]  # (True, result) or (False, {"type", "message", "traceback"})

WORKER_MODULE = "metaflow_extensions.studio.toplevel.functions.worker"
# extensions/ (the folder holding metaflow_extensions/): the runtime the worker imports.
RUNTIME_ROOT = Path(__file__).resolve().parents[4]
_DROPPED_ENV = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP", "__PYVENV_LAUNCHER__")


class LocalFunction(ClosesOnExit):
    """A loaded function: ``fn(record)``, ``fn.map(records)``, ``fn.close()``."""

    def __init__(self, package_dir: Path, python: Path, info: FunctionInfo) -> None:
        self.info = info
        self.name = info.name
        self.input_schema = info.input_schema
        self.output_schema = info.output_schema
        self._lock = threading.Lock()
        self._next_id = 0
        self._stderr: collections.deque[str] = collections.deque(maxlen=200)
        env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
        env.update(PYTHONPATH=str(RUNTIME_ROOT), PYTHONNOUSERSITE="1", PYTHONUNBUFFERED="1")
        env.setdefault("USERNAME", "function")
        self._proc = subprocess.Popen(
            [str(python), "-m", WORKER_MODULE, str(package_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=package_dir,
        )
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        hello = self._read()
        if hello.get("event") != "ready":
            error = hello.get("error", {})
            self.close()
            raise WorkerError(
                f"function '{self.name}' could not start in its environment: "
                f"{error.get('type', '?')}: {error.get('message', hello)}"
            )
        self.pid: int = hello["pid"]
        self.python: str = hello["python"]
        self.executable: str = hello["executable"]
        self.batch: bool = bool(hello.get("batch", False))

    def __call__(self, data: Any) -> Any:
        return self._request("call", data)

    def map(self, records: list[Any]) -> list[Any]:
        """Results for ``records`` in order, in one round trip to the worker."""
        result: list[Any] = self._request("map", list(records))
        return result

    def each(self, records: list[Any]) -> list[Outcome]:
        """One outcome per record, in one round trip: ``(True, result)`` or ``(False, error)``
        with ``error`` the remote ``{"type", "message", "traceback"}``. For servers that group
        independent requests: one failing record does not fail the others."""
        raw: list[dict[str, Any]] = self._request("each", list(records))
        return _outcomes(raw)

    async def each_async(self, records: list[Any]) -> list[Outcome]:
        """``each`` awaited on the running event loop, without a thread (a server's
        latency: no hop to a thread and back). One call at a time per worker, and not mixed
        with the blocking calls while it runs (the server gives a worker to one batch)."""
        loop = asyncio.get_running_loop()
        self._next_id += 1
        rid = self._next_id
        assert self._proc.stdin is not None and self._proc.stdout is not None
        out_fd = self._proc.stdout.fileno()
        reply: asyncio.Future[bytes] = loop.create_future()
        buffer = bytearray()

        def readable() -> None:
            chunk = os.read(out_fd, 1 << 16)
            buffer.extend(chunk)
            if (not chunk or buffer.endswith(b"\n")) and not reply.done():
                reply.set_result(bytes(buffer))  # one request, one line (or EOF)

        try:
            self._proc.stdin.write(json.dumps({"id": rid, "op": "each", "data": records}) + "\n")
            self._proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            raise self._died() from None
        loop.add_reader(out_fd, readable)
        try:
            line = await reply
        finally:
            loop.remove_reader(out_fd)  # also when the caller gave up (timeout)
        if not line:
            raise self._died()
        raw: list[dict[str, Any]] = self._result(json.loads(line), rid)
        return _outcomes(raw)

    def warm(self) -> None:
        """Load every bound artifact now (unpickling imports the model's libraries), so the
        first call is as fast as the next; FunctionCallError if one cannot be loaded."""
        self._request("warm", None)

    def kill(self) -> None:
        """Stop the worker now, even mid-call (a stuck function); a pending call then fails."""
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()

    def close(self) -> None:
        """Stop the worker (it exits when its stdin closes)."""
        proc = self._proc
        if proc.poll() is None:
            try:
                assert proc.stdin is not None
                proc.stdin.close()
                proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait()

    def __del__(self) -> None:
        if getattr(self, "_proc", None) is not None:
            self.close()

    def __repr__(self) -> str:
        return f"<LocalFunction {self.name} pid={self._proc.pid}>"

    def _request(self, op: str, data: Any) -> Any:
        with self._lock:
            self._next_id += 1
            rid = self._next_id
            line = json.dumps({"id": rid, "op": op, "data": data})
            try:
                assert self._proc.stdin is not None
                self._proc.stdin.write(line + "\n")
                self._proc.stdin.flush()
            except (BrokenPipeError, ValueError):
                raise self._died() from None
            reply = self._read()
        return self._result(reply, rid)

    def _result(self, reply: dict[str, Any], rid: int) -> Any:
        if reply.get("id") != rid and reply.get("id") is not None:
            raise WorkerError(f"function '{self.name}': reply for request {reply.get('id')}")
        if reply.get("ok"):
            return reply["result"]
        error = reply.get("error", {})
        message = str(error.get("message", ""))
        if "index" in reply:
            message = f"{message} (record {reply['index']} of the batch)"
        raise FunctionCallError(
            self.name, str(error.get("type", "Exception")), message, str(error.get("traceback", ""))
        )

    def _read(self) -> dict[str, Any]:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            raise self._died()
        try:
            message: dict[str, Any] = json.loads(line)
        except ValueError:
            raise WorkerError(f"function '{self.name}': worker wrote {line[:200]!r}") from None
        return message

    def _died(self) -> WorkerError:
        code = self._proc.wait()
        tail = "\n".join(list(self._stderr)[-20:])
        return WorkerError(
            f"the worker of function '{self.name}' exited with code {code}"
            + (f"; its last output:\n{tail}" if tail else "")
        )

    def _drain_stderr(self) -> None:
        assert self._proc.stderr is not None
        for line in self._proc.stderr:
            self._stderr.append(line.rstrip("\n"))


def _outcomes(raw: list[dict[str, Any]]) -> list[Outcome]:
    return [(True, o["result"]) if o.get("ok") else (False, o.get("error", {})) for o in raw]
