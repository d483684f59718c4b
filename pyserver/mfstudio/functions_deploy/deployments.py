"""The deployments the language server started: one worker process each (worker.py), in its
own process group, with its events relayed and its requests answered.

- ``deploy(config)`` starts ``python -m mfstudio.functions_deploy.worker CONFIG`` with the
  interpreter flows run with (``sys.executable``, as launch/ uses) in the task's datastore
  folder; a reader thread hands each event to ``on_event(deployment_id, event)``. A worker
  that ends without saying ``failed`` or ``done`` is reported as ``failed`` (kind
  ``worker``) with the last lines of its standard error.
- ``request(id, body)`` answers ``{"status", "body", "elapsed_ms"}``: for ``call`` through
  the worker's standard input and output, for ``serve`` as an HTTP POST to the served route.
- ``stop(id)`` closes the worker's standard input (call and serve end cleanly), then signals
  the group (SIGTERM, then SIGKILL) until no process of it is left; ``stop_all()`` on shutdown.
"""

from __future__ import annotations

import collections
import concurrent.futures
import itertools
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from mfstudio.launch.runner import group_alive, group_gone_within, signal_group

from .config import DeployConfig

__all__ = ["REQUEST_TIMEOUT_S", "Deployment", "Deployments", "UnknownDeploymentError"]

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT_S = 60.0
"""A test request without an answer by then gets 504: beyond the worker's own call timeout
(which stops the call and restarts the function's worker), plus that restart."""
STOP_GRACE_S = (5.0, 3.0)
"""After closing standard input, then after SIGTERM, before the next step."""
_STDERR_LINES = 200

EventSink = Callable[[str, dict[str, Any]], None]
Answer = dict[str, Any]


class UnknownDeploymentError(KeyError):
    """A request names a deployment this server does not know (never started, or stopped)."""

    def __init__(self, deployment_id: str) -> None:
        super().__init__(deployment_id)
        self.message = (
            f"No deployment {deployment_id!r} was started by this server (or it was stopped)."
        )

    def __str__(self) -> str:
        return self.message


def _error_answer(status: int, kind: str, message: str, elapsed_ms: float = 0.0) -> Answer:
    return {
        "status": status,
        "body": {"error": {"type": kind, "message": message}},
        "elapsed_ms": elapsed_ms,
    }


