"""What ``mfstudio function serve`` and ``metaflow function serve`` share: read the
reference, load the function with the fastapi backend, print where it is served, serve.

REFERENCE is the reference's JSON text, a file holding it, or ``-`` (standard input): the
reference (with its content hash) is what makes the package trusted, so a bare package URL
is not accepted.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

from .errors import FunctionsError

__all__ = ["read_reference", "serve_reference"]


def read_reference(text: str) -> str:
    """The reference's JSON from ``text``: the JSON itself, ``-`` (stdin) or a file path."""
    if text == "-":
        return sys.stdin.read()
    if text.lstrip().startswith("{"):
        return text
    path = Path(text).expanduser()
    if path.is_file():
        return path.read_text(encoding="utf-8")
    raise FunctionsError(
        f"REFERENCE {text!r} is neither a reference's JSON nor a file holding one "
        "(write fn.reference or fn.export(...)'s result to a file, or pass '-' for stdin)"
    )


def serve_reference(
    reference: str, host: str, port: int, serializer_modules: list[str], **options: Any
) -> int:
    """Serve until interrupted; the exit code (1: the function cannot be served)."""
    from .loader import function_from_json

    try:
        for module in serializer_modules:  # they call register_serializer() on import
            importlib.import_module(module)
        server = function_from_json(read_reference(reference), backend="fastapi", **options)
    except (FunctionsError, ImportError, ValueError, TypeError, OSError) as exc:
        print(f"function serve: {exc}", file=sys.stderr)
        return 1
    route = server.options.route

    def listening(url: str) -> None:
        print(
            f"Serving function '{server.name}' at {url}{route} "
            f"(OpenAPI: {url}/docs, ready: {url}/ready). Ctrl-C stops it.",
            flush=True,
        )

    try:
        server.serve(host, port, on_listening=listening)
    except OSError as exc:
        print(f"function serve: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C once it has shut down
        pass
    return 0
