"""The process of one deployment: bind a workspace function to a task, then call, serve or
batch it. Started by :mod:`deployments` with the interpreter flows run with (the language
server's, as launch/ uses), in its own process group:

    python -m mfstudio.functions_deploy.worker '<DeployConfig JSON>'

Standard output carries JSON lines only; everything else (Metaflow, the function's prints,
Ray) is moved to standard error:

- events ``{"stage", "message", ...}``: ``bind``, ``environment``, ``start``, then ``ready``
  (call, serve: with ``reference``, ``url``, ``route``, ``openapi``, ``input_example``) or
  ``batch`` progress (``done``/``total``) and ``done`` (``output_file``); or ``failed`` with
  ``error: {kind, message}`` and exit 1.
- call target: requests ``{"id", "body"}`` on standard input, answers
  ``{"id", "status", "body", "elapsed_ms"}`` with HTTP's meaning: 200 the result, 422 a body
  that breaks the input schema (``{"detail": [{"loc", "msg", "type"}]}``, as the HTTP server
  says it), 500 the function raised (``{"error": {"type", "message"}}``).

Standard input closing stops a call or serve deployment cleanly; SIGTERM stops any (the
backends close on the way out: workers, the HTTP server, a Ray this process started).
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import IO, Any, NoReturn

from .config import DeployConfig
from .examples import example_for

__all__ = ["DeployFailure", "Events", "main"]

_FUNCTIONS = "metaflow_extensions.studio.toplevel.functions"
READY_TIMEOUT_S = 600.0
"""How long a served function's first worker may take to start and load its artifacts."""


def _functions(module: str = "") -> Any:
    """The Metaflow Functions runtime (the studio extension), imported by name: this package
    is type-checked without extensions/ on the path."""
    return importlib.import_module(f"{_FUNCTIONS}.{module}" if module else _FUNCTIONS)


class DeployFailure(Exception):
    """A deployment cannot go on; ``kind`` names the cause for the editor."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class Events:
    """JSON lines on the real standard output (events and answers), one writer at a time."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self._lock = threading.Lock()

    def send(self, stage: str, message: str, **fields: Any) -> None:
        self.write({"stage": stage, "message": message, **fields})

    def write(self, line: dict[str, Any]) -> None:
        text = json.dumps(line)
        with self._lock:
            self.out.write(text + "\n")
            self.out.flush()


@dataclass(frozen=True)
class Bound:
    """A bound, packaged function with its environment ready."""

    reference: str
    package_dir: Path
    python: Path
    info: Any  # the runtime's FunctionInfo

    def ready_fields(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "input_example": example_for(self.info.input_schema),
        }


def bind(config: DeployConfig, events: Events) -> Bound:
    """Import the function, bind it to the task, package it and build its environment."""
    events.send("bind", f"Binding {config.function} ({config.module}) to {config.task}")
    target = _import_function(config)
    metaflow = importlib.import_module("metaflow")
    metaflow.metadata(f"local@{config.root}")
    metaflow.namespace(None)
    try:
        task = metaflow.Task(config.task)
    except Exception as exc:
        raise DeployFailure(
            "task",
            f"Task {config.task} cannot be read from the datastore in {config.root} "
            f"({type(exc).__name__}: {exc}); pick another task.",
        ) from None
    errors = _functions("errors")
    try:
        fn = metaflow.JsonFunction(target, task=task, artifacts=config.artifacts)
    except errors.ArtifactNotFoundError as exc:
        raise DeployFailure(
            "missing_artifact", f"{exc}. Pick a task that has it (the task list marks them)."
        ) from None
    except errors.FunctionSignatureError as exc:
        raise DeployFailure("signature", str(exc)) from None
    events.send(
        "environment",
        "Packaging the function and preparing its environment (built once, then cached)",
    )
    try:
        reference: str = fn.reference
        package_dir, python, info = _functions("loader").load_package(reference)
    except errors.FunctionsError as exc:  # environment build, Python version, package
        raise DeployFailure("environment", f"{type(exc).__name__}: {exc}") from None
    return Bound(reference, package_dir, python, info)


