"""The FastAPI app that serves one function (imported only by the fastapi backend).

    POST <route>     one record in (JSON, Avro or a registered format, by Content-Type),
                     its result out (by Accept)
    GET  /health     200 while the server runs
    GET  /ready      200 once a worker is up, else 503 (starting, or why it failed)
    GET  /docs, /openapi.json   the OpenAPI document, built from the function's schemas

Status codes: 422 a body that cannot be decoded or violates the input schema (``detail``
names the field and the reason), 413 a body over the size limit, 415/406 an unknown
Content-Type/Accept, 500 the function raised (its type and message; the traceback only in
debug mode), 503 not ready, 504 no answer within the timeout.

The POST route's logic (``_Route``) knows nothing of the framework. It is reached two ways
that answer byte for byte alike: ``_FastPath``, an ASGI middleware that takes ``POST
<route>`` before FastAPI's routing, and the FastAPI route itself (the OpenAPI document's
operation, and the way in whenever the fast path does not match, e.g. a proxy rewriting
paths). The fast path exists because FastAPI's routing, dependency solving and response
classes cost about as much CPU per request as everything else together (measured in
bench/bench_functions_serve.py: see docs/functions.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request, Response

from .batching import Dispatcher, WorkerPool
from .http_schema import openapi_parts, validator_for
from .serialization import JSON, Codec, SerializationError, accepted, media_type, registered

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from .fastapi_backend import ServeOptions

__all__ = ["build_app"]


class _TooLarge(Exception):
    pass


@dataclass(frozen=True)
class _Answer:
    """One HTTP answer: status, body, its media type and any extra headers."""

    status: int
    body: bytes
    content_type: str = JSON
    headers: tuple[tuple[str, str], ...] = ()


class _Route:
    """``POST <route>``: decode, validate, dispatch to a worker, encode."""

    def __init__(
        self,
        name: str,
        pool: WorkerPool,
        dispatcher: Dispatcher,
        options: ServeOptions,
        input_schema: dict[str, Any],
        output_schema: dict[str, Any],
    ) -> None:
        serializers = registered()
        self.name = name
        self.path = options.route
        self.pool = pool
        self.dispatcher = dispatcher
        self.options = options
        self.inputs = {k: s.codec(input_schema, f"{name}_input") for k, s in serializers.items()}
        self.outputs = {k: s.codec(output_schema, f"{name}_output") for k, s in serializers.items()}
        self.output_types = list(self.outputs)
        self.check = validator_for(input_schema)
        self._accepted: dict[str | None, str | None] = {}

    async def answer(
        self,
        content_type: str | None,
        accept: str | None,
        length: str | None,
        chunks: AsyncIterator[bytes],
    ) -> _Answer:
        codec = self.inputs.get(media_type(content_type) or JSON)
        if codec is None:
            return _problem(
                415,
                f"Content-Type {content_type!r} is not supported; send one of: "
                f"{', '.join(self.inputs)}",
            )
        answer = self._accepted.get(accept, "")
        if answer == "":  # clients send the same few Accept headers: parse each once
            if len(self._accepted) > 256:
                self._accepted.clear()
            answer = self._accepted[accept] = accepted(accept, self.output_types)
        if answer is None:
            return _problem(
                406, f"cannot answer in {accept!r}; accepted: {', '.join(self.outputs)}"
            )
        if not self.pool.ready:
            return _not_ready(self.pool)
        limit = self.options.max_body_bytes
        try:
            body = await _read(chunks, length, limit)
        except _TooLarge:
            return _problem(413, f"request body is larger than the limit of {limit} bytes")
        try:
            record = codec.decode(body)
        except SerializationError as exc:
            return _invalid([{"loc": ["body"], "msg": str(exc), "type": "decode_error"}])
        detail = self.check(record)
        if detail:
            return _invalid(detail)
        try:
            ok, value = await self.dispatcher.submit(record)
        except asyncio.TimeoutError:
            return _problem(
                504, f"function '{self.name}' did not answer within {self.options.timeout_s:g} s"
            )
        if not ok:
            return _failed(value, self.options.debug)
        return _encoded(self.outputs[answer], value, self.options.debug)


class _FastPath:
    """ASGI middleware: ``POST <route>`` straight to ``_Route``, anything else to FastAPI."""

    def __init__(self, app: ASGIApp, route: _Route) -> None:
        self.app = app
        self.route = route

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"] != scope.get("root_path", "") + self.route.path
        ):
            await self.app(scope, receive, send)
            return
        wanted: dict[bytes, str | None] = dict.fromkeys(
            (b"content-type", b"accept", b"content-length")
        )
        for key, value in scope["headers"]:  # lower-cased by the server; the first one counts
            if key in wanted and wanted[key] is None:
                wanted[key] = value.decode("latin-1")

        async def chunks() -> AsyncIterator[bytes]:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise _Disconnected
                yield message.get("body", b"")
                if not message.get("more_body", False):
                    return

        try:
            answer = await self.route.answer(
                wanted[b"content-type"], wanted[b"accept"], wanted[b"content-length"], chunks()
            )
        except _Disconnected:
            return  # nobody to answer
        headers = [
            (b"content-type", answer.content_type.encode("latin-1")),
            (b"content-length", str(len(answer.body)).encode("latin-1")),
            *((k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers),
        ]
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})


class _Disconnected(Exception):
    pass


def build_app(
    name: str,
    pool: WorkerPool,
    dispatcher: Dispatcher,
    options: ServeOptions,
    input_schema: dict[str, Any],
    output_schema: dict[str, Any],
) -> FastAPI:
    route = _Route(name, pool, dispatcher, options, input_schema, output_schema)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Workers start in the background: /health answers at once, /ready when one is up.
        tasks = [asyncio.create_task(pool.start()), asyncio.create_task(dispatcher.run())]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            pool.close()

    app = FastAPI(
        title=f"Metaflow function {name}",
        version="1",
        description=f"`{name}` served by Metaflow Studio (Metaflow Functions).",
        lifespan=lifespan,
    )
    request_ref, response_ref, components = openapi_parts(name, input_schema, output_schema)

    async def call(request: Request) -> Response:
        headers = request.headers
        answer = await route.answer(
            headers.get("content-type"),
            headers.get("accept"),
            headers.get("content-length"),
            request.stream(),
        )
        return _response(answer)

    app.add_api_route(
        options.route,
        call,
        methods=["POST"],
        summary=f"Call {name}",
        response_class=Response,
        openapi_extra=_operation(request_ref, response_ref, route.inputs, route.outputs),
    )
    app.add_middleware(_FastPath, route=route)

    @app.get("/health", summary="The server is up")
    async def health() -> dict[str, str]:
        return {"status": "ok", "function": name}

    @app.get("/ready", summary="A worker is up and can take requests")
    async def ready() -> Response:
        if pool.ready:
            return _response(_json(200, {"status": "ready", "workers": len(pool.live)}))
        return _response(_not_ready(pool))

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            document = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            document.setdefault("components", {}).setdefault("schemas", {}).update(components)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _operation(
    request_ref: dict[str, Any],
    response_ref: dict[str, Any],
    inputs: dict[str, Codec],
    outputs: dict[str, Codec],
) -> dict[str, Any]:
    def content(codecs: dict[str, Codec], ref: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for kind, codec in codecs.items():
            out[kind] = {"schema": ref}
            if codec.avro_schema is not None:
                out[kind]["x-avro-schema"] = codec.avro_schema
        return out

    error = {"content": {JSON: {"schema": {"type": "object"}}}}
    return {
        "requestBody": {"required": True, "content": content(inputs, request_ref)},
        "responses": {
            "200": {
                "description": "The function's result",
                "content": content(outputs, response_ref),
            },
            "413": {"description": "Request body over the size limit", **error},
            "422": {"description": "Body not decodable or not valid for the input schema", **error},
            "500": {"description": "The function raised (type and message)", **error},
            "503": {"description": "No worker is ready yet", **error},
            "504": {"description": "No answer within the timeout", **error},
        },
    }


async def _read(chunks: AsyncIterator[bytes], declared: str | None, limit: int) -> bytes:
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _TooLarge  # refused before reading a byte
    parts, size = [], 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        parts.append(chunk)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _response(answer: _Answer) -> Response:
    return Response(
        answer.body, answer.status, dict(answer.headers), media_type=answer.content_type
    )


def _json(status: int, content: Any, headers: tuple[tuple[str, str], ...] = ()) -> _Answer:
    # As Starlette's JSONResponse renders it.
    body = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return _Answer(status, body.encode("utf-8"), JSON, headers)


def _problem(status: int, message: str) -> _Answer:
    return _json(status, {"detail": message})


def _invalid(detail: list[dict[str, Any]]) -> _Answer:
    return _json(422, {"detail": detail})


def _not_ready(pool: WorkerPool) -> _Answer:
    if pool.error:
        return _json(503, {"status": "failed", "detail": pool.error})
    return _json(503, {"status": "starting"}, (("Retry-After", "1"),))


def _failed(error: dict[str, Any], debug: bool) -> _Answer:
    body = {"type": str(error.get("type", "Exception")), "message": str(error.get("message", ""))}
    if debug and error.get("traceback"):
        body["traceback"] = str(error["traceback"])
    return _json(500, {"error": body})


def _encoded(codec: Codec, value: Any, debug: bool) -> _Answer:
    try:
        return _Answer(200, codec.encode(value), codec.content_type)
    except SerializationError as exc:
        return _failed({"type": "SerializationError", "message": str(exc)}, debug)
