"""STAND-IN for a Daytona service (not Daytona): the REST endpoints the `daytona` SDK calls.

Daytona is a cloud service (or a self-hosted cluster) that the test machines cannot reach, so
this small server speaks the part of its HTTP API that @devcontainer's daytona backend uses,
as the SDK (0.226) sends it, and really does the work on the local Docker engine
(DOCKER_HOST): a sandbox is a container.

  API      POST /api/sandbox, GET|DELETE /api/sandbox/{id}, GET /api/sandbox/{id}/toolbox-proxy-url
  toolbox  POST /toolbox/{id}/files/bulk-upload (multipart), POST .../files/bulk-download
           (multipart answer), POST .../process/execute, POST .../process/session,
           POST .../process/session/{s}/exec, GET .../process/session/{s}/command/{c},
           WebSocket .../process/session/{s}/command/{c}/logs?follow=true (stdout/stderr
           chunks framed with \\x01\\x01\\x01 / \\x02\\x02\\x02), DELETE .../process/session/{s}

Every request must carry `Authorization: Bearer <key>` (the key is --api-key). Unknown routes
answer 404 and are printed on stderr, so a backend that starts using more of the API fails.

    python daytona_server.py --port 8123 --api-key KEY
"""

from __future__ import annotations

import argparse
import asyncio
import io
import re
import sys
import tarfile
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

import docker
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

STDOUT_PREFIX = b"\x01\x01\x01"
STDERR_PREFIX = b"\x02\x02\x02"
SANDBOX_LABEL = "daytona.standin.sandbox"


@dataclass
class Command:
    id: str
    command: str
    chunks: list[bytes] = field(default_factory=list)
    exit_code: int | None = None
    done: bool = False


@dataclass
class Sandbox:
    dto: dict[str, Any]
    container: Any
    commands: dict[str, Command] = field(default_factory=dict)


class State:
    def __init__(self, api_key: str, base_url: str) -> None:
        self.api_key = api_key
        self.base_url = base_url
        self.client = docker.from_env()
        self.sandboxes: dict[str, Sandbox] = {}


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"statusCode": status, "message": message, "error": message}, status)


def authorized(state: State, headers: Any) -> bool:
    return headers.get("authorization") == f"Bearer {state.api_key}"