def _import_function(config: DeployConfig) -> Any:
    sys.path.insert(0, config.workspace)
    try:
        module: ModuleType = importlib.import_module(config.module)
    except _functions("errors").FunctionSignatureError as exc:
        raise DeployFailure("signature", str(exc)) from None
    except Exception as exc:
        raise DeployFailure(
            "import",
            f"Cannot import {config.module} from {config.workspace} "
            f"({type(exc).__name__}: {exc}); fix the error, save, and deploy again.",
        ) from None
    target = getattr(module, config.function, None)
    if target is None:
        raise DeployFailure(
            "import", f"{config.module} has no {config.function!r} at module level; save the file?"
        )
    return target


# -- targets -------------------------------------------------------------------------------

CALL_TIMEOUT_S = 30.0
"""A test call still running after this is stopped (504), as the HTTP server's default."""


def run_call(config: DeployConfig, events: Events) -> int:
    """Answer requests from standard input with a local worker of the function."""
    bound = bind(config, events)
    events.send("start", "Starting the function's worker in its environment")
    local = _functions("local_backend").LocalFunction
    fn = local(bound.package_dir, bound.python, bound.info)
    timeout = call_timeout(config)
    try:
        fn.warm()  # the model is loaded before the panel says ready
        check = _validator(bound.info.input_schema)
        events.send(
            "ready", f"{config.function} is ready for test requests", **bound.ready_fields()
        )
        for line in sys.stdin:
            if not line.strip():
                continue
            rid, body = _request_of(line)
            started = time.perf_counter()
            status, answer, fn = _answer(fn, check, body, bound, local, timeout)
            elapsed = round((time.perf_counter() - started) * 1000, 3)
            events.write({"id": rid, "status": status, "body": answer, "elapsed_ms": elapsed})
    finally:
        fn.close()
    return 0


def _request_of(line: str) -> tuple[Any, Any]:
    try:
        request = json.loads(line)
        return request["id"], request.get("body")
    except (ValueError, KeyError, TypeError):
        return None, None


def call_timeout(config: DeployConfig) -> float:
    """Seconds a test call may take (option ``timeout_s``; the server's default otherwise)."""
    return float(config.options.get("timeout_s") or CALL_TIMEOUT_S)


def _answer(
    fn: Any, check: Any, body: Any, bound: Bound, local: Any, timeout: float
) -> tuple[int, Any, Any]:
    """(status, body, the worker to use next): a worker that died is replaced, and so is one
    still busy after ``timeout`` (killed, so a stuck call does not hold every later one)."""
    detail = check(body)
    if detail:
        return 422, {"detail": detail}, fn
    errors = _functions("errors")
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        fn.kill()

    watchdog = threading.Timer(timeout, expire)
    watchdog.start()
    try:
        return 200, fn(body), fn
    except errors.FunctionCallError as exc:
        return 500, {"error": {"type": exc.type, "message": exc.message}}, fn
    except errors.WorkerError as exc:
        fn.close()
        fresh = local(bound.package_dir, bound.python, bound.info)
        if expired.is_set():
            message = f"No answer within {timeout:g} s: the call was stopped, the worker restarted."
            return 504, {"error": {"type": "Timeout", "message": message}}, fresh
        return 500, {"error": {"type": "WorkerError", "message": str(exc)}}, fresh
    finally:
        watchdog.cancel()


def _validator(schema: dict[str, Any]) -> Any:
    try:
        return _functions("http_schema").validator_for(schema)
    except ImportError:  # jsonschema (the 'serve' extra) missing: the function checks itself
        return lambda _body: []


def run_serve(config: DeployConfig, events: Events) -> int:
    """Serve over HTTP on 127.0.0.1 until standard input closes."""
    backend = _functions("fastapi_backend")
    route = config.options.get("route") or "/predict"
    try:
        settings: dict[str, Any] = {"route": route}
        if config.options.get("timeout_s"):
            settings["timeout_s"] = float(config.options["timeout_s"])
        options = backend.ServeOptions.from_kwargs(settings)
    except ValueError as exc:
        raise DeployFailure("options", str(exc)) from None
    except ImportError as exc:
        raise DeployFailure("unavailable", str(exc)) from None
    bound = bind(config, events)
    port = int(config.options.get("port") or 0)
    events.send("start", f"Starting the HTTP server on 127.0.0.1:{port or '(a free port)'}")
    server = backend.FunctionServer(bound.package_dir, bound.python, bound.info, options)
    try:
        try:
            url: str = server.start("127.0.0.1", port)
        except OSError as exc:
            raise DeployFailure(
                "port", f"{exc}; choose another port, or leave it empty for a free one."
            ) from None
        _wait_until_serving(server)
        with urllib.request.urlopen(f"{url}/openapi.json", timeout=60) as answer:
            openapi = json.load(answer)
        events.send(
            "ready",
            f"Serving {config.function} at {url}{route}",
            url=url,
            route=route,
            openapi=openapi,
            **bound.ready_fields(),
        )
        sys.stdin.read()  # until the editor stops the deployment
    finally:
        server.close()
    return 0


