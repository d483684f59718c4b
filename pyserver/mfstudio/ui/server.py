"""The standalone UI server: a Starlette app (served by uvicorn) over the query layer.

Routes: ``/`` the app shell (shell.py: one ``<div id="app">``, the inline boot script that
starts the runs page's requests, the bundle's entry module, its preloads and stylesheet; a
strict CSP: scripts and styles only from this server, plus the boot script by its hash);
``/assets/NAME`` the front-end bundle (:func:`find_assets`); ``/api/...`` and ``/card/...``
through the one dispatcher (api.py), a card as its own HTML under
``Content-Security-Policy: sandbox allow-scripts`` (an opaque origin: its scripts run, but
cannot read the app, its cookie or the API); ``/ws`` the live subscriptions (live.py).
Security.py's guard stands in front of all of them.

Blocking reads run in worker threads, at most :data:`READ_THREADS` at once, so a slow
query never stalls the event loop that serves the page and the live events.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import anyio.to_thread
from anyio import CapacityLimiter
from starlette.applications import Starlette
from starlette.datastructures import URLPath
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import (
    BaseRoute,
    Match,
    NoMatchFound,
    Route,
    WebSocketRoute,
    request_response,
)
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from mfstudio.query.api import QueryBackend, open_backend

from .api import ApiResponse, dispatch, error_body, finite
from .live import LiveSession
from .security import Access, Guard
from .shell import ASSET_NAME, MANIFEST, ShellCache, ShellError, shell_csp
from .watch import WatchHub

__all__ = ["ASSETS_ENV", "READ_THREADS", "Datastore", "create_app", "find_assets"]

log = logging.getLogger(__name__)

ASSETS_ENV = "MFSTUDIO_UI_ASSETS"
READ_THREADS = 4
BUNDLE = (MANIFEST, "ui.css")  # the manifest names the rest (shell.py)
IMMUTABLE = "ui-chunk-"  # chunk names carry their content's hash: cached for good
_ASSET_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json",
    ".txt": "text/plain; charset=utf-8",
}
_PACKAGED = Path(__file__).resolve().parent / "static"
_REPO_DIST = Path(__file__).resolve().parents[3] / "media" / "dist"


def find_assets() -> tuple[Path | None, list[Path]]:
    """The folder holding the built bundle, and every folder looked in. ``$MFSTUDIO_UI_ASSETS``
    when set; else ``static/`` inside this package (installed wheels: the release copies
    the bundle there), then the repository's ``media/dist`` (a source checkout)."""
    env = os.environ.get(ASSETS_ENV)
    candidates = [Path(env)] if env else [_PACKAGED, _REPO_DIST]
    for folder in candidates:
        if all((folder / name).is_file() for name in BUNDLE):
            return folder, candidates
    return None, candidates


_CARD_CSP = "sandbox allow-scripts; frame-ancestors 'self'"


