"""Who may talk to the UI server: the ASGI guard in front of every route (docs/ui-api.md,
"Security"; the threat model is in docs/standalone-ui.md).

- **Host header.** Every request must name this server (``127.0.0.1:8324``,
  ``localhost:8324``, or the address it was bound to): a page from another site that
  rebinds its DNS name to 127.0.0.1 still sends its own name, and is refused.
- **Token.** A server bound to anything but loopback needs the token it printed. The page
  opened from ``/?token=...`` trades it for an HttpOnly, SameSite=Strict cookie and is
  redirected to the same path without it (so it leaves the address bar and history).
  Without it: 401 (``unauthorized``); a WebSocket is accepted and closed with 4401, so the
  page can tell why.
- **Origin.** A WebSocket from a browser must come from this server's own origin (browsers
  send ``Origin`` on every WebSocket; cross-site ones are refused before the handshake).
- **Headers.** Every response gets ``nosniff``, ``no-referrer``, a same-origin resource
  policy and, unless the route set its own, ``Content-Security-Policy: default-src 'none';
  frame-ancestors 'none'`` and ``Cache-Control: no-store``.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .api import error_body

__all__ = [
    "COOKIE",
    "Access",
    "Guard",
    "is_loopback",
    "url_host",
]

COOKIE = "mfstudio_token"
WS_UNAUTHORIZED = 4401
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
_BASE_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
_DEFAULTS = [
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"cache-control", b"no-store"),
]


def is_loopback(host: str) -> bool:
    """``host`` (an address or a name) reaches only this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def url_host(host: str) -> str:
    """``host`` as it appears in a URL (IPv6 addresses in brackets)."""
    if ":" in host and not host.startswith("["):
        return f"[{host}]"
    return host


@dataclass(frozen=True)
class Access:
    """Who the server answers: the Host names it accepts and the token it needs (None on
    loopback)."""

    bind_host: str
    port: int
    token: str | None

    def host_allowed(self, header: str) -> bool:
        name, _, port = header.strip().lower().rpartition(":")
        if not name or (not name.endswith("]") and ":" in name):  # "host" without a port
            name, port = header.strip().lower(), "80"
        if port != str(self.port):
            return False
        if name in _LOOPBACK_NAMES or name == url_host(self.bind_host).lower():
            return True
        if is_wildcard(self.bind_host):
            # Bound to every interface: any address literal (a rebinding attack needs a
            # DNS name) and this machine's own names.
            return _is_address(name) or name in _machine_names()
        return False

    def token_ok(self, candidate: str | None) -> bool:
        if self.token is None:
            return True
        return candidate is not None and hmac.compare_digest(candidate, self.token)


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def _machine_names() -> Iterable[str]:
    host = socket.gethostname().lower()
    return {host, socket.getfqdn().lower(), f"{host}.local"}


class Guard:
    """ASGI middleware applying :class:`Access` to every HTTP request and WebSocket."""

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        host = headers.get("host", "")
        if not self.access.host_allowed(host):
            message = (
                f"The Host header {host!r} does not name this server; open it as "
                f"http://127.0.0.1:{self.access.port}/ or at the address it printed."
            )
            await self._refuse(scope, receive, send, 403, "forbidden", message)
            return
        if scope["type"] == "websocket":
            origin = headers.get("origin")
            if origin is not None and origin.lower() not in (f"http://{host}", f"https://{host}"):
                # Refused before the handshake: the page of another site learns nothing.
                await send({"type": "websocket.close", "code": 4403})
                return
        token = _cookie(headers.get("cookie", ""), COOKIE)
        if self.access.token_ok(token):
            await self.app(scope, receive, _with_headers(send))
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if scope["type"] == "http" and self.access.token_ok(query.get("token")):
            await _redirect_with_cookie(scope, send, self.access.token or "")
            return
        message = (
            "This server needs its token: open the address (with ?token=...) that "
            "`mfstudio ui` printed when it started."
        )
        await self._refuse(scope, receive, send, 401, "unauthorized", message)

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, status: int, kind: str, message: str
    ) -> None:
        if scope["type"] == "websocket":
            if status == 401:  # accept, then close with a code the page can read
                await receive()
                await send({"type": "websocket.accept"})
                await send({"type": "websocket.close", "code": WS_UNAUTHORIZED})
            else:
                await send({"type": "websocket.close", "code": 4403})
            return
        if str(scope.get("path", "")).startswith("/api/"):
            body = json.dumps(error_body(kind, message)).encode()
            kind_header = b"application/json"
        else:
            body = message.encode()
            kind_header = b"text/plain; charset=utf-8"
        await _with_headers(send)(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", kind_header), (b"content-length", b"%d" % len(body))],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _cookie(header: str, name: str) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # a malformed Cookie header is no token, not a crash
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None


async def _redirect_with_cookie(scope: Scope, send: Send, token: str) -> None:
    """303 to the same path and query without ``token``, setting the cookie."""
    pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    rest = urlencode([(k, v) for k, v in pairs if k != "token"])
    raw = scope.get("raw_path") or str(scope.get("path", "/")).encode()
    path = "/" + bytes(raw).decode("latin-1").lstrip("/")  # never "//other.site"
    location = path + (f"?{rest}" if rest else "")
    cookie = f"{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/"
    await _with_headers(send)(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", location.encode("latin-1", "replace")),
                (b"set-cookie", cookie.encode("latin-1")),
                (b"content-length", b"0"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})


def _with_headers(send: Send) -> Send:
    """``send`` that adds the security headers to the response start."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers: list[Any] = list(message.get("headers", []))
            present = {bytes(k).lower() for k, _ in headers}
            headers.extend(_BASE_HEADERS)
            headers.extend((k, v) for k, v in _DEFAULTS if k not in present)
            message = {**message, "headers": headers}
        await send(message)

    return wrapped
