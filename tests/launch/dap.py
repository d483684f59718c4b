"""A small Debug Adapter Protocol client for tests: talks to debugpy's adapter over TCP the
way the editor does, and follows child processes (``debugpyAttach``) by opening one more
session per child, as the extension's debug type does."""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
import time
from typing import Any

Message = dict[str, Any]


class DapSession:
    """One DAP connection. Messages from the adapter go to ``inbox``; ``request`` waits for
    the matching response."""

    def __init__(self, host: str, port: int, name: str, timeout: float = 30.0) -> None:
        self.name = name
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.create_connection((host, port), timeout=timeout)
                self.sock.settimeout(None)  # reads wait for the adapter; callers time out
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.reader = self.sock.makefile("rb")
        self.seq = 0
        self.lock = threading.Lock()
        self.inbox: queue.Queue[Message] = queue.Queue()
        self.responses: dict[int, queue.Queue[Message]] = {}
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._read_messages()
        self.inbox.put({"type": "closed"})

    def _read_messages(self) -> None:
        while True:
            length = None
            while True:
                line = self.reader.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            assert length is not None
            message = json.loads(self.reader.read(length))
            if message.get("type") == "response":
                self.responses.setdefault(message["request_seq"], queue.Queue()).put(message)
            else:
                self.inbox.put(message)

    def send(self, command: str, arguments: dict[str, Any] | None = None) -> int:
        with self.lock:
            self.seq += 1
            seq = self.seq
            self.responses.setdefault(seq, queue.Queue())
            body = json.dumps(
                {"seq": seq, "type": "request", "command": command, "arguments": arguments or {}}
            ).encode()
            self.sock.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        return seq

    def response(self, seq: int, timeout: float = 30.0) -> Message:
        return self.responses[seq].get(timeout=timeout)

    def request(
        self, command: str, arguments: dict[str, Any] | None = None, timeout: float = 30.0
    ) -> Message:
        reply = self.response(self.send(command, arguments), timeout)
        if not reply.get("success"):
            raise AssertionError(f"{self.name}: {command} failed: {reply.get('message')}")
        return reply

    def wait_event(self, event: str, timeout: float = 60.0) -> Message:
        """The next ``event`` (other events are kept in ``seen``)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.name}: no {event!r} event within {timeout}s")
            message = self.inbox.get(timeout=left)
            if message.get("type") == "closed":
                raise ConnectionError(f"{self.name}: adapter closed before {event!r}")
            if message.get("event") == event:
                return message

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()
