"""Start the UI server from a command: ``mfstudio ui`` and ``metaflow ui`` both call
:func:`serve`.

The port is bound here, before uvicorn starts, so the printed address is the real one and
a busy port is a clear message rather than a traceback: an explicit ``--port`` that is
taken is an error; without ``--port`` the server tries :data:`DEFAULT_PORT` and otherwise
takes any free port (``--port 0`` asks for that directly). Binding anything but loopback
makes a token (see security.py) that the printed address carries.

Imports are kept to what starting needs (Starlette, uvicorn): the first page is served
well under a second after the command starts (bench/bench_ui_server.py measures it).
"""

from __future__ import annotations

import errno
import secrets
import socket
import sys
import threading
import webbrowser
from typing import TextIO

from .security import Access, is_loopback, is_wildcard, url_host

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "BindError", "bind", "serve"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8324
EXIT_OK = 0
EXIT_USAGE = 2


class BindError(Exception):
    """The address cannot be listened on; the message says why and what to do."""

    def __init__(self, message: str, in_use: bool = False) -> None:
        super().__init__(message)
        self.in_use = in_use


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (0: any free port)."""
    try:
        infos = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as err:
        raise BindError(f"--host {host!r} is not an address of this machine ({err}).") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as err:
        sock.close()
        if err.errno == errno.EADDRINUSE:
            raise BindError(
                f"Port {port} on {host} is in use (another program, or another "
                "`mfstudio ui`). Pick another with --port, or leave --port out to use a "
                "free one.",
                in_use=True,
            ) from None
        raise BindError(f"Cannot listen on {host}:{port}: {err.strerror or err}.") from None
    return sock


def _listen(host: str, port: int | None) -> socket.socket:
    """``port``, or without one :data:`DEFAULT_PORT` when free, else any free port."""
    if port is not None:
        return bind(host, port)
    try:
        return bind(host, DEFAULT_PORT)
    except BindError as err:
        if not err.in_use:
            raise
        return bind(host, 0)


def _public_name(host: str) -> str:
    """The host to print: a wildcard bind is reached by the machine's name."""
    return socket.gethostname() if is_wildcard(host) else host


def serve(
    root: str | None,
    host: str = DEFAULT_HOST,
    port: int | None = None,
    open_browser: bool = True,
    out: TextIO | None = None,
) -> int:
    """Serve the UI for the datastore at ``root`` until Ctrl-C (or SIGTERM); exit code."""
    out = out or sys.stdout
    try:
        sock = _listen(host, port)
    except BindError as err:
        print(f"mfstudio ui: {err}", file=sys.stderr)
        return EXIT_USAGE
    actual = int(sock.getsockname()[1])
    token = None if is_loopback(host) else secrets.token_urlsafe(24)
    access = Access(host, actual, token)
    url = f"http://{url_host(_public_name(host))}:{actual}/"
    if token is not None:
        url += f"?token={token}"

    import uvicorn

    from .server import create_app

    app = create_app(root, access)
    print(f"Metaflow Studio UI: {url}", file=out)
    if token is not None:
        print(
            f"  bound to {host}: other machines can reach it; the token in the address is "
            "the key, keep it private.",
            file=out,
        )
    print("  Ctrl-C to stop.", file=out, flush=True)
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
        server_header=False,
        ws_max_size=64 * 1024,
        timeout_graceful_shutdown=2,
        lifespan="on",
    )
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    print("Metaflow Studio UI stopped.", file=out, flush=True)
    return EXIT_OK