def _wait_until_serving(server: Any) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not server.pool.ready:
        if server.pool.error:
            raise DeployFailure(
                "worker", f"The function's worker did not start: {server.pool.error}"
            )
        if time.monotonic() > deadline:
            raise DeployFailure("worker", f"No worker was up after {READY_TIMEOUT_S:g} s.")
        time.sleep(0.05)


def run_batch(config: DeployConfig, events: Events) -> int:
    """Run the function over a JSON Lines file on Ray, writing one result per line."""
    source, output = _batch_files(config)
    try:
        ray_options = _functions("ray_backend").RayOptions.from_kwargs({})
    except ImportError as exc:
        raise DeployFailure("unavailable", str(exc)) from None
    bound = bind(config, events)
    events.send("start", "Starting Ray actors (and a local Ray, if none is running)")
    errors = _functions("errors")
    try:
        fn = _functions("ray_backend").RayFunction(bound.reference, bound.info, ray_options)
    except errors.FunctionsError as exc:
        raise DeployFailure("worker", str(exc)) from None
    try:
        total = _count_records(source)
        events.send("batch", f"0 of {total} records", done=0, total=total)

        def progress(done: int, total: int | None) -> None:
            events.send("batch", f"{done} of {total} records", done=done, total=total)

        try:
            count = fn.map_jsonl(source, output, progress=progress)
        except ValueError as exc:  # a line that is not JSON: named by file and line
            raise DeployFailure("input", str(exc)) from None
        except errors.FunctionCallError as exc:
            raise DeployFailure("call", f"{exc}; nothing was written to {output}.") from None
        events.send(
            "done",
            f"{count} results written to {output}",
            output_file=str(output),
            done=count,
            total=count,
        )
    finally:
        fn.close()
    return 0


def _batch_files(config: DeployConfig) -> tuple[Path, Path]:
    given = config.options.get("input_file")
    if not given:
        raise DeployFailure(
            "input", "A batch needs input_file: a JSON Lines file, one record a line."
        )
    source = Path(given).expanduser()
    if not source.is_absolute():
        source = Path(config.workspace) / source
    if not source.is_file():
        raise DeployFailure("input", f"No JSON Lines file at {source}; choose an existing file.")
    named = config.options.get("output_file")
    output = (
        Path(named).expanduser() if named else source.with_name(f"{source.stem}.predictions.jsonl")
    )
    if not output.is_absolute():
        output = Path(config.workspace) / output
    if output.resolve() == source.resolve():
        raise DeployFailure(
            "input", f"The output {output} would overwrite the input; name another."
        )
    return source, output


def _count_records(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for line in f if line.strip())


TARGETS = {"call": run_call, "serve": run_serve, "batch": run_batch}


# -- entry point ---------------------------------------------------------------------------


def _claim_stdout() -> IO[str]:
    """Keep the real standard output for the JSON lines; file descriptor 1 becomes stderr,
    so prints of the function, Metaflow or C extensions cannot corrupt the channel."""
    channel = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return channel


def _terminated(_signum: int, _frame: object) -> NoReturn:
    raise SystemExit(143)  # unwinds through the targets' finally: backends close


def main(argv: list[str]) -> int:
    events = Events(_claim_stdout())
    signal.signal(signal.SIGTERM, _terminated)
    try:
        config = DeployConfig.from_json(json.loads(argv[1]))
    except (IndexError, ValueError) as exc:
        return _failed(events, DeployFailure("config", f"Bad deployment configuration: {exc}"))
    try:
        return TARGETS[config.target](config, events)
    except DeployFailure as failure:
        return _failed(events, failure)
    except Exception as exc:  # an internal error: still said where the user looks
        return _failed(events, DeployFailure("internal", f"{type(exc).__name__}: {exc}"))


def _failed(events: Events, failure: DeployFailure) -> int:
    error = {"kind": failure.kind, "message": failure.message}
    events.send("failed", failure.message, error=error)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
