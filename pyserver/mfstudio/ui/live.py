"""Live subscriptions of the UI API (``run``, ``runs``, ``log``; docs/ui-api.md), fed by
file watching: a finished task reaches the page within a read after the burst of writes
that finishes it (watch.py groups bursts), not after a polling interval.

A :class:`LiveSession` is one client (a WebSocket; later a language-server connection): it
takes the client's ``subscribe``/``unsubscribe`` messages and sends events through ``send``.
Each subscription watches only what it needs and re-reads with the query layer when its
files change, sending only when what it shows changed:

- ``run``: the run's folder, recursively; sends ``RunState`` (launch/run_state.py's
  ``RunWatch``, foreach sizes included) and the ``RunSummary`` it came from.
- ``runs``: the flow's folder, not recursively (a new run is a new folder there), plus the
  running runs among the newest :data:`RUNS_FOLLOWED`, recursively, until they end; sends
  ``runs`` when the status of those runs or the set of them changed.
- ``log``: the task's folder, not recursively; sends the bounded tail, then the lines
  appended since (``reset`` when the attempt changed or the lines cannot be lined up).

Reads run in worker threads (bounded by the hub's read limiter); a subscription never
reads twice at once: changes during a read mark it for one more read afterwards.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
from anyio import CapacityLimiter

from mfstudio.query import api as q
from mfstudio.query.api import QueryBackend
from mfstudio.query.errors import BadQueryError, QueryError
from mfstudio.query.model import LogExcerpt, LogLine, RunStatus

from .api import BackendSource, error_response, foreach_splits_of, resolve_backend
from .paths import valid_name
from .watch import Release, WatchHub

__all__ = [
    "LOG_TAIL",
    "LOG_TAIL_MAX",
    "MAX_SUBSCRIPTIONS",
    "RUNS_FOLLOWED",
    "LiveSession",
    "Send",
]

log = logging.getLogger(__name__)

Json = dict[str, Any]
Send = Callable[[Json], Awaitable[None]]
T = TypeVar("T")

MAX_SUBSCRIPTIONS = 16  # per client
RUNS_FOLLOWED = 20  # the newest runs a ``runs`` subscription re-reads (the first page)
RUNNING_WATCHED = 8  # of those, running runs whose folders are watched until they end
LOG_TAIL = 100
LOG_TAIL_MAX = 1000
MAX_ID_CHARS = 100


class LiveSession:
    """One client's subscriptions. ``reads`` bounds the threads that read the datastore."""

    def __init__(
        self, hub: WatchHub, source: BackendSource, send: Send, reads: CapacityLimiter
    ) -> None:
        self.hub = hub
        self.source = source
        self.reads = reads
        self._send = send
        self._send_lock = asyncio.Lock()
        self._subs: dict[str, _Subscription] = {}
        self._closed = False

    async def send(self, message: Json) -> None:
        async with self._send_lock:
            if not self._closed:
                await self._send(message)

    async def read(self, call: Callable[[], T]) -> T:
        return await anyio.to_thread.run_sync(call, limiter=self.reads)

    async def send_error(self, sub_id: str | None, err: BaseException) -> None:
        await self.send({"type": "error", "id": sub_id, **error_response(err).body})

    async def handle(self, message: object) -> None:
        """One message from the client; a bad one is answered with an ``error`` event."""
        sub_id = message.get("id") if isinstance(message, dict) else None
        sub_id = sub_id if isinstance(sub_id, str) and len(sub_id) <= MAX_ID_CHARS else None
        try:
            if not isinstance(message, dict):
                raise BadQueryError("A message is a JSON object with a type.")
            if sub_id is None:
                raise BadQueryError("A message needs an id (a string of at most 100 characters).")
            kind = message.get("type")
            if kind == "unsubscribe":
                self.unsubscribe(sub_id)
            elif kind == "subscribe":
                await self.subscribe(sub_id, message)
            else:
                raise BadQueryError(f"type must be subscribe or unsubscribe, got {kind!r}.")
        except Exception as err:
            await self.send_error(sub_id, err)

    async def subscribe(self, sub_id: str, message: dict[str, Any]) -> None:
        if sub_id in self._subs:
            raise BadQueryError(f"Subscription {sub_id!r} exists; unsubscribe it first.")
        if len(self._subs) >= MAX_SUBSCRIPTIONS:
            raise BadQueryError(
                f"A client has at most {MAX_SUBSCRIPTIONS} subscriptions; unsubscribe some."
            )
        topic = message.get("topic")
        factory = _TOPICS.get(topic) if isinstance(topic, str) else None
        if factory is None:
            raise BadQueryError(f"topic must be run, runs or log, got {topic!r}.")
        sub = factory(self, sub_id, message)
        self._subs[sub_id] = sub
        try:
            await sub.start()
        except BaseException:
            self._subs.pop(sub_id, None)
            sub.close()
            raise

    def unsubscribe(self, sub_id: str) -> None:
        sub = self._subs.pop(sub_id, None)
        if sub is not None:
            sub.close()

    async def aclose(self) -> None:
        self._closed = True
        for sub_id in list(self._subs):
            self.unsubscribe(sub_id)


