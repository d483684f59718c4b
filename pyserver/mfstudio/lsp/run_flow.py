"""Running flows from the editor: ``metaflow/runForm``, ``launchRun``, ``resumeRun``,
``cancelRun``, ``watchRun``/``unwatchRun``, and the notifications ``metaflow/runOutput``
and ``metaflow/runState``.

The form comes from the flow's analysis (no user code runs); a launch validates the form's
values into a command line (mfstudio.launch) and starts it in its own process group
(launch/runner.py) in the folder holding the datastore. Output lines go to the client in
small batches; run states come from the datastore through a :class:`RunWatch`, polled off
the event loop while the run is live, so a run started in a terminal can be watched the
same way ("the newest run of this flow", the DAG panel's watch).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mfstudio import query
from mfstudio.flowgraph import FileAnalysis, Flow
from mfstudio.flowgraph.model import Severity
from mfstudio.launch import LaunchError, RunRequest, decospec, form_fields, resume_argv, run_argv
from mfstudio.launch.run_state import LIVE_POLL_SECONDS, RunWatch, foreach_splits
from mfstudio.launch.runner import LaunchedRun, RunCallbacks, start_run
from mfstudio.launch.targets import list_targets
from mfstudio.query import QueryBackend

from .errors import InvalidParamsError, QueryFailedError
from .features import AnswersErrors, RequestHandler, register_requests
from .flow_documents import analysis_of, flow_in
from .language_server import MetaflowLanguageServer
from .protocol import (
    CANCEL_RUN,
    LAUNCH_RUN,
    RESUME_RUN,
    RUN_FORM,
    RUN_OUTPUT,
    RUN_STATE,
    UNWATCH_RUN,
    WATCH_RUN,
)
from .runs import Params, RunQueries, datastore_roots

logger = logging.getLogger(__name__)

__all__ = ["OUTPUT_BATCH_SECONDS", "RunFlows", "lint_errors", "register", "run_folder"]

OUTPUT_BATCH_SECONDS = 0.03
"""Output lines are sent at most this long after they were printed, many per message."""
SHUTDOWN_GRACE_SECONDS = (0.5, 0.3)
"""Cancel's grace periods when the server shuts down (the editor waits about a second)."""
SETTLED_POLL_SECONDS = 2.0
"""A watch of the newest run of a flow looks for a new run this often once it settled."""


def lint_errors(analysis: FileAnalysis, flow: Flow) -> list[str]:
    """The flow's error diagnostics as "line N: message" (a flow with any is not launched)."""
    return [
        f"line {d.range.start.line}: {d.message}"
        for d in analysis.diagnostics
        if d.severity == Severity.ERROR and d.flow in (None, flow.name)
    ]


def run_folder(flow_file: Path, candidates: Sequence[str]) -> Path:
    """Where a run of ``flow_file`` starts and writes ``.metaflow``: the nearest folder among
    the datastores and workspace folders that holds the file, else the file's folder."""
    folders = [*datastore_roots(candidates), *candidates]
    holding = [Path(f).resolve() for f in folders if flow_file.resolve().is_relative_to(f)]
    return max(holding, key=lambda p: len(p.parts)) if holding else flow_file.parent


_VALUE_KINDS: dict[str, type] = {
    "params": dict,
    "tags": list,
    "max_workers": object,  # checked below: its problem is shown next to the field
    "with_specs": list,
    "target": str,
    "target_options": dict,
}


