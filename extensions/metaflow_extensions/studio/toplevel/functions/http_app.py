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
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from .batching import Dispatcher, WorkerPool
from .http_schema import openapi_parts, validator_for
from .serialization import JSON, Codec, SerializationError, accepted, media_type, registered

if TYPE_CHECKING:
    from .fastapi_backend import ServeOptions

__all__ = ["build_app"]


class _TooLarge(Exception):
    pass


def build_app(
    name: str,
    pool: WorkerPool,
    dispatcher: Dispatcher,
    options: ServeOptions,
    input_schema: dict[str, Any],
    output_schema: dict[str, Any],
) -> FastAPI:
    serializers = registered()
    inputs = {k: s.codec(input_schema, f"{name}_input") for k, s in serializers.items()}
    outputs = {k: s.codec(output_schema, f"{name}_output") for k, s in serializers.items()}
    check = validator_for(input_schema)
    limit = options.max_body_bytes

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
        codec = inputs.get(media_type(request.headers.get("content-type")) or JSON)
        if codec is None:
            return _problem(
                415,
                f"Content-Type {request.headers.get('content-type')!r} is "
                f"not supported; send one of: {', '.join(inputs)}",
            )
        answer = accepted(request.headers.get("accept"), list(outputs))
        if answer is None:
            return _problem(
                406,
                f"cannot answer in {request.headers.get('accept')!r}; "
                f"accepted: {', '.join(outputs)}",
            )
        if not pool.ready:
            return _not_ready(pool)
        try:
            body = await _read(request, limit)
        except _TooLarge:
            return _problem(413, f"request body is larger than the limit of {limit} bytes")
        try:
            record = codec.decode(body)
        except SerializationError as exc:
            return _invalid([{"loc": ["body"], "msg": str(exc), "type": "decode_error"}])
        detail = check(record)
        if detail:
            return _invalid(detail)
        try:
            ok, value = await dispatcher.submit(record)
        except asyncio.TimeoutError:
            return _problem(504, f"function '{name}' did not answer within {options.timeout_s:g} s")
        if not ok:
            return _failed(value, options.debug)
        return _encoded(outputs[answer], value, options.debug)

    app.add_api_route(
        options.route,
        call,
        methods=["POST"],
        summary=f"Call {name}",
        response_class=Response,
        openapi_extra=_operation(request_ref, response_ref, inputs, outputs),
    )

    @app.get("/health", summary="The server is up")
    async def health() -> dict[str, str]:
        return {"status": "ok", "function": name}

    @app.get("/ready", summary="A worker is up and can take requests")
    async def ready() -> Response:
        if pool.ready:
            return JSONResponse({"status": "ready", "workers": len(pool.live)})
        return _not_ready(pool)

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


async def _read(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _TooLarge  # refused before reading a byte
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _problem(status: int, message: str) -> Response:
    return JSONResponse({"detail": message}, status_code=status)


def _invalid(detail: list[dict[str, Any]]) -> Response:
    return JSONResponse({"detail": detail}, status_code=422)


def _not_ready(pool: WorkerPool) -> Response:
    if pool.error:
        return JSONResponse({"status": "failed", "detail": pool.error}, status_code=503)
    return JSONResponse({"status": "starting"}, status_code=503, headers={"Retry-After": "1"})


def _failed(error: dict[str, Any], debug: bool) -> Response:
    body = {"type": str(error.get("type", "Exception")), "message": str(error.get("message", ""))}
    if debug and error.get("traceback"):
        body["traceback"] = str(error["traceback"])
    return JSONResponse({"error": body}, status_code=500)


def _encoded(codec: Codec, value: Any, debug: bool) -> Response:
    try:
        return Response(codec.encode(value), media_type=codec.content_type)
    except SerializationError as exc:
        return _failed({"type": "SerializationError", "message": str(exc)}, debug)