class _Subscription:
    """Watches folders, re-reads on change (never two reads at once), sends on change."""

    def __init__(self, session: LiveSession, sub_id: str) -> None:
        self.session = session
        self.id = sub_id
        self._releases: dict[tuple[Path, bool], Release] = {}
        self._task: asyncio.Task[None] | None = None
        self._again = False
        self._closed = False

    async def start(self) -> None:
        raise NotImplementedError

    async def refresh(self) -> None:
        raise NotImplementedError

    def backend(self) -> QueryBackend:
        return resolve_backend(self.session.source)

    def watch(self, path: Path, recursive: bool) -> None:
        key = (path, recursive)
        if key not in self._releases:
            self._releases[key] = self.session.hub.watch(path, recursive, self.changed)

    def unwatch(self, path: Path, recursive: bool) -> None:
        release = self._releases.pop((path, recursive), None)
        if release is not None:
            release()

    def changed(self) -> None:
        """A watched folder changed: read again now, or once more after the current read."""
        if self._closed:
            return
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.get_running_loop().create_task(self._refresh_loop())

    async def _refresh_loop(self) -> None:
        while not self._closed:
            self._again = False
            try:
                await self.refresh()
            except Exception as err:
                await self.session.send_error(self.id, err)
            if not self._again:
                return

    def close(self) -> None:
        self._closed = True
        for release in self._releases.values():
            release()
        self._releases.clear()
        if self._task is not None:
            self._task.cancel()


def _pathspec(message: dict[str, Any], key: str, parts: int, form: str) -> str:
    text = message.get(key)
    if not isinstance(text, str):
        raise BadQueryError(f"A {message.get('topic')} subscription needs {key}={form}.")
    names = text.split("/")
    if len(names) != parts:
        raise BadQueryError(f"{key}={text!r} is not {form}.")
    for name in names:
        valid_name(name, f"{key}={text!r}")
    return text


def _local(backend: QueryBackend) -> Any:
    """The local layout: live updates watch files, so they need the local datastore."""
    layout = getattr(backend, "layout", None)
    if layout is None:
        raise QueryError(f"Live updates need a local datastore; {backend.where} is not one.")
    return layout


class _RunSubscription(_Subscription):
    def __init__(self, session: LiveSession, sub_id: str, message: dict[str, Any]) -> None:
        super().__init__(session, sub_id)
        self.run = _pathspec(message, "run", 2, "Flow/run_id")
        self._watch: Any = None  # launch.run_state.RunWatch, imported on first use

    async def start(self) -> None:
        from mfstudio.launch.run_state import RunWatch

        backend = self.backend()
        # The first read checks the run exists (or names the nearest); the watch starts
        # before the state is read, so no change falls between them.
        await self.session.read(lambda: q.run_summary(self.run, backend=backend))
        flow, run_id = self.run.split("/")
        self.watch(_local(backend).run_dir(flow, run_id), recursive=True)
        splits = await self.session.read(lambda: foreach_splits_of(backend, self.run))
        self._watch = RunWatch(backend, run=self.run, splits=splits)
        if not await self._send_if_changed():
            raise QueryError(f"The run {self.run} could not be read; it may have been deleted.")

    async def refresh(self) -> None:
        await self._send_if_changed()

    async def _send_if_changed(self) -> bool:
        watch = self._watch

        def poll() -> Json | None:
            if not watch.splits:  # the run saves its graph when its start step ends
                watch.splits = foreach_splits_of(watch.backend, self.run)
            state: Json | None = watch.poll()
            return state

        state = await self.session.read(poll)
        if state is None:
            return False
        summary = watch.summary.to_json() if watch.summary is not None else None
        await self.session.send({"type": "run", "id": self.id, "state": state, "summary": summary})
        return True


