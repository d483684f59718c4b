"""The requests of "Deploy as function": ``metaflow/functions``, ``functionTasks``,
``deployFunction``, ``functionRequest``, ``stopFunction`` and the ``metaflow/functionProgress``
notification; thin adapters over :mod:`mfstudio.functions_deploy` (docs/functions.md,
"Deploy from VS Code").

- Functions come from the AST of the open document's text or the file on disk (the
  workspace scan is flow_finder's: hidden folders, virtual environments, ``node_modules``
  skipped, at most ``MAX_FILES`` files, a text match before parsing).
- Tasks and deployments use the datastore nearest the function's file (the same choice for
  both, so a task the list offers is one the deployment can read).
- A deployment is its own process; its events are relayed from its reader thread to the
  event loop and sent as notifications. Requests and stops block on that process, so they
  run in a small pool of their own, never in the run queries' pool or on the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pygls.uris import to_fs_path

from mfstudio.functions_deploy import (
    TARGETS,
    DeployConfig,
    Deployments,
    FoundFunction,
    UnknownDeploymentError,
    candidate_tasks,
    find_functions,
)

from .errors import InvalidParamsError, QueryFailedError
from .features import AnswersErrors, RequestHandler, register_requests
from .flow_finder import _python_files
from .language_server import MetaflowLanguageServer
from .protocol import (
    DEPLOY_FUNCTION,
    FUNCTION_PROGRESS,
    FUNCTION_REQUEST,
    FUNCTION_TASKS,
    LIST_FUNCTIONS,
    STOP_FUNCTION,
)
from .runs import Params, RunQueries, datastore_roots

__all__ = ["FunctionRequests", "register"]

Json = dict[str, Any]
Candidates = Callable[[MetaflowLanguageServer], list[str]]
_OPTION_KINDS: dict[str, type | tuple[type, ...]] = {
    "port": int,
    "route": str,
    "input_file": str,
    "output_file": str,
    "timeout_s": (int, float),
}


class FunctionRequests:
    """The five requests; the deployments started here are stopped on shutdown."""

    def __init__(
        self, server: MetaflowLanguageServer, queries: RunQueries, candidates: Candidates
    ) -> None:
        self.server = server
        self.queries = queries
        self.candidates = candidates
        self.deployments = Deployments(self._relay)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._blocking = ThreadPoolExecutor(4, thread_name_prefix="mfstudio-deploy")

    # -- requests ------------------------------------------------------------------------

    async def functions(self, payload: object, method: str) -> Json:
        p = Params(method, payload)
        uri = p.text("uri")
        p.finish()
        workspaces = self._workspaces()
        files = [self._path(uri, method)] if uri else None
        found = await self.queries.run(_find, files, workspaces, self._texts())
        return {"functions": [f.to_json() for f in found]}

    async def tasks(self, payload: object, method: str) -> Json:
        p = Params(method, payload)
        uri, name = p.text("uri", required=True), p.text("function", required=True)
        p.finish()
        function = await self._function(uri, name, method)
        root = self._datastore(function.path, method)
        backend = await self.queries.run(self.queries.backend, root, [])
        found = await self.queries.run(candidate_tasks, function.definition.reads, backend)
        return found.to_json()

    async def deploy(self, payload: object, method: str) -> Json:
        p = Params(method, payload)
        uri, name = p.text("uri", required=True), p.text("function", required=True)
        task, target = p.text("task", required=True), p.text("target", required=True)
        options = p.mapping("options", "an object of DeployOptions")
        p.finish()
        if target not in TARGETS:
            raise InvalidParamsError(f"{method}: target must be one of {', '.join(TARGETS)}.")
        for key, value in options.items():
            expected = _OPTION_KINDS.get(key)
            if expected is None or (value is not None and not isinstance(value, expected)):
                raise InvalidParamsError(
                    f"{method}: options.{key}: expected one of "
                    f"{', '.join(f'{k} ({_kind_name(t)})' for k, t in _OPTION_KINDS.items())}."
                )
        try:
            function = await self._function(uri, name, method)
            root = self._datastore(function.path, method)
        except QueryFailedError as error:
            kind: str = "no_datastore" if "datastore" in error.message else "not_found"
            return {"error": {"kind": kind, "message": error.message}}
        self._loop = asyncio.get_running_loop()
        config = DeployConfig(
            workspace=str(function.workspace),
            module=function.module,
            function=function.name,
            task=task,
            root=root,
            target=target,
            artifacts=function.definition.reads,
            options={k: v for k, v in options.items() if v is not None},
        )
        return {"deployment_id": self.deployments.deploy(config)}

    async def request(self, payload: object, method: str) -> Json:
        p = Params(method, payload)
        deployment_id = p.text("deployment_id", required=True)
        p.read.add("body")
        body = p.payload.get("body")
        p.finish()
        answer: Json = await self._off_loop(self.deployments.request, deployment_id, body)
        return answer

    async def stop(self, payload: object, method: str) -> Json:
        p = Params(method, payload)
        deployment_id = p.text("deployment_id", required=True)
        p.finish()
        return {"stopped": await self._off_loop(self.deployments.stop, deployment_id)}

    def close(self) -> None:
        """Server shutdown: stop every deployment (their processes would outlive us)."""
        self.deployments.stop_all()
        self._blocking.shutdown(wait=False, cancel_futures=True)

    # -- helpers -------------------------------------------------------------------------

    async def _off_loop(self, work: Callable[..., Any], *args: Any) -> Any:
        try:
            return await asyncio.get_running_loop().run_in_executor(self._blocking, work, *args)
        except UnknownDeploymentError as error:
            raise InvalidParamsError(error.message) from error

    def _relay(self, deployment_id: str, event: Json) -> None:
        """From a deployment's reader thread: the notification goes out on the event loop."""
        if self._loop is not None and not self._loop.is_closed():
            params = {"deployment_id": deployment_id, **event}
            self._loop.call_soon_threadsafe(self.server.protocol.notify, FUNCTION_PROGRESS, params)

    def _workspaces(self) -> list[Path]:
        return [Path(root) for root in self.server.workspace_roots()]

    def _texts(self) -> dict[Path, str]:
        """The editor's text of open documents (unsaved changes included), read on the
        event loop, which owns them."""
        return {Path(d.path): d.text for d in self.server.documents.values()}

    async def _function(self, uri: str, name: str, method: str) -> FoundFunction:
        path = self._path(uri, method)
        found = await self.queries.run(_find, [path], self._workspaces(), self._texts())
        for function in found:
            if function.name == name:
                return function
        names = ", ".join(f.name for f in found) or "none"
        raise QueryFailedError(
            f"{method}: {path} has no @json_function {name!r} (it has: {names}); save the file?"
        )

    @staticmethod
    def _path(uri: str, method: str) -> Path:
        path = to_fs_path(uri)
        if path is None:
            raise InvalidParamsError(f"{method}: {uri} is not a file: URI.")
        return Path(path)

    def _datastore(self, path: Path, method: str) -> str:
        """The datastore folder nearest ``path`` (one holding it), else the first one."""
        roots = datastore_roots(self.candidates(self.server))
        holding = [r for r in roots if path.resolve().is_relative_to(r)]
        if holding:
            return max(holding, key=len)
        if roots:
            return roots[0]
        raise QueryFailedError(
            f"{method}: no Metaflow datastore (a .metaflow folder) in the workspace yet: run "
            "the flow that trains the model first, or set metaflow.datastoreRoot."
        )


def _find(
    files: list[Path] | None, workspaces: list[Path], texts: dict[Path, str]
) -> list[FoundFunction]:
    """The functions of ``files``, or of every workspace file (blocking: in the pool)."""
    roots = [str(w) for w in workspaces]
    return list(find_functions(files or _python_files(roots), workspaces, texts))


def register(
    server: MetaflowLanguageServer,
    queries: RunQueries,
    candidates: Candidates,
    answers_errors: AnswersErrors,
) -> FunctionRequests:
    """Registers the requests on ``server``; call ``close()`` on shutdown."""
    requests = FunctionRequests(server, queries, candidates)
    handlers: dict[str, RequestHandler] = {
        LIST_FUNCTIONS: requests.functions,
        FUNCTION_TASKS: requests.tasks,
        DEPLOY_FUNCTION: requests.deploy,
        FUNCTION_REQUEST: requests.request,
        STOP_FUNCTION: requests.stop,
    }
    register_requests(server, handlers, answers_errors)
    return requests


def _kind_name(kind: type | tuple[type, ...]) -> str:
    return "number" if isinstance(kind, tuple) else kind.__name__
