"""Shared file watches for live subscriptions: inotify (FSEvents on macOS) via watchfiles.

One :class:`WatchHub` per server. A watch is a folder, recursive or not; subscriptions that
need the same folder share one watch (ref-counted), so ten tabs on one run cost one watch,
and a flow with 5,000 runs costs one non-recursive watch of its folder, not 5,000.

Bursts are grouped before listeners hear of them: a change is reported once the folder has
been quiet for :data:`QUIET_MS`, or after :data:`BURST_MAX_MS` of continuous writes (a
finishing task writes a dozen files in a few milliseconds). Listeners are plain functions
called on the event loop; they only schedule work (see live.py).

watchfiles' ``RustNotify`` is used directly rather than ``awatch`` so that the watch exists
when :meth:`WatchHub.watch` returns (a subscription reads its first state after that, and
no change can fall between the two) and so that waiting watches hold threads of their own
limiter, never the default thread pool the rest of the server uses.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from pathlib import Path

import anyio.to_thread
from anyio import CapacityLimiter
from watchfiles._rust_notify import RustNotify

from mfstudio.query.errors import QueryError

__all__ = ["BURST_MAX_MS", "MAX_WATCHES", "QUIET_MS", "Release", "WatchHub"]

log = logging.getLogger(__name__)

QUIET_MS = 100
BURST_MAX_MS = 400
MAX_WATCHES = 32
"""Folders watched at once by one server (each holds an inotify instance and a thread;
Linux allows 128 inotify instances per user by default)."""

Release = Callable[[], None]


class _Watch:
    """One watched folder and its listeners; a task waits for changes in a worker thread."""

    def __init__(self, path: Path, recursive: bool) -> None:
        self.path = path
        self.recursive = recursive
        self.listeners: list[Callable[[], None]] = []
        self.stop = threading.Event()
        # Watching starts here, synchronously: changes from now on are seen.
        self.notify = RustNotify([str(path)], False, False, 300, recursive, True)
        self.task: asyncio.Task[None] | None = None

    async def run(self, limiter: CapacityLimiter) -> None:
        try:
            while not self.stop.is_set():
                changes = await anyio.to_thread.run_sync(
                    self.notify.watch, BURST_MAX_MS, QUIET_MS, 0, self.stop, limiter=limiter
                )
                if isinstance(changes, set) and changes:
                    for listener in list(self.listeners):
                        listener()
        except Exception:
            log.exception("watching %s failed; its subscriptions get no more updates", self.path)
        finally:
            self.notify.close()


class WatchHub:
    """The server's watches, shared by key (folder, recursive)."""

    def __init__(self, max_watches: int = MAX_WATCHES) -> None:
        self.max_watches = max_watches
        self._watches: dict[tuple[Path, bool], _Watch] = {}
        self._limiter = CapacityLimiter(max_watches)

    @property
    def count(self) -> int:
        return len(self._watches)

    def watch(self, path: Path, recursive: bool, listener: Callable[[], None]) -> Release:
        """Call ``listener`` (on the event loop) after each burst of changes under ``path``
        until the returned function is called. Raises :class:`QueryError` when ``path`` is
        gone or the server already watches :attr:`max_watches` folders."""
        key = (path, recursive)
        entry = self._watches.get(key)
        if entry is None:
            if len(self._watches) >= self.max_watches:
                raise QueryError(
                    f"The server already follows {self.max_watches} folders live; close "
                    "some views (tabs) and try again."
                )
            try:
                entry = _Watch(path, recursive)
            except (FileNotFoundError, OSError) as err:
                raise QueryError(f"Cannot watch {path}: {err}.") from None
            entry.task = asyncio.get_running_loop().create_task(entry.run(self._limiter))
            self._watches[key] = entry
        entry.listeners.append(listener)
        done = False

        def release() -> None:
            nonlocal done
            if done:
                return
            done = True
            entry.listeners.remove(listener)
            if not entry.listeners:
                entry.stop.set()
                self._watches.pop(key, None)

        return release

    async def aclose(self) -> None:
        """Stop every watch and wait for their threads (each returns within QUIET_MS)."""
        watches = list(self._watches.values())
        self._watches.clear()
        for entry in watches:
            entry.stop.set()
        tasks = [entry.task for entry in watches if entry.task is not None]
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