class _RunsSubscription(_Subscription):
    def __init__(self, session: LiveSession, sub_id: str, message: dict[str, Any]) -> None:
        super().__init__(session, sub_id)
        self.flow = _pathspec(message, "flow", 1, "FlowName")
        self._seen: dict[str, RunStatus] | None = None
        self._running: set[str] = set()

    async def start(self) -> None:
        backend = self.backend()
        await self.session.read(lambda: q.list_runs(self.flow, limit=1, backend=backend))
        self.watch(_local(backend).flow_dir(self.flow), recursive=False)
        await self.refresh()

    async def refresh(self) -> None:
        backend = self.backend()
        page = await self.session.read(
            lambda: q.list_runs(self.flow, limit=RUNS_FOLLOWED, backend=backend)
        )
        seen = {run.run_id: run.status for run in page.runs}
        running = {run_id for run_id, status in seen.items() if status == "running"}
        layout = _local(backend)
        for run_id in self._running - running:
            self.unwatch(layout.run_dir(self.flow, run_id), recursive=True)
        for run_id in sorted(running - self._running, reverse=True)[:RUNNING_WATCHED]:
            self.watch(layout.run_dir(self.flow, run_id), recursive=True)
        self._running = running
        changed = self._seen is not None and seen != self._seen
        self._seen = seen
        if changed:
            await self.session.send({"type": "runs", "id": self.id, "flow": self.flow})


class _LogSubscription(_Subscription):
    def __init__(self, session: LiveSession, sub_id: str, message: dict[str, Any]) -> None:
        super().__init__(session, sub_id)
        self.task = _pathspec(message, "task", 4, "Flow/run_id/step/task_id")
        stream = message.get("stream", "stdout")
        if stream not in ("stdout", "stderr"):
            raise BadQueryError(f"stream must be stdout or stderr, got {stream!r}.")
        self.stream: Any = stream
        tail = message.get("tail", LOG_TAIL)
        if isinstance(tail, bool) or not isinstance(tail, int) or not 1 <= tail <= LOG_TAIL_MAX:
            raise BadQueryError(f"tail must be a whole number from 1 to {LOG_TAIL_MAX}.")
        self.tail = tail
        self._last: LogExcerpt | None = None

    async def start(self) -> None:
        backend = self.backend()
        excerpt = await self._read(backend)
        flow, run_id, step, task_id = self.task.split("/")
        self.watch(_local(backend).task_dir(flow, run_id, step, task_id), recursive=False)
        await self._send(excerpt, excerpt.lines, reset=True)
        # Written between the read and the watch? One more read settles it.
        await self.refresh()

    async def _read(self, backend: QueryBackend) -> LogExcerpt:
        return await self.session.read(
            lambda: q.logs(self.task, self.stream, tail=self.tail, backend=backend)
        )

    async def refresh(self) -> None:
        excerpt = await self._read(self.backend())
        last = self._last
        assert last is not None
        if (excerpt.attempt, excerpt.available) != (last.attempt, last.available):
            await self._send(excerpt, excerpt.lines, reset=True)
        elif excerpt.log_bytes != last.log_bytes:
            new = appended(last.lines, excerpt.lines)
            if new is None:
                await self._send(excerpt, excerpt.lines, reset=True)
            elif new:
                await self._send(excerpt, new, reset=False)

    async def _send(self, excerpt: LogExcerpt, lines: list[LogLine], reset: bool) -> None:
        self._last = excerpt
        await self.session.send(
            {
                "type": "log",
                "id": self.id,
                "task": self.task,
                "stream": self.stream,
                "attempt": excerpt.attempt,
                "lines": [line.to_json() for line in lines],
                "reset": reset,
                "available": excerpt.available,
            }
        )


def appended(before: list[LogLine], after: list[LogLine]) -> list[LogLine] | None:
    """The lines of ``after`` (a newer tail of the same log) that follow ``before``: the
    longest end of ``before`` that starts ``after`` lines the two up. None when they do not
    overlap (more lines were appended than a tail holds), so the caller starts over."""
    if not before:
        return after
    for size in range(min(len(before), len(after)), 0, -1):
        if after[:size] == before[-size:]:
            return after[size:]
    return None


_TOPICS: dict[str, Callable[[LiveSession, str, dict[str, Any]], _Subscription]] = {
    "run": _RunSubscription,
    "runs": _RunsSubscription,
    "log": _LogSubscription,
}
