"""The fastapi backend: ``function_from_json(ref, backend="fastapi", **options)``.

FastAPI and uvicorn run in the CALLER's process; the function runs in its workers (the same
isolated processes as the local backend, in the package's own environment), so the caller
needs neither the function's packages nor its Python. ``FunctionServer.serve()`` blocks
(the command line); ``start()`` serves from a thread and returns the base URL (notebooks,
tests); ``.app`` is the ASGI app for any other server.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .batching import Dispatcher, WorkerPool
from .closing import ClosesOnExit
from .errors import BackendUnavailableError
from .local_backend import LocalFunction
from .package import FunctionInfo

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

__all__ = ["FunctionServer", "ServeOptions"]

MISSING_SERVE = (
    "backend='fastapi' needs FastAPI, uvicorn and jsonschema in the caller's environment: "
    "pip install 'metaflow-studio[serve]'"
)


@dataclass(frozen=True)
class ServeOptions:
    """The options of ``function_from_json(ref, backend="fastapi", ...)``."""

    route: str = "/predict"
    workers: int = 1  # worker processes (concurrency); each holds the bound artifacts
    max_batch_size: int = 32  # 1 turns batching off
    max_latency_ms: float | None = None  # None: 5 for batch functions, 0 for others
    timeout_s: float = 30.0
    max_body_bytes: int = 1024 * 1024
    debug: bool = False  # tracebacks in 500 answers

    def __post_init__(self) -> None:
        if not self.route.startswith("/") or self.route in ("/health", "/ready", "/docs"):
            raise ValueError(f"route {self.route!r}: give a path such as /predict")
        for name in ("workers", "max_batch_size", "max_body_bytes"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {self.timeout_s}")
        if self.max_latency_ms is not None and self.max_latency_ms < 0:
            raise ValueError(f"max_latency_ms must be >= 0, got {self.max_latency_ms}")

    @classmethod
    def from_kwargs(cls, options: dict[str, Any]) -> ServeOptions:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise TypeError(
                f"the fastapi backend takes {', '.join(sorted(known))}; "
                f"unknown: {', '.join(unknown)}"
            )
        _require_serving_libraries()  # before the package is fetched or anything built
        return cls(**options)


def _require_serving_libraries() -> None:
    try:
        import fastapi  # noqa: F401
        import jsonschema  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise BackendUnavailableError(f"{MISSING_SERVE} ({exc})") from None


class FunctionServer(ClosesOnExit):
    """One function over HTTP: ``serve(host, port)`` or ``start()`` / ``close()``."""

    def __init__(
        self, package_dir: Path, python: Path, info: FunctionInfo, options: ServeOptions
    ) -> None:
        _require_serving_libraries()
        self.name = info.name
        self.info = info
        self.options = options
        self.input_schema = info.input_schema
        self.output_schema = info.output_schema
        self.url: str | None = None
        self._worker_args = (package_dir, python, info)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.pool = WorkerPool(self._start_worker, options.workers)
        self.dispatcher = Dispatcher(self.pool, options.max_batch_size, 0.0, options.timeout_s)
        self._app: FastAPI | None = None

    def _start_worker(self) -> LocalFunction:
        """A worker; its hello says whether the function takes batches, which sets the
        default batch window (5 ms for batch functions, none for others)."""
        worker = LocalFunction(*self._worker_args)
        try:
            worker.warm()  # ready means ready: the model is loaded before /ready says so
        except BaseException:
            worker.close()
            raise
        if self.options.max_latency_ms is not None:
            self.dispatcher.max_latency_s = self.options.max_latency_ms / 1000
        elif worker.batch:
            self.dispatcher.max_latency_s = 0.005
        return worker

    @property
    def app(self) -> FastAPI:
        if self._app is None:
            from .http_app import build_app

            self._app = build_app(
                self.name,
                self.pool,
                self.dispatcher,
                self.options,
                self.input_schema,
                self.output_schema,
            )
        return self._app

    def _bind(self, host: str, port: int) -> tuple[socket.socket, str]:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted connections only for
        # sockets that say so; without it, Nagle + delayed ACKs add 40 ms to every answer.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            sock.close()
            raise OSError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        sock.listen(2048)
        bound = sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        return sock, f"http://{shown}:{bound}"

    def _uvicorn(self) -> uvicorn.Server:
        import uvicorn

        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=5,
        )
        return uvicorn.Server(config)

    def serve(self, host: str = "127.0.0.1", port: int = 8000, on_listening: Any = None) -> None:
        """Serve until interrupted; ``on_listening(url)`` is called once the port is bound."""
        sock, self.url = self._bind(host, port)
        if on_listening is not None:
            on_listening(self.url)
        self._server = self._uvicorn()
        self._server.run(sockets=[sock])

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve from a background thread; returns the base URL (``port=0``: any free)."""
        sock, self.url = self._bind(host, port)
        server = self._server = self._uvicorn()  # it installs no signal handlers off main
        self._thread = threading.Thread(
            target=server.run,
            kwargs={"sockets": [sock]},
            name=f"serve-{self.name}",
            daemon=True,
        )
        self._thread.start()
        return self.url

    def close(self) -> None:
        """Stop serving (started with ``start()``) and stop the workers."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        self.pool.close()

    def __repr__(self) -> str:
        return f"<FunctionServer {self.name} {self.url or '(not serving)'}>"
