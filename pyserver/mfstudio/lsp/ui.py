"""``metaflow/uiGet``, ``metaflow/uiSubscribe``, ``metaflow/uiUnsubscribe`` and the
``metaflow/uiEvent`` notification: the UI API of docs/ui-api.md for VS Code's panels ("Open
run", "Compare runs", "Show lineage"), thin adapters over the standalone server's own parts.

- ``uiGet {path, root?}`` answers with :func:`mfstudio.ui.api.dispatch`'s status and body, so
  a route answers exactly as ``GET path`` does over HTTP, errors included (an error is an
  answer with its status, not a JSON-RPC error: the page shows its message and ``nearest``).
- ``uiSubscribe {id, message, root?}`` hands the page's ``subscribe`` message to a
  :class:`mfstudio.ui.live.LiveSession` (file watching, as over the WebSocket); each event is
  sent as ``uiEvent {id, event}`` with the event unchanged. ``id`` is the extension's name
  for the subscription, unique across its panels (each page numbers its own from ``s1``):
  one live session per subscription keeps the page's own ids intact.

Only malformed params are JSON-RPC errors; they are the extension's bugs, not the user's.
Reads run in the run queries' thread pool and in the live sessions' worker threads, never on
the event loop. Watches are released on ``uiUnsubscribe`` and all of them on shutdown.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mfstudio.query import QueryBackend
from mfstudio.ui.api import ApiResponse, dispatch, error_body, error_response
from mfstudio.ui.paths import split_target

if TYPE_CHECKING:  # loaded with the first subscription: the server starts without them
    from anyio import CapacityLimiter

    from mfstudio.ui.live import LiveSession
    from mfstudio.ui.watch import WatchHub

from .errors import InvalidParamsError, QueryFailedError
from .features import AnswersErrors, RequestHandler, register_requests
from .language_server import MetaflowLanguageServer
from .protocol import UI_EVENT, UI_GET, UI_SUBSCRIBE, UI_UNSUBSCRIBE
from .runs import Params, RunQueries

__all__ = ["MAX_PANEL_SUBSCRIPTIONS", "MAX_TARGET_CHARS", "UiRequests", "register"]

MAX_PANEL_SUBSCRIPTIONS = 64
"""Subscriptions of all panels together (a page holds at most 16, live.MAX_SUBSCRIPTIONS)."""
MAX_TARGET_CHARS = 4096
"""A route with its query string; the longest real one (8 compared runs) is far shorter."""
READ_THREADS = 2
"""Live re-reads at once (the machine's other work: typing, the run queries)."""

Json = dict[str, Any]
Candidates = Callable[[MetaflowLanguageServer], list[str]]


@dataclass
class _Subscription:
    """One page subscription: its own live session, and the id the page gave it."""

    session: LiveSession | None  # None: nothing to follow (no datastore)
    page_id: str | None
    closed: bool = False

    def close(self) -> None:
        self.closed = True
        if self.session is not None and self.page_id is not None:
            self.session.unsubscribe(self.page_id)


class UiRequests:
    """The panels' requests; the watch hub is shared by every subscription of the server."""

    def __init__(
        self, server: MetaflowLanguageServer, queries: RunQueries, candidates: Candidates
    ) -> None:
        self.server = server
        self.queries = queries
        self.candidates = candidates
        self._subs: dict[str, _Subscription] = {}
        self._hub: WatchHub | None = None
        self._reads: CapacityLimiter | None = None

    async def get(self, payload: object, method: str) -> Json:
        p = Params(method, payload)
        target, root = p.text("path", required=True), p.text("root")
        p.finish()
        if len(target) > MAX_TARGET_CHARS:
            raise InvalidParamsError(f"{method}: path is over {MAX_TARGET_CHARS} characters.")
        response = await self.queries.run(self._answer, target, root, self.candidates(self.server))
        return {"status": response.status, "body": response.body}

    def _answer(self, target: str, root: str | None, candidates: list[str]) -> ApiResponse:
        backend = self._backend(root, candidates)
        if isinstance(backend, ApiResponse):
            return backend
        path, params = split_target(target)
        return dispatch(backend, path, params)

    def _backend(self, root: str | None, candidates: list[str]) -> QueryBackend | ApiResponse:
        """The datastore's backend, or the error answer the page shows when there is none."""
        try:
            return self.queries.backend(root, candidates)
        except QueryFailedError as err:  # no .metaflow in the workspace (or at root)
            return ApiResponse(404, error_body("datastore_not_found", err.message))
        except Exception as err:  # mfstudio.query's errors keep their kind and status
            return error_response(err)

    async def subscribe(self, payload: object, method: str) -> Json:
        p = Params(method, payload)
        sub_id, root = p.text("id", required=True), p.text("root")
        message = p.mapping("message", "the page's subscribe message (an object)", required=True)
        p.finish()
        if message.get("type") != "subscribe":
            raise InvalidParamsError(f"{method}: message.type must be 'subscribe'.")
        if sub_id in self._subs:
            raise InvalidParamsError(f"{method}: subscription {sub_id!r} exists already.")
        if len(self._subs) >= MAX_PANEL_SUBSCRIPTIONS:
            raise InvalidParamsError(
                f"{method}: the panels hold {MAX_PANEL_SUBSCRIPTIONS} live subscriptions "
                "already; close some Metaflow panels."
            )
        page_id = message.get("id") if isinstance(message.get("id"), str) else None
        backend = await self.queries.run(self._backend, root, self.candidates(self.server))
        sub = self._subs[sub_id] = _Subscription(None, page_id)

        async def send(event: Json) -> None:
            if not sub.closed:
                self.server.protocol.notify(UI_EVENT, {"id": sub_id, "event": event})

        if isinstance(backend, ApiResponse):  # no datastore: said as the WebSocket says it
            await send({"type": "error", "id": page_id, **backend.body})
        else:
            from mfstudio.ui.live import LiveSession

            hub, reads = self._shared()
            sub.session = LiveSession(hub, backend, send, reads)
            await sub.session.handle(message)  # errors become ``error`` events, as on /ws
        return {"id": sub_id}

    def unsubscribe(self, payload: object, method: str) -> Json:
        p = Params(method, payload)
        sub_id = p.text("id", required=True)
        p.finish()
        sub = self._subs.pop(sub_id, None)
        if sub is not None:
            sub.close()
        return {"stopped": sub is not None}

    def _shared(self) -> tuple[WatchHub, CapacityLimiter]:
        """Made on first use, on the server's event loop (they belong to it)."""
        from anyio import CapacityLimiter

        from mfstudio.ui.watch import WatchHub

        if self._hub is None or self._reads is None:
            self._hub, self._reads = WatchHub(), CapacityLimiter(READ_THREADS)
        return self._hub, self._reads

    def close(self) -> None:
        """Server shutdown: release every watch (their threads end within a quiet period)."""
        for sub in self._subs.values():
            sub.close()
        self._subs.clear()
        if self._hub is not None:
            asyncio.get_running_loop().create_task(self._hub.aclose())


def register(
    server: MetaflowLanguageServer,
    queries: RunQueries,
    candidates: Candidates,
    answers_errors: AnswersErrors,
) -> UiRequests:
    """Registers the UI requests on ``server``; ``answers_errors`` turns a RequestError into
    its JSON-RPC error response (server.py's wrapper). Call ``close()`` on shutdown."""
    requests = UiRequests(server, queries, candidates)

    async def unsubscribe(payload: object, method: str) -> Json:
        return requests.unsubscribe(payload, method)

    handlers: dict[str, RequestHandler] = {
        UI_GET: requests.get,
        UI_SUBSCRIBE: requests.subscribe,
        UI_UNSUBSCRIBE: unsubscribe,
    }
    register_requests(server, handlers, answers_errors)
    return requests
