"""``metaflow/listFlows``, ``listRuns``, ``runSummary``, ``tasks``, ``failures``, ``logs``,
``artifacts``, ``artifactValue``, ``cards`` and ``latestCards``: thin adapters over
:mod:`mfstudio.query`.

Params are the query function's keyword arguments (validated here, so a wrong type gets
an error naming the parameter) plus ``root``: the folder holding ``.metaflow``. Without
it, the first datastore found among the ``metaflow.datastoreRoot`` setting and the
workspace folders is used. Results are the query result's ``to_json()``. Query errors
become error responses carrying the query's own message (what, where, what to do).

Queries read files, and a large step or a cold disk can take a while: they run in a small
thread pool, never on the event loop, so typing (diagnostics, completion) stays responsive.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from mfstudio import query
from mfstudio.query import QueryBackend
from mfstudio.query.errors import BadQueryError, NotFoundError, QueryError
from mfstudio.query.model import CardList, Cost, RunStatus

from .errors import InvalidParamsError, QueryFailedError
from .protocol import (
    ARTIFACT_VALUE,
    ARTIFACTS,
    CARDS,
    FAILURES,
    LATEST_CARDS,
    LIST_FLOWS,
    LIST_RUNS,
    LOGS,
    RUN_SUMMARY,
    TASKS,
)

T = TypeVar("T")

__all__ = ["LATEST_CARD_RUNS", "Params", "RunQueries", "datastore_roots", "latest_cards"]

DATASTORE_DIR = ".metaflow"
LATEST_CARD_RUNS = 10
"""Newest runs ``metaflow/latestCards`` looks through for a task of the step with a card."""
_LATEST_CARD_TASKS = 20


class Params:
    """Typed access to a request's params; every key read is checked, and keys nobody reads
    are an error (a misspelt ``limt`` must not silently give the default)."""

    def __init__(self, method: str, payload: object) -> None:
        if payload is None:
            payload = {}
        if not isinstance(payload, dict):
            raise InvalidParamsError(f"{method}: params must be an object, got {payload!r}.")
        self.method = method
        self.payload: dict[str, Any] = payload
        self.read: set[str] = set()

    def _get(self, key: str, kinds: tuple[type, ...], what: str, required: bool) -> Any:
        self.read.add(key)
        value = self.payload.get(key)
        if value is None:
            if required:
                raise InvalidParamsError(f"{self.method}: {key!r} is required ({what}).")
            return None
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            raise InvalidParamsError(f"{self.method}: {key!r} must be {what}, got {value!r}.")
        return value

    def text(self, key: str, required: bool = False) -> Any:
        return self._get(key, (str,), "a string", required)

    def whole(self, key: str) -> Any:
        return self._get(key, (int,), "a whole number", False)

    def number(self, key: str) -> float | None:
        value = self._get(key, (int, float), "a number (epoch seconds)", False)
        return None if value is None else float(value)

    def flag(self, key: str) -> Any:
        return self._get(key, (bool,), "true or false", False)

    def mapping(self, key: str, what: str, required: bool = False) -> dict[str, Any]:
        return dict(self._get(key, (dict,), what, required) or {})

    def texts(self, key: str) -> list[str]:
        value = self._get(key, (list,), "a list of strings", False) or []
        if not all(isinstance(v, str) for v in value):
            raise InvalidParamsError(f"{self.method}: {key!r} must be a list of strings.")
        return list(value)

    def finish(self) -> None:
        unknown = sorted(set(self.payload) - self.read)
        if unknown:
            raise InvalidParamsError(
                f"{self.method}: unknown parameter(s) {', '.join(unknown)}; expected "
                f"{', '.join(sorted(self.read))}."
            )


def _options(p: Params, **readers: Callable[[str], Any]) -> dict[str, Any]:
    """Keyword arguments for a query function: only the params that were given, so the
    function's own defaults apply to the others."""
    values = {key: read(key) for key, read in readers.items()}
    return {k: v for k, v in values.items() if v is not None}


def _list_runs(p: Params, b: QueryBackend) -> Any:
    flow = p.text("flow", required=True)
    status: RunStatus | None = p.text("status")
    tags = p.texts("tags")
    opts = _options(p, since=p.number, until=p.number, user=p.text, limit=p.whole, cursor=p.text)
    p.finish()
    return query.list_runs(flow, status=status, tags=tags, backend=b, **opts)


def _run_summary(p: Params, b: QueryBackend) -> Any:
    run = p.text("run", required=True)
    p.finish()
    return query.run_summary(run, backend=b)


def _tasks(p: Params, b: QueryBackend) -> Any:
    step = p.text("step", required=True)
    opts = _options(p, limit=p.whole)
    p.finish()
    return query.tasks(step, backend=b, **opts)


def _failures(p: Params, b: QueryBackend) -> Any:
    run = p.text("run", required=True)
    opts = _options(p, limit=p.whole, stderr_lines=p.whole)
    p.finish()
    return query.failures(run, backend=b, **opts)


def _logs(p: Params, b: QueryBackend) -> Any:
    task = p.text("task", required=True)
    opts = _options(
        p,
        stream=p.text,
        tail=p.whole,
        head=p.whole,
        grep=p.text,
        max_bytes=p.whole,
        attempt=p.whole,
    )
    p.finish()
    return query.logs(task, backend=b, **opts)


def _artifacts(p: Params, b: QueryBackend) -> Any:
    scope = p.text("scope", required=True)
    opts = _options(
        p,
        name=p.text,
        type=p.text,
        min_size=p.whole,
        max_size=p.whole,
        limit=p.whole,
        include_private=p.flag,
    )
    p.finish()
    return query.artifacts(scope, backend=b, **opts)