def _request(p: Params, flow_file: Path) -> RunRequest:
    """The form's ``RunFormValues`` (media/src/runFormProtocol.ts) as a RunRequest."""
    values = p.mapping("values", "the run form's values (an object)", required=True)
    extra = sorted(set(values) - set(_VALUE_KINDS))
    if extra:
        raise InvalidParamsError(f"{p.method}: unknown field(s) in values: {', '.join(extra)}.")
    for key, kind in _VALUE_KINDS.items():
        if values.get(key) is not None and not isinstance(values[key], kind):
            raise InvalidParamsError(f"{p.method}: values.{key} must be {kind.__name__}.")
    params, options = values.get("params") or {}, values.get("target_options") or {}
    target = values.get("target") or "local"
    errors: dict[str, str] = {}
    workers = values.get("max_workers")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)):
        errors["max_workers"] = f"expected a whole number of 1 or more, got {workers!r}"
        workers = None
    spec: str | None = None
    if target != "local":
        known = {t.name: t for t in list_targets()}
        if target not in known:
            errors["target"] = f"unknown target {target!r} (known: {', '.join(known)})"
        elif not known[target].available:
            errors["target"] = f"{known[target].label}: {known[target].reason}"
        else:
            try:
                spec = decospec(target, options)
            except ValueError as error:
                errors["target"] = str(error)
    if errors:
        raise LaunchError(errors)
    return RunRequest(
        flow_file=flow_file,
        values=params,
        tags=[str(t) for t in values.get("tags") or []],
        max_workers=workers,
        with_specs=[str(s) for s in values.get("with_specs") or []],
        target=spec,
    )


@dataclass
class _Launch:
    run: LaunchedRun
    pending: list[str] = field(default_factory=list)
    flush: asyncio.Handle | None = None


@dataclass
class _Watch:
    watch: RunWatch
    launch_id: str | None
    task: asyncio.Task[None] | None = None
    wake: asyncio.Event = field(default_factory=asyncio.Event)


