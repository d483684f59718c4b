"""Adaptive micro-batching of independent requests over a pool of function workers.

Requests queue in the server's event loop. A free worker takes every queued request (up to
``max_batch_size``) in ONE round trip (the worker's ``each`` op). Batches therefore grow by
themselves with load: at low load each request goes alone, at once; while every worker is
busy, requests pile up and leave together. On top of that, when the batch is not full the
dispatcher waits for more, but only while the oldest request has waited less than
``max_latency_ms`` AND requests are arriving fast enough (a moving average of the gap
between arrivals) for another one to come within that budget; so a lone request never waits.

A batch function (``@json_function(batch=True)``) gets the batch as one list; any other
function is called once per record inside the worker (one failing record fails only its
own request). A call that outlives ``timeout_s`` kills its worker (the function may be
stuck) and a fresh one replaces it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import FunctionsError
from .local_backend import LocalFunction, Outcome

__all__ = ["Dispatcher", "WorkerPool"]


def _failure(type_name: str, message: str) -> Outcome:
    return (False, {"type": type_name, "message": message, "traceback": ""})


class WorkerPool:
    """``size`` workers, started in threads (a start takes seconds), replaced when lost."""

    def __init__(self, start_worker: Callable[[], LocalFunction], size: int) -> None:
        self.start_worker = start_worker
        self.size = size
        self.live: list[LocalFunction] = []
        self.error: str | None = None  # why the last start failed, for /ready
        self.executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=size + 1, thread_name_prefix="function-worker"
        )
        self._idle: asyncio.Queue[LocalFunction] | None = None

    @property
    def idle(self) -> asyncio.Queue[LocalFunction]:
        if self._idle is None:  # created in the server's event loop
            self._idle = asyncio.Queue()
        return self._idle

    @property
    def ready(self) -> bool:
        return bool(self.live)

    async def start(self) -> None:
        await asyncio.gather(*(self._add() for _ in range(self.size)))

    async def _add(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            worker = await loop.run_in_executor(self.executor, self.start_worker)
        except Exception as exc:  # reported by /ready; the server itself keeps running
            self.error = (
                str(exc) if isinstance(exc, FunctionsError) else f"{type(exc).__name__}: {exc}"
            )
            return
        self.live.append(worker)
        self.idle.put_nowait(worker)

    def release(self, worker: LocalFunction) -> None:
        self.idle.put_nowait(worker)

    async def replace(self, worker: LocalFunction) -> None:
        """Kill ``worker`` (stuck or dead) and start another in its place."""
        if worker in self.live:
            self.live.remove(worker)
        worker.kill()
        await self._add()

    def close(self) -> None:
        for worker in self.live:
            worker.close()
        self.live.clear()
        self.executor.shutdown(wait=False, cancel_futures=True)


def _expire(future: asyncio.Future[Outcome]) -> None:
    if not future.done():
        future.set_exception(asyncio.TimeoutError())


@dataclass
class _Pending:
    record: Any
    future: asyncio.Future[Outcome]
    arrived: float = field(default_factory=time.monotonic)


class Dispatcher:
    """Groups submitted records into batches and runs them on the pool's free workers."""

    def __init__(
        self, pool: WorkerPool, max_batch_size: int, max_latency_s: float, timeout_s: float
    ) -> None:
        self.pool = pool
        self.max_batch_size = max_batch_size
        self.max_latency_s = max_latency_s
        self.timeout_s = timeout_s
        self.queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self.gap = float("inf")  # moving average of the time between arrivals
        self._last = 0.0
        self._tasks: set[asyncio.Task[None]] = set()

    async def submit(self, record: Any) -> Outcome:
        """The record's outcome: ``(True, result)`` or ``(False, {"type", "message", ...})``;
        asyncio.TimeoutError when none came within ``timeout_s`` (queueing included)."""
        now = time.monotonic()
        if self._last:
            gap = now - self._last
            self.gap = gap if self.gap == float("inf") else 0.8 * self.gap + 0.2 * gap
        self._last = now
        loop = asyncio.get_running_loop()
        pending = _Pending(record, loop.create_future(), now)
        if self.queue.empty() and not self.pool.idle.empty() and not self._worth_waiting(now):
            # Fast path: a free worker and nothing to batch with: go now, without the
            # dispatch loop's queue and wake-ups (this is the latency at low load).
            self._spawn(self.pool.idle.get_nowait(), [pending])
        else:
            self.queue.put_nowait(pending)
        # A timer rather than asyncio.wait_for: no extra future and callbacks per request.
        # A caller that gives up (disconnect) cancels the future; its batch skips it.
        timer = loop.call_later(self.timeout_s, _expire, pending.future)
        try:
            return await pending.future
        finally:
            timer.cancel()

    def _worth_waiting(self, oldest: float) -> bool:
        """Whether another request is expected before ``oldest`` has waited the window."""
        remaining = oldest + self.max_latency_s - time.monotonic()
        return remaining > 0 and self.gap <= remaining

    async def run(self) -> None:
        """The dispatch loop (one per server); cancelled on shutdown."""
        while True:
            first = await self.queue.get()
            worker = await self.pool.idle.get()
            batch = [first]
            self._drain(batch)
            await self._linger(batch, first.arrived)
            batch = [p for p in batch if not p.future.done()]  # callers that gave up
            if not batch:
                self.pool.release(worker)
                continue
            self._spawn(worker, batch)

    def _spawn(self, worker: LocalFunction, batch: list[_Pending]) -> None:
        # The batch runs in a task of its own (kept referenced), so that a caller giving up
        # (timeout, disconnect) never cancels a call half-way and loses its worker.
        task = asyncio.create_task(self._execute(worker, batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _drain(self, batch: list[_Pending]) -> None:
        while len(batch) < self.max_batch_size and not self.queue.empty():
            batch.append(self.queue.get_nowait())

    async def _linger(self, batch: list[_Pending], oldest: float) -> None:
        while len(batch) < self.max_batch_size and self._worth_waiting(oldest):
            remaining = oldest + self.max_latency_s - time.monotonic()
            try:
                batch.append(await asyncio.wait_for(self.queue.get(), remaining))
            except asyncio.TimeoutError:
                return
            self._drain(batch)

    async def _execute(self, worker: LocalFunction, batch: list[_Pending]) -> None:
        records = [p.record for p in batch]
        replace = False
        try:
            outcomes = await asyncio.wait_for(worker.each_async(records), self.timeout_s)
        except asyncio.TimeoutError:
            message = f"the function did not answer within {self.timeout_s:g} s"
            outcomes = [_failure("TimeoutError", message)] * len(batch)
            replace = True
        except FunctionsError as exc:  # the worker died (e.g. the function exited)
            outcomes = [_failure(type(exc).__name__, str(exc))] * len(batch)
            replace = True
        for pending, outcome in zip(batch, outcomes, strict=True):
            if not pending.future.done():
                pending.future.set_result(outcome)
        if replace:
            await self.pool.replace(worker)
        else:
            self.pool.release(worker)