def _artifact_value(p: Params, b: QueryBackend) -> Any:
    task = p.text("task", required=True)
    name = p.text("name", required=True)
    opts = _options(p, max_bytes=p.whole)
    p.finish()
    return query.artifact_value(task, name, backend=b, **opts)


def _cards(p: Params, b: QueryBackend) -> Any:
    task = p.text("task", required=True)
    opts = _options(p, include_html=p.flag, max_bytes=p.whole)
    p.finish()
    return query.cards(task, backend=b, **opts)


def _latest_cards(p: Params, b: QueryBackend) -> Any:
    flow = p.text("flow", required=True)
    step = p.text("step", required=True)
    p.finish()
    return latest_cards(flow, step, b)


_QUERIES: dict[str, Callable[[Params, QueryBackend], Any]] = {
    LIST_RUNS: _list_runs,
    RUN_SUMMARY: _run_summary,
    TASKS: _tasks,
    FAILURES: _failures,
    LOGS: _logs,
    ARTIFACTS: _artifacts,
    ARTIFACT_VALUE: _artifact_value,
    CARDS: _cards,
    LATEST_CARDS: _latest_cards,
}


def latest_cards(
    flow: str, step: str, backend: QueryBackend, runs: int = LATEST_CARD_RUNS
) -> CardList:
    """The cards of the newest task of ``flow``'s ``step`` that has any, looking through
    the ``runs`` newest runs (newest first; a run that never reached the step is skipped).
    The result's cost is the whole search's."""
    spent = Cost()
    page = query.list_runs(flow, limit=runs, backend=backend)
    spent.add(page.cost)
    for run in page.runs:
        try:
            listing = query.tasks(f"{run.pathspec}/{step}", backend=backend)
        except NotFoundError:
            continue
        spent.add(listing.cost)
        newest = sorted(listing.tasks, key=lambda t: t.finished_at or 0.0, reverse=True)
        for task in newest[:_LATEST_CARD_TASKS]:
            found = query.cards(task.pathspec, backend=backend)
            spent.add(found.cost)
            if found.cards:
                found.cost = spent
                return found
    raise QueryFailedError(
        f"No card for {flow}.{step} yet: none of the {len(page.runs)} newest run(s) in "
        f"{backend.where} has one for that step. Run the flow (the step needs @card), "
        "then try again."
    )


def datastore_roots(candidates: Sequence[str]) -> list[str]:
    """The candidates that hold a ``.metaflow`` folder (or are one), first seen first."""
    found: list[str] = []
    for candidate in candidates:
        path = Path(candidate).expanduser()
        if path.name == DATASTORE_DIR and path.is_dir():
            path = path.parent
        elif not (path / DATASTORE_DIR).is_dir():
            continue
        resolved = str(path.resolve())
        if resolved not in found:
            found.append(resolved)
    return found


class RunQueries:
    """Answers the run requests in a thread pool; one backend per datastore root, kept."""

    def __init__(self, max_workers: int = 2) -> None:
        self._executor = ThreadPoolExecutor(max_workers, thread_name_prefix="mfstudio-query")
        self._backends: dict[str, QueryBackend] = {}

    async def answer(self, method: str, payload: object, candidates: Sequence[str]) -> Any:
        """``candidates``: the folders that may hold a datastore, in order of preference
        (read on the event loop from the server's state; checked here in a worker)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, self._answer_now, method, payload, list(candidates)
        )

    def _answer_now(self, method: str, payload: object, candidates: list[str]) -> Any:
        params = Params(method, payload)
        try:
            if method == LIST_FLOWS:
                params.finish()
                return self._list_flows(candidates)
            root = params.text("root")
            backend = self._backend(root, candidates)
            return _QUERIES[method](params, backend).to_json()
        except BadQueryError as error:
            raise InvalidParamsError(f"{method}: {error}") from error
        except QueryError as error:
            raise QueryFailedError(str(error)) from error
        except NotImplementedError as error:
            raise QueryFailedError(
                f"{method} is not available in this version of the Metaflow Studio server."
            ) from error

    def _list_flows(self, candidates: list[str]) -> dict[str, Any]:
        datastores: list[dict[str, Any]] = []
        for root in datastore_roots(candidates):
            entry: dict[str, Any] = {"root": root, "flows": [], "error": None}
            try:
                entry["flows"] = self._backend(root, candidates).list_flows()
            except QueryError as error:
                entry["error"] = str(error)
            except NotImplementedError:
                entry["error"] = "Listing flows is not available in this server version."
            datastores.append(entry)
        return {"datastores": datastores}

    def backend(self, root: str | None, candidates: Sequence[str]) -> QueryBackend:
        """The kept backend of ``root``, else of the first datastore among ``candidates``
        (raises QueryFailedError saying where none was found). Blocking: call it in
        :meth:`run`."""
        return self._backend(root, list(candidates))

    def _backend(self, root: str | None, candidates: list[str]) -> QueryBackend:
        if root is None:
            roots = datastore_roots(candidates)
            if not roots:
                where = ", ".join(candidates) or "no workspace folder"
                raise QueryFailedError(
                    f"No Metaflow datastore (a {DATASTORE_DIR} folder) in {where}. Run a "
                    "flow there first, or set metaflow.datastoreRoot to the folder that "
                    "holds .metaflow."
                )
            root = roots[0]
        key = os.path.normpath(root)
        backend = self._backends.get(key)
        if backend is None:
            backend = self._backends[key] = query.open_backend(root)
        return backend

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """Any other blocking work (a workspace scan) in the same pool."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, work, *args)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
