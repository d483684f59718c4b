"""The local backend: a persistent worker process in the package's own environment.

The caller's interpreter never runs the function: the worker is the environment's python,
with only the package's code and this runtime (the studio extension) on its path. Requests
are serialized: one call in flight per worker (use several functions for parallelism).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
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
        self._loop: asyncio.AbstractEventLoop | None = None  # reading replies (each_async)
        self._waiting: dict[int, asyncio.Future[dict[str, Any] | None]] = {}
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
        assert self._proc.stdin is not None
        self._stdin_fd = self._proc.stdin.fileno()
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
        latency: no hop to a thread and back). Once used, the worker's replies are read by
        the loop (``_listen``): do not mix it with the blocking calls afterwards."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._listen(loop)
        self._next_id += 1
        rid = self._next_id
        reply: asyncio.Future[dict[str, Any] | None] = loop.create_future()
        self._waiting[rid] = reply
        try:
            line = json.dumps({"id": rid, "op": "each", "data": records}) + "\n"
            _write_all(self._stdin_fd, line.encode("utf-8"))
            message = await reply
        except OSError:  # BrokenPipeError: the worker is gone
            raise self._died() from None
        finally:
            self._waiting.pop(rid, None)  # also when the caller gave up (timeout)
        if message is None:
            raise self._died()
        raw: list[dict[str, Any]] = self._result(message, rid)
        return _outcomes(raw)

    def _listen(self, loop: asyncio.AbstractEventLoop) -> None:
        """Read replies on ``loop`` from now on: the reader stays registered (no per-call
        add/remove), and each reply line goes to the call waiting for its id (a reply whose
        caller gave up is dropped). EOF ends every waiting call with None (worker gone)."""
        self._unlisten()
        assert self._proc.stdout is not None
        out_fd = self._proc.stdout.fileno()
        buffer = bytearray()

        def readable() -> None:
            try:
                chunk = os.read(out_fd, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                self._unlisten()
                for future in self._waiting.values():
                    if not future.done():
                        future.set_result(None)
                return
            buffer.extend(chunk)
            while (end := buffer.find(b"\n")) >= 0:
                line = bytes(buffer[: end + 1])
                del buffer[: end + 1]
                try:
                    message = json.loads(line)
                except ValueError:
                    message = {"id": None, "ok": False, "error": {"message": line[:200]}}
                waiter = self._waiting.get(message.get("id"))
                if waiter is not None and not waiter.done():
                    waiter.set_result(message)

        loop.add_reader(out_fd, readable)
        self._loop = loop

    def _unlisten(self) -> None:
        """Stop reading replies on the loop (from its thread, or scheduled onto it)."""
        loop, self._loop = self._loop, None
        if loop is None or loop.is_closed() or self._proc.stdout is None:
            return
        fd = self._proc.stdout.fileno()
        try:
            on_loop = asyncio.get_running_loop() is loop
        except RuntimeError:
            on_loop = False
        if on_loop:
            _forget(loop, fd)
        else:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(_forget, loop, fd)

    def warm(self) -> None:
        """Load every bound artifact now (unpickling imports the model's libraries), so the
        first call is as fast as the next; FunctionCallError if one cannot be loaded."""
        self._request("warm", None)

    def kill(self) -> None:
        """Stop the worker now, even mid-call (a stuck function); a pending call then fails."""
        self._unlisten()
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()

    def close(self) -> None:
        """Stop the worker (it exits when its stdin closes)."""
        self._unlisten()
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


def _forget(loop: asyncio.AbstractEventLoop, fd: int) -> None:
    with contextlib.suppress(ValueError, OSError, RuntimeError):  # fd or loop already gone
        loop.remove_reader(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _outcomes(raw: list[dict[str, Any]]) -> list[Outcome]:
    return [(True, o["result"]) if o.get("ok") else (False, o.get("error", {})) for o in raw]