class RunFlows:
    """The runs started from this server and the watches the client asked for."""

    def __init__(
        self,
        server: MetaflowLanguageServer,
        queries: RunQueries,
        candidates: Callable[[MetaflowLanguageServer], list[str]],
    ) -> None:
        self.server = server
        self.queries = queries
        self.candidates = candidates
        self.launches: dict[str, _Launch] = {}
        self.watches: dict[str, _Watch] = {}
        self._watch_ids = itertools.count(1)
        self._backends: dict[Path, QueryBackend] = {}

    # -- requests ------------------------------------------------------------------------

    def run_form(self, payload: object, method: str) -> dict[str, Any]:
        """``{uri, flow?}`` -> the run form's state (``RunFormState`` without ``values``,
        which the editor remembers per flow)."""
        p = Params(method, payload)
        uri, name = p.text("uri", required=True), p.text("flow")
        p.finish()
        analysis = analysis_of(self.server, method, uri)
        flow = flow_in(analysis, method, name)
        return {
            "flow": flow.name,
            "file": analysis.path,
            "fields": [f.to_json() for f in form_fields(flow)],
            "targets": [t.to_json() for t in list_targets()],
            "values": None,
            "lint_errors": lint_errors(analysis, flow),
        }

    def launch(self, payload: object, method: str) -> dict[str, Any]:
        """``{uri, flow?, values}`` -> ``{"launch_id", "cwd", "argv"}`` once started, or
        ``{"errors": {field: message}}`` when the values or the flow are not runnable."""
        p = Params(method, payload)
        uri, name = p.text("uri", required=True), p.text("flow")
        analysis = analysis_of(self.server, method, uri)
        flow = flow_in(analysis, method, name)
        flow_file = Path(analysis.path)
        try:
            request = _request(p, flow_file)
            p.finish()
            lint = lint_errors(analysis, flow)
            if lint:
                return {"errors": {"lint": "Fix the flow first: " + "; ".join(lint)}}
            argv = run_argv(sys.executable, request, form_fields(flow))
        except LaunchError as error:
            return {"errors": error.errors}
        return self._start(argv, flow, flow_file)

    def resume(self, payload: object, method: str) -> dict[str, Any]:
        """``{uri, run, step?}`` -> like ``launchRun``: ``resume --origin-run-id`` of the
        failed run ``run`` ("Flow/run_id"), from ``step`` (default: where it failed)."""
        p = Params(method, payload)
        uri, run, step = p.text("uri", required=True), p.text("run", required=True), p.text("step")
        p.finish()
        flow_name, _, run_id = run.partition("/")
        if not run_id or "/" in run_id:
            raise InvalidParamsError(
                f"{method}: 'run' must be a Flow/run_id pathspec, got {run!r}."
            )
        analysis = analysis_of(self.server, method, uri)
        flow = flow_in(analysis, method, flow_name)
        flow_file = Path(analysis.path)
        return self._start(resume_argv(sys.executable, flow_file, run_id, step), flow, flow_file)

    async def cancel(self, payload: object, method: str) -> dict[str, Any]:
        """``{launch_id}`` -> ``{"cancelled": bool}`` once no process of the run is left
        (false: it had already ended)."""
        p = Params(method, payload)
        launch_id = p.text("launch_id", required=True)
        p.finish()
        launch = self.launches.get(launch_id)
        if launch is None:
            raise InvalidParamsError(f"{method}: no run was started here as {launch_id!r}.")
        cancelled = await asyncio.get_running_loop().run_in_executor(None, launch.run.cancel)
        return {"cancelled": cancelled}

    def watch(self, payload: object, method: str) -> dict[str, Any]:
        """``{root?, run?, flow?, uri?}`` -> ``{"watch_id"}``: ``metaflow/runState`` for run
        ``run`` ("Flow/run_id"), or for the newest run of ``flow`` (following new runs).
        ``uri`` (the flow's file) picks the datastore and foreach sizes; ``root`` overrides
        the datastore folder."""
        p = Params(method, payload)
        run, flow_name = p.text("run"), p.text("flow")
        root, uri = p.text("root"), p.text("uri")
        p.finish()
        if (run is None) == (flow_name is None):
            raise InvalidParamsError(f"{method}: give either 'run' (Flow/run_id) or 'flow'.")
        flow: Flow | None = None
        folder: Path | None = Path(root) if root else None
        if uri is not None:
            analysis = analysis_of(self.server, method, uri)
            flow = analysis.flow(flow_name or (run or "").split("/")[0])
            folder = folder or run_folder(Path(analysis.path), self.candidates(self.server))
        if folder is None:
            roots = datastore_roots(self.candidates(self.server))
            if not roots:
                raise QueryFailedError(f"{method}: no Metaflow datastore in the workspace yet.")
            folder = Path(roots[0])
        where = folder
        watch = RunWatch(
            self._backend(where),
            run=run,
            flow=flow_name,
            splits=foreach_splits(flow),
            opener=lambda: self._backend(where),
        )
        return {"watch_id": self._follow(watch, None)}

    def unwatch(self, payload: object, method: str) -> dict[str, Any]:
        p = Params(method, payload)
        watch_id = p.text("watch_id", required=True)
        p.finish()
        entry = self.watches.pop(watch_id, None)
        if entry is not None and entry.task is not None:
            entry.task.cancel()
        return {"stopped": entry is not None}

    # -- runs ----------------------------------------------------------------------------

    def _backend(self, folder: Path) -> QueryBackend | None:
        """The datastore of ``folder``; None until it has one (no run yet: a watch waits
        for it rather than creating it)."""
        key = folder.resolve()
        if key not in self._backends:
            if not (key / ".metaflow").is_dir():
                return None
            self._backends[key] = query.open_backend(key)
        return self._backends[key]

    def _start(self, argv: list[str], flow: Flow, flow_file: Path) -> dict[str, Any]:
        cwd = run_folder(flow_file, self.candidates(self.server))
        loop = asyncio.get_running_loop()

        def output(run: LaunchedRun, line: str) -> None:
            loop.call_soon_threadsafe(self._line, run.launch_id, line)

        def exited(run: LaunchedRun, code: int) -> None:
            loop.call_soon_threadsafe(self._exited, run.launch_id)

        callbacks = RunCallbacks(output, exited)
        launched = start_run(argv, flow.name, cwd, callbacks)  # creates cwd/.metaflow
        backend = self._backend(cwd)
        self.launches[launched.launch_id] = _Launch(launched)
        watch = RunWatch(  # its run is set once Metaflow wrote the run id (see _poll)
            backend,
            splits=foreach_splits(flow),
            exit_code=lambda: launched.return_code if launched.finished else None,
        )
        self._follow(watch, launched.launch_id)
        return {"launch_id": launched.launch_id, "cwd": str(cwd), "argv": launched.argv}

    def _line(self, launch_id: str, line: str) -> None:
        launch = self.launches[launch_id]
        launch.pending.append(line)
        if launch.flush is None:
            loop = asyncio.get_running_loop()
            launch.flush = loop.call_later(OUTPUT_BATCH_SECONDS, self._flush, launch_id)

    def _flush(self, launch_id: str, exit_code: int | None = None) -> None:
        launch = self.launches[launch_id]
        launch.flush = None
        lines, launch.pending = launch.pending, []
        if lines or exit_code is not None:
            self.server.protocol.notify(
                RUN_OUTPUT,
                {
                    "launch_id": launch_id,
                    "run": launch.run.run,
                    "lines": lines,
                    "exit_code": exit_code,
                    "cancelled": launch.run.cancelled,
                },
            )

    def _exited(self, launch_id: str) -> None:
        launch = self.launches[launch_id]
        if launch.flush is not None:
            launch.flush.cancel()
        code = launch.run.return_code
        self._flush(launch_id, -1 if code is None else code)
        for entry in self.watches.values():
            if entry.launch_id == launch_id:
                entry.wake.set()

    def _follow(self, watch: RunWatch, launch_id: str | None) -> str:
        watch_id = f"watch-{next(self._watch_ids)}"
        entry = self.watches[watch_id] = _Watch(watch, launch_id)
        entry.task = asyncio.get_running_loop().create_task(self._poll(watch_id, entry))
        return watch_id

    async def _poll(self, watch_id: str, entry: _Watch) -> None:
        """Poll until unwatched; a launch's watch ends after its final state, a pathspec
        watch once its run settled, a flow watch never (a new run may start)."""
        watch = entry.watch
        launch = self.launches.get(entry.launch_id) if entry.launch_id else None
        while self.watches.get(watch_id) is entry:
            if launch is not None and watch.run is None:
                watch.run = launch.run.run
            if launch is not None and watch.run is None and launch.run.finished:
                break  # ended before Metaflow created a run (its output says why)
            if watch.run is not None or watch.flow is not None:
                try:
                    state = await self.queries.run(watch.poll)
                except Exception:  # a damaged datastore must not end the watch silently
                    logger.exception("watching %s failed", watch.run or watch.flow)
                    state = None
                if state is not None:
                    self.server.protocol.notify(
                        RUN_STATE,
                        {"watch_id": watch_id, "launch_id": entry.launch_id, "state": state},
                    )
            settled = not watch.live and watch.flow is None
            if settled and (launch is None or launch.run.finished):
                break
            entry.wake.clear()
            delay = LIVE_POLL_SECONDS if watch.live or launch else SETTLED_POLL_SECONDS
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(entry.wake.wait(), delay)
        if self.watches.get(watch_id) is entry:
            del self.watches[watch_id]

    def close(self) -> None:
        """Server shutdown: stop watching, and stop the runs started here (their output
        has nowhere to go; a run left behind would die on its first print)."""
        for entry in self.watches.values():
            if entry.task is not None:
                entry.task.cancel()
        self.watches.clear()
        for launch in self.launches.values():
            if not launch.run.finished:
                launch.run.cancel(grace=SHUTDOWN_GRACE_SECONDS)


def register(
    server: MetaflowLanguageServer,
    queries: RunQueries,
    candidates: Callable[[MetaflowLanguageServer], list[str]],
    answers_errors: AnswersErrors,
) -> RunFlows:
    """Registers the run requests on ``server``; ``answers_errors`` turns a RequestError
    into its JSON-RPC error response (server.py's wrapper)."""
    flows = RunFlows(server, queries, candidates)
    sync_handlers: dict[str, Callable[[object, str], dict[str, Any]]] = {
        RUN_FORM: flows.run_form,
        LAUNCH_RUN: flows.launch,
        RESUME_RUN: flows.resume,
        WATCH_RUN: flows.watch,
        UNWATCH_RUN: flows.unwatch,
    }

    def now(
        handler: Callable[[object, str], dict[str, Any]],
    ) -> Callable[[object, str], Awaitable[dict[str, Any]]]:
        async def run(params: object, method: str) -> dict[str, Any]:
            return handler(params, method)

        return run

    handlers: dict[str, RequestHandler] = {m: now(h) for m, h in sync_handlers.items()}
    register_requests(server, {**handlers, CANCEL_RUN: flows.cancel}, answers_errors)
    return flows