def make_app(state: State) -> Starlette:
    def sandbox_or_none(request: Request) -> Sandbox | None:
        return state.sandboxes.get(request.path_params["sid"])

    async def create_sandbox(request: Request) -> Response:
        body = await request.json()
        dockerfile = (body.get("buildInfo") or {}).get("dockerfileContent", "")
        match = re.match(r"\s*FROM\s+(\S+)\s*$", dockerfile)
        if not match:  # the backend only ever sends an image name
            return error(400, f"stand-in: only a plain FROM image is implemented: {dockerfile!r}")
        sid = uuid.uuid4().hex[:12]
        labels = {**body.get("labels", {}), SANDBOX_LABEL: sid}
        options: dict[str, Any] = {}
        if body.get("cpu"):
            options["nano_cpus"] = int(body["cpu"] * 1e9)
        if body.get("memory"):
            options["mem_limit"] = f"{body['memory']}g"
        try:
            container = state.client.containers.create(
                match.group(1),
                ["sleep", "infinity"],
                environment=body.get("env", {}),
                labels=labels,
                network_mode="none" if body.get("networkBlockAll") else "bridge",
                user=body.get("user") or "",
                detach=True,
                **options,
            )
            container.start()
        except docker.errors.ImageNotFound as ex:
            return error(400, f"image not found: {ex}")
        dto = {
            "id": sid, "organizationId": "standin", "name": sid, "user": body.get("user") or "root",
            "env": body.get("env", {}), "labels": body.get("labels", {}), "public": False,
            "networkBlockAll": bool(body.get("networkBlockAll")), "kvm": False, "target": "local",
            "cpu": body.get("cpu") or 1, "gpu": 0, "memory": body.get("memory") or 1, "disk": 1,
            "state": "started", "toolboxProxyUrl": f"{state.base_url}/toolbox",
        }  # fmt: skip
        state.sandboxes[sid] = Sandbox(dto, container)
        return JSONResponse(dto)

    async def get_sandbox(request: Request) -> Response:
        box = sandbox_or_none(request)
        return JSONResponse(box.dto) if box else error(404, "Sandbox not found")

    async def delete_sandbox(request: Request) -> Response:
        box = state.sandboxes.pop(request.path_params["sid"], None)
        if box is None:
            return error(404, "Sandbox not found")
        await asyncio.to_thread(box.container.remove, force=True)
        return JSONResponse({**box.dto, "state": "destroyed"})

    async def toolbox_url(request: Request) -> Response:
        return JSONResponse({"url": f"{state.base_url}/toolbox"})

    async def upload(request: Request) -> Response:
        box = sandbox_or_none(request)
        if box is None:
            return error(404, "Sandbox not found")
        form = await request.form()
        archive = io.BytesIO()
        with tarfile.open(fileobj=archive, mode="w") as tar:
            index = 0
            while f"files[{index}].path" in form:
                data = await form[f"files[{index}].file"].read()  # type: ignore[union-attr]
                info = tarfile.TarInfo(str(form[f"files[{index}].path"]).lstrip("/"))
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
                index += 1
        await asyncio.to_thread(box.container.put_archive, "/", archive.getvalue())
        return Response(status_code=200)

    async def download(request: Request) -> Response:
        box = sandbox_or_none(request)
        if box is None:
            return error(404, "Sandbox not found")
        boundary = uuid.uuid4().hex
        body = bytearray()
        for path in (await request.json())["paths"]:
            stream, _ = await asyncio.to_thread(box.container.get_archive, path)
            with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
                member = tar.getmembers()[0]
                data = tar.extractfile(member).read()  # type: ignore[union-attr]
            body += (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                    f'filename="{path}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                ).encode()
                + data
                + b"\r\n"
            )
        body += f"--{boundary}--\r\n".encode()
        return Response(bytes(body), media_type=f"multipart/form-data; boundary={boundary}")

    async def execute(request: Request) -> Response:
        box = sandbox_or_none(request)
        if box is None:
            return error(404, "Sandbox not found")
        body = await request.json()
        result = await asyncio.to_thread(
            box.container.exec_run,
            ["sh", "-c", body["command"]],
            workdir=body.get("cwd") or None,
            environment=body.get("envs") or None,
        )
        return JSONResponse({"exitCode": result.exit_code, "result": result.output.decode()})

    async def create_session(request: Request) -> Response:
        return Response(status_code=201) if sandbox_or_none(request) else error(404, "no sandbox")

    async def delete_session(request: Request) -> Response:
        return Response(status_code=204)

    def pump(box: Sandbox, command: Command) -> None:
        api = state.client.api
        try:
            exec_id = api.exec_create(box.container.id, ["sh", "-c", command.command])
            for out, err in api.exec_start(exec_id, stream=True, demux=True):
                if out:
                    command.chunks.append(STDOUT_PREFIX + out)
                if err:
                    command.chunks.append(STDERR_PREFIX + err)
            command.exit_code = api.exec_inspect(exec_id)["ExitCode"]
        except docker.errors.APIError:  # the sandbox was deleted under the command
            command.exit_code = None
        finally:
            command.done = True

    async def session_exec(request: Request) -> Response:
        box = sandbox_or_none(request)
        if box is None:
            return error(404, "Sandbox not found")
        body = await request.json()
        if not body.get("runAsync"):
            return error(400, "stand-in: only runAsync session commands are implemented")
        command = Command(uuid.uuid4().hex[:12], body["command"])
        box.commands[command.id] = command
        threading.Thread(target=pump, args=(box, command), daemon=True).start()
        return JSONResponse({"cmdId": command.id}, status_code=202)

    async def get_command(request: Request) -> Response:
        box = sandbox_or_none(request)
        command = box.commands.get(request.path_params["cid"]) if box else None
        if command is None:
            return error(404, "Command not found")
        return JSONResponse(
            {"id": command.id, "command": command.command, "exitCode": command.exit_code}
        )

    async def command_logs(socket: WebSocket) -> None:
        if not authorized(state, socket.headers):
            await socket.close(code=4401)
            return
        box = state.sandboxes.get(socket.path_params["sid"])
        command = box.commands.get(socket.path_params["cid"]) if box else None
        await socket.accept()
        sent = 0
        while command is not None:
            while sent < len(command.chunks):
                await socket.send_bytes(command.chunks[sent])
                sent += 1
            if command.done and sent == len(command.chunks):
                break
            await asyncio.sleep(0.05)
        await socket.close(code=1000)

    async def unknown(request: Request) -> Response:
        print(
            f"daytona stand-in: {request.method} {request.url.path} not implemented",
            file=sys.stderr,
        )
        return error(404, f"stand-in: {request.method} {request.url.path} is not implemented")

    toolbox = "/toolbox/{sid}"
    routes = [
        Route("/api/sandbox", create_sandbox, methods=["POST"]),
        Route("/api/sandbox/{sid}", get_sandbox, methods=["GET"]),
        Route("/api/sandbox/{sid}", delete_sandbox, methods=["DELETE"]),
        Route("/api/sandbox/{sid}/toolbox-proxy-url", toolbox_url, methods=["GET"]),
        Route(f"{toolbox}/files/bulk-upload", upload, methods=["POST"]),
        Route(f"{toolbox}/files/bulk-download", download, methods=["POST"]),
        Route(f"{toolbox}/process/execute", execute, methods=["POST"]),
        Route(f"{toolbox}/process/session", create_session, methods=["POST"]),
        Route(f"{toolbox}/process/session/{{session}}", delete_session, methods=["DELETE"]),
        Route(f"{toolbox}/process/session/{{session}}/exec", session_exec, methods=["POST"]),
        Route(f"{toolbox}/process/session/{{session}}/command/{{cid}}", get_command),
        WebSocketRoute(f"{toolbox}/process/session/{{session}}/command/{{cid}}/logs", command_logs),
        Route("/{path:path}", unknown, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ]
    app = Starlette(routes=routes)

    async def auth(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
            if scope["path"] == "/health":
                await Response("ok")(scope, receive, send)
                return
            if not authorized(state, headers):
                await error(401, "Invalid credentials")(scope, receive, send)
                return
        await app(scope, receive, send)

    return auth  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-key", required=True)
    ns = parser.parse_args()
    state = State(ns.api_key, f"http://127.0.0.1:{ns.port}")
    uvicorn.run(make_app(state), host="127.0.0.1", port=ns.port, log_level="warning")


if __name__ == "__main__":
    main()
