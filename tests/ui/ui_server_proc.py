"""A real ``mfstudio ui`` process for the UI tests: started on a free port, its printed
address read from stdout, stopped with Ctrl-C (SIGINT) as a user stops it."""

from __future__ import annotations

import http.client
import ipaddress
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
_URL = re.compile(r"Metaflow Studio UI: (http://\S+)")


@dataclass
class UiServer:
    process: subprocess.Popen[str]
    url: str  # as printed, token included when there is one

    @property
    def port(self) -> int:
        return int(urlsplit(self.url).port or 80)

    @property
    def address(self) -> str:
        """Where to connect: the printed address when it is one (a server bound to one
        interface listens only there), else loopback (bound to every interface)."""
        host = urlsplit(self.url).hostname or "127.0.0.1"
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return "127.0.0.1"
        return "127.0.0.1" if ipaddress.ip_address(host).is_unspecified else host

    @property
    def base(self) -> str:
        return f"http://{self.address}:{self.port}"

    @property
    def token(self) -> str | None:
        match = re.search(r"token=([^&]+)", self.url)
        return match.group(1) if match else None

    def raw_get(
        self, target: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """GET ``target`` exactly as written (no client-side normalising of ``..``)."""
        conn = http.client.HTTPConnection(self.address, self.port, timeout=30)
        try:
            conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
            sent = {"Host": f"{self.address}:{self.port}", **(headers or {})}
            for name, value in sent.items():
                conn.putheader(name, value)
            conn.endheaders()
            response = conn.getresponse()
            body = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, body
        finally:
            conn.close()


def ui_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "mfstudio.cli", "ui", "--no-browser", *args]


@contextmanager
def running_ui(
    *args: str, env: dict[str, str] | None = None, command: list[str] | None = None
) -> Iterator[UiServer]:
    """``mfstudio ui --port 0 ARGS`` until the block ends; then Ctrl-C, and the process
    must stop cleanly (exit 0, "stopped")."""
    argv = command or ui_command("--port", "0", *args)
    process = subprocess.Popen(
        argv,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line, match = "", None
    for _ in range(5):  # `metaflow ui` prints Metaflow's banner first
        line = process.stdout.readline()
        match = _URL.search(line)
        if match is not None or not line:
            break
    if match is None:
        process.kill()
        _, err = process.communicate(timeout=30)
        raise AssertionError(f"no address printed: {line!r}\n{err}")
    server = UiServer(process, match.group(1))
    try:
        _wait_ready(server)
    except BaseException:
        process.kill()
        process.communicate(timeout=30)
        raise
    try:
        yield server
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        assert "stopped" in out, out


def _wait_ready(server: UiServer) -> None:
    """The socket listens before the command prints; wait for the app to answer."""
    deadline = time.monotonic() + 60
    while True:
        try:
            server.raw_get("/api/flows")
            return
        except OSError:
            if time.monotonic() > deadline or server.process.poll() is not None:
                raise
            time.sleep(0.05)
