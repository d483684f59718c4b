"""Registering a feature module's custom requests (run_flow, ui, functions): each method gets
one async handler ``(params, method)``, wrapped by server.py's ``answers_errors`` so a
RequestError becomes its JSON-RPC error response."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from .language_server import MetaflowLanguageServer

__all__ = ["AnswersErrors", "AsyncHandler", "RequestHandler", "register_requests"]

AsyncHandler = Callable[..., Awaitable[Any]]
AnswersErrors = Callable[[AsyncHandler], AsyncHandler]
RequestHandler = Callable[[object, str], Awaitable[Any]]


def register_requests(
    server: MetaflowLanguageServer,
    handlers: Mapping[str, RequestHandler],
    answers_errors: AnswersErrors,
) -> None:
    for method, handler in handlers.items():
        _register(server, method, handler, answers_errors)


def _register(
    server: MetaflowLanguageServer,
    method: str,
    handler: RequestHandler,
    answers_errors: AnswersErrors,
) -> None:
    # a function per method: each closure keeps its own method and handler
    @server.feature(method)
    @answers_errors
    async def answer(ls: MetaflowLanguageServer, params: Any) -> Any:
        return await handler(params, method)