class Deployment:
    """One worker process and what it said."""

    def __init__(self, deployment_id: str, config: DeployConfig, on_event: EventSink) -> None:
        self.id = deployment_id
        self.config = config
        self.stage = "bind"
        self.url: str | None = None
        self.route = str(config.options.get("route") or "/predict")
        self.stopping = False
        self._on_event = on_event
        self._ended = False  # a final event (failed, done, stopped) was sent
        self._stderr: collections.deque[str] = collections.deque(maxlen=_STDERR_LINES)
        self._pending: dict[int, concurrent.futures.Future[Answer]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        env = dict(os.environ)
        env.setdefault("PYTHONUNBUFFERED", "1")
        if not env.get("USERNAME"):  # Metaflow's client refuses to work without one
            env["USERNAME"] = env.get("USER") or env.get("LOGNAME") or "vscode"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mfstudio.functions_deploy.worker",
                json.dumps(config.to_json()),
            ],
            cwd=config.root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
        )
        self.pgid = self.process.pid
        self._reader = threading.Thread(
            target=self._read, name=f"deploy-{deployment_id}", daemon=True
        )
        self._reader.start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    # -- what the worker says --------------------------------------------------------------

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                logger.warning("deployment %s wrote %r", self.id, line[:200])
                continue
            if isinstance(message, dict) and "stage" in message:
                self._event(message)
            elif isinstance(message, dict):
                self._resolve(message)
        code = self.process.wait()
        self._finish(code)

    def _event(self, event: dict[str, Any]) -> None:
        self.stage = str(event["stage"])
        if self.stage == "ready":
            self.url = event.get("url")
            self.route = str(event.get("route") or self.route)
        if self.stage in ("failed", "done"):
            self._ended = True
        self._on_event(self.id, event)

    def _resolve(self, answer: dict[str, Any]) -> None:
        rid = answer.get("id")
        with self._lock:
            future = self._pending.pop(rid, None) if isinstance(rid, int) else None
        if future is not None and not future.done():
            future.set_result({k: answer.get(k) for k in ("status", "body", "elapsed_ms")})

    def _finish(self, code: int) -> None:
        """The worker ended: fail its pending requests and say how it ended, once."""
        with self._lock:
            pending, self._pending = list(self._pending.values()), {}
        for future in pending:
            if not future.done():
                future.set_result(_error_answer(503, "Stopped", "The deployment ended."))
        if self._ended:
            return
        self._ended = True
        if self.stopping:
            self.stage = "stopped"
            self._on_event(self.id, {"stage": "stopped", "message": "Stopped"})
            return
        tail = "\n".join(list(self._stderr)[-20:])
        message = f"The deployment's process exited with code {code}" + (
            f"; its last output:\n{tail}" if tail else "."
        )
        self.stage = "failed"
        self._on_event(
            self.id,
            {
                "stage": "failed",
                "message": message,
                "error": {"kind": "worker", "message": message},
            },
        )

    def _drain_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._stderr.append(line.rstrip("\n"))
            logger.debug("deployment %s: %s", self.id, line.rstrip())

    # -- requests --------------------------------------------------------------------------

    def request(self, body: Any, timeout: float | None = None) -> Answer:
        """The function's answer to ``body`` (blocking: call it off the event loop)."""
        if timeout is None:
            own = self.config.options.get("timeout_s")
            timeout = REQUEST_TIMEOUT_S if own is None else float(own) + REQUEST_TIMEOUT_S / 2
        if self.config.target == "batch":
            return _error_answer(409, "NotServing", "A batch deployment takes no requests.")
        if self.stage != "ready":
            return _error_answer(503, "NotReady", f"The deployment is not ready ({self.stage}).")
        if self.config.target == "serve":
            return self._post(body, timeout)
        return self._call(body, timeout)

    def _call(self, body: Any, timeout: float) -> Answer:
        future: concurrent.futures.Future[Answer] = concurrent.futures.Future()
        with self._lock:
            rid = next(self._ids)
            self._pending[rid] = future
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps({"id": rid, "body": body}) + "\n")
            self.process.stdin.flush()
        except (OSError, ValueError):
            with self._lock:
                self._pending.pop(rid, None)
            return _error_answer(503, "Stopped", "The deployment ended.")
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            with self._lock:
                self._pending.pop(rid, None)
            return _error_answer(
                504, "Timeout", f"No answer within {timeout:g} s; the function may be stuck."
            )

    def _post(self, body: Any, timeout: float) -> Answer:
        data = json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}{self.route}", data=data, headers={"Content-Type": "application/json"}
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:  # 4xx/5xx: the server's own answer
            status, raw = error.code, error.read()
        except (OSError, TimeoutError) as error:
            elapsed = (time.perf_counter() - started) * 1000
            return _error_answer(
                504 if isinstance(error, TimeoutError) else 503, "Unreachable", str(error), elapsed
            )
        elapsed = round((time.perf_counter() - started) * 1000, 3)
        try:
            answer: Any = json.loads(raw)
        except ValueError:
            answer = raw.decode("utf-8", "replace")
        return {"status": status, "body": answer, "elapsed_ms": elapsed}

    # -- stopping --------------------------------------------------------------------------

    def stop(self, grace: tuple[float, float] = STOP_GRACE_S) -> bool:
        """Stop every process of the deployment; False when it had ended already."""
        if self.process.poll() is not None and not group_alive(self.pgid):
            return False
        self.stopping = True
        # A ready call or serve deployment ends by itself at the end of its input (closing
        # its workers and server); anything else (binding, building, a batch) is signalled.
        gentle = self.stage == "ready" and self.config.target != "batch"
        try:
            assert self.process.stdin is not None
            self.process.stdin.close()
        except OSError:
            pass
        if not (gentle and group_gone_within(self.process, self.pgid, grace[0])):
            steps = ((signal.SIGTERM, grace[1]), (signal.SIGKILL, 5.0))
            signal_group(self.process, self.pgid, steps)
        self._reader.join(5.0)
        return True


class Deployments:
    """The registry: ``deploy``, ``request``, ``stop``, ``stop_all``."""

    def __init__(self, on_event: EventSink) -> None:
        self._on_event = on_event
        self._deployments: dict[str, Deployment] = {}
        self._ids = itertools.count(1)

    def deploy(self, config: DeployConfig) -> str:
        deployment_id = f"deploy-{os.getpid()}-{next(self._ids)}"
        self._deployments[deployment_id] = Deployment(deployment_id, config, self._on_event)
        return deployment_id

    def get(self, deployment_id: str) -> Deployment:
        deployment = self._deployments.get(deployment_id)
        if deployment is None:
            raise UnknownDeploymentError(deployment_id)
        return deployment

    def request(self, deployment_id: str, body: Any, timeout: float = REQUEST_TIMEOUT_S) -> Answer:
        return self.get(deployment_id).request(body, timeout)

    def stop(self, deployment_id: str) -> bool:
        """Stops and forgets the deployment (blocking: call it off the event loop)."""
        deployment = self.get(deployment_id)
        stopped = deployment.stop()
        self._deployments.pop(deployment_id, None)
        return stopped

    def stop_all(self, grace: tuple[float, float] = (0.5, 0.3)) -> None:
        """Server shutdown: short grace periods (the editor waits about a second)."""
        deployments = list(self._deployments.values())
        self._deployments.clear()
        for deployment in deployments:
            deployment.stop(grace)