class _PrefixRoute(BaseRoute):
    """Every path under ``prefix``, whatever characters it holds: the dispatcher validates
    them and says what is wrong (Starlette's path patterns stop at a newline, which would
    give a bare 404 instead). GET and HEAD only."""

    def __init__(self, prefix: str, endpoint: Callable[[Request], Awaitable[Response]]) -> None:
        self.prefix = prefix
        self.app = request_response(endpoint)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or not str(scope["path"]).startswith(self.prefix):
            return Match.NONE, {}
        return (Match.FULL if scope["method"] in ("GET", "HEAD") else Match.PARTIAL), {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in ("GET", "HEAD"):
            refused = Response("Method Not Allowed", 405, headers={"allow": "GET, HEAD"})
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        raise NoMatchFound(name, path_params)


class Datastore:
    """The backend, opened on first use and kept (it caches run orders). Until a
    ``.metaflow`` exists, each use raises the query layer's DatastoreNotFoundError, which
    routes answer as ``datastore_not_found``: the server can start before the first run."""

    def __init__(self, root: str | os.PathLike[str] | None) -> None:
        self.root = root
        self._backend: QueryBackend | None = None
        self._opening = threading.Lock()  # the warm-up and the first request may race

    def __call__(self) -> QueryBackend:
        if self._backend is None:
            with self._opening:
                if self._backend is None:
                    self._backend = open_backend(self.root)
        return self._backend

    def warm_up(self) -> None:
        """Opens the backend (importing the query layer's local backend, most of a fresh
        server's first API answer) in a daemon thread, while the browser is still opening
        the page: that page's first requests then find it open."""

        def open_quietly() -> None:
            try:
                self()
            except Exception:  # no datastore yet, or unreadable: the routes will say so
                log.debug("warm-up: the datastore could not be opened yet", exc_info=True)

        threading.Thread(target=open_quietly, name="mfstudio-ui-warm-up", daemon=True).start()


def _json_response(answer: ApiResponse) -> Response:
    text = json.dumps(answer.body, ensure_ascii=False, separators=(",", ":"))  # finite already
    return Response(text, answer.status, media_type="application/json")


class _AssetCache:
    """The bundle's files as served: read once per version (path, mtime, size), kept plain
    and gzipped (the script shrinks about 3x, which is most of a fresh page's wait), and
    never read through the request threads that API reads queue on."""

    def __init__(self) -> None:
        self._files: dict[Path, tuple[tuple[int, int], bytes, bytes]] = {}

    def get(self, path: Path, mtime_ns: int, size: int, gzipped: bool) -> bytes:
        cached = self._files.get(path)
        if cached is None or cached[0] != (mtime_ns, size):
            plain = path.read_bytes()
            cached = ((mtime_ns, size), plain, gzip.compress(plain, compresslevel=6, mtime=0))
            self._files[path] = cached
        return cached[2] if gzipped else cached[1]


def create_app(root: str | os.PathLike[str] | None, access: Access) -> Guard:
    """The ASGI app for the datastore at ``root`` (see ``LocalLayout.discover``)."""
    datastore = Datastore(root)
    reads = CapacityLimiter(READ_THREADS)
    hub = WatchHub()
    assets = _AssetCache()
    shells = ShellCache()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        datastore.warm_up()
        yield
        await hub.aclose()

    async def shell(request: Request) -> Response:
        folder, looked = find_assets()
        rebuild = "Run `npm run build --workspace media` in the repository, then reload this page."
        if folder is None:
            where = ", ".join(str(p) for p in looked)
            files = " and ".join(BUNDLE)
            text = f"Metaflow Studio: the UI bundle is not built (no {files} in {where}). {rebuild}"
            return Response(text, 503, media_type="text/plain; charset=utf-8")
        try:
            page = shells.get(folder)
        except (OSError, ShellError) as error:
            text = f"Metaflow Studio: the UI bundle is incomplete ({error}). {rebuild}"
            return Response(text, 503, media_type="text/plain; charset=utf-8")
        csp = shell_csp(request.headers.get("host", ""), page.boot_hash)
        return Response(
            page.html,
            media_type="text/html; charset=utf-8",
            headers={"content-security-policy": csp, "cache-control": "no-cache"},
        )

    async def asset(request: Request) -> Response:
        name = str(request.path_params["name"])
        folder, _ = find_assets()
        kind = _ASSET_TYPES.get(Path(name).suffix)
        path = folder / name if folder is not None and ASSET_NAME.match(name) else None
        if path is None or kind is None or not path.is_file() or path.parent != folder:
            return Response(f"No asset {name!r}.", 404, media_type="text/plain; charset=utf-8")
        stat = path.stat()
        gzipped = "gzip" in request.headers.get("accept-encoding", "")
        body = assets.get(path, stat.st_mtime_ns, stat.st_size, gzipped)
        fresh = "public, max-age=31536000, immutable" if name.startswith(IMMUTABLE) else "no-cache"
        headers = {"cache-control": fresh, "vary": "accept-encoding"}
        if gzipped:
            headers["content-encoding"] = "gzip"
        return Response(body, media_type=kind, headers=headers)

    async def answer(request: Request) -> ApiResponse:
        # The raw (still percent-encoded) path: each segment is decoded on its own, so an
        # encoded "/" cannot add a level (paths.py).
        raw = request.scope.get("raw_path") or request.url.path.encode()
        try:
            path = bytes(raw).decode("ascii")
        except UnicodeDecodeError:
            message = "The path has raw non-ASCII bytes; percent-encode each segment."
            return ApiResponse(400, error_body("bad_query", message))
        try:
            params = parse_qs(request.url.query, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            message = "A query parameter is not UTF-8 once percent-decoded."
            return ApiResponse(400, error_body("bad_query", message))
        return await anyio.to_thread.run_sync(dispatch, datastore, path, params, limiter=reads)

    async def api(request: Request) -> Response:
        return _json_response(await answer(request))

    async def card(request: Request) -> Response:
        found = await answer(request)
        if found.status != 200:
            return _json_response(found)
        return Response(
            found.body.get("html") or "",
            media_type="text/html; charset=utf-8",
            headers={"content-security-policy": _CARD_CSP},
        )

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204)  # browsers ask; a 404 would log a console error

    async def live(websocket: WebSocket) -> None:
        await websocket.accept()

        async def send(message: dict[str, Any]) -> None:
            text = json.dumps(finite(message), ensure_ascii=False, separators=(",", ":"))
            await websocket.send_text(text)

        session = LiveSession(hub, datastore, send, reads)
        try:
            while True:
                text = await websocket.receive_text()
                try:
                    message: Any = json.loads(text)
                except ValueError:
                    await send({"type": "error", "id": None, **_not_json()})
                    continue
                await session.handle(message)
        except WebSocketDisconnect:
            pass
        finally:
            await session.aclose()

    app = Starlette(
        routes=[
            Route("/", shell),
            Route("/assets/{name}", asset),
            Route("/favicon.ico", no_icon),
            _PrefixRoute("/api/", api),
            _PrefixRoute("/card/", card),
            WebSocketRoute("/ws", live),
        ],
        lifespan=lifespan,
    )
    return Guard(app, access)


def _not_json() -> dict[str, Any]:
    return error_body(
        "bad_query",
        "A message must be a JSON object, e.g. "
        '{"type": "subscribe", "id": "s1", "topic": "runs", "flow": "F"}.',
    )
