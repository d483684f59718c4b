"""The UI API's one dispatcher: a GET path and its parameters -> a status and a JSON body.

Every host of the front-end calls :func:`dispatch`: the standalone server for ``/api/*`` and
``/card/*`` (server.py), and later the language server for VS Code panels. It knows no HTTP
types, so a route answers the same over both. The routes and the error shapes are those of
docs/ui-api.md; each route is one query-layer call, bounded by the query layer's limits.

Errors: a :class:`~mfstudio.query.errors.QueryError` becomes its kind and status
(``bad_query`` 400, ``not_found`` 404 with ``nearest``, ``datastore_not_found`` 404,
``unavailable`` 422 for a thing that exists but cannot be shown); anything else is
``internal`` 500 with a short message, the traceback going to the log.
"""

from __future__ import annotations

import difflib
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mfstudio.query import api as q
from mfstudio.query.api import QueryBackend
from mfstudio.query.errors import (
    BadQueryError,
    DatastoreNotFoundError,
    NotFoundError,
    QueryError,
)

from .paths import (
    Params,
    check_params,
    decode_segments,
    float_param,
    int_param,
    many_params,
    one_param,
    valid_name,
)

__all__ = [
    "API_PREFIX",
    "CARD_PREFIX",
    "ApiResponse",
    "BackendSource",
    "dispatch",
    "error_body",
    "error_response",
    "foreach_splits_of",
    "resolve_backend",
]

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
CARD_PREFIX = "/card/"
MAX_COMPARED = 8
MAX_SEARCH_CHARS = 200

BackendSource = QueryBackend | Callable[[], QueryBackend]
"""A backend, or a function that opens it (the server finds the datastore on first use,
so it can start before the first run; until then routes answer datastore_not_found)."""

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ApiResponse:
    """``status`` is an HTTP status number (every host reports the same ones); ``body`` is
    the route's JSON or ``{"error": {...}}``. A ``/card/`` answer's body carries the card's
    ``html``, which the standalone server sends as the page itself."""

    status: int
    body: Json = field(default_factory=dict)


def error_body(kind: str, message: str, nearest: Sequence[str] | None = None) -> Json:
    error: Json = {"kind": kind, "message": message}
    if nearest is not None:
        error["nearest"] = list(nearest)
    return {"error": error}


def error_response(err: BaseException) -> ApiResponse:
    """The status and body for ``err`` (see the module docstring)."""
    if isinstance(err, NotFoundError):
        return ApiResponse(404, error_body("not_found", str(err), err.suggestions))
    if isinstance(err, DatastoreNotFoundError):
        return ApiResponse(404, error_body("datastore_not_found", str(err)))
    if isinstance(err, BadQueryError):
        return ApiResponse(400, error_body("bad_query", str(err)))
    if isinstance(err, QueryError):
        return ApiResponse(422, error_body("unavailable", str(err)))
    log.error("UI API request failed", exc_info=err)
    return ApiResponse(
        500, error_body("internal", f"The server failed: {type(err).__name__}. See its log.")
    )


def resolve_backend(source: BackendSource) -> QueryBackend:
    return source() if callable(source) else source


def dispatch(source: BackendSource, path: str, params: Params) -> ApiResponse:
    """Answer ``GET path?params``. ``path`` is still percent-encoded (``/api/run/F/1764``)."""
    try:
        if path.startswith(CARD_PREFIX):
            segments = decode_segments(path, CARD_PREFIX)
            check_params(params, (), "/card/")
            return ApiResponse(200, _card(resolve_backend(source), segments))
        if not path.startswith(API_PREFIX):
            raise BadQueryError(f"{path!r} is not an API path; they start with {API_PREFIX}.")
        segments = decode_segments(path, API_PREFIX)
        route = _ROUTES.get(segments[0])
        if route is None or not route.takes(len(segments) - 1):
            return _unknown_route(path, segments)
        check_params(params, route.params, f"{API_PREFIX}{segments[0]}")
        body = route.answer(resolve_backend(source), segments[1:], params)
        return ApiResponse(200, finite(body))
    except Exception as err:  # every failure becomes an error answer, never a crash
        return error_response(err)


def finite(value: Any) -> Any:
    """``value`` with NaN and infinities as null: JSON has no such numbers, and a metric can
    be NaN (browsers refuse ``NaN`` in JSON)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


# --- routes ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Route:
    """``/api/<name>/<segments...>``: how many pathspec segments it takes, its parameters,
    and the function that answers it (backend, segments, params) -> JSON."""

    usage: str
    segments: tuple[int, ...]
    params: tuple[str, ...]
    answer: Callable[[QueryBackend, list[str], Params], Json]

    def takes(self, count: int) -> bool:
        return count in self.segments


def _flows(backend: QueryBackend, segments: list[str], params: Params) -> Json:
    from mfstudio.query.local.backend import LocalBackend

    root = str(backend.layout.metaflow_dir) if isinstance(backend, LocalBackend) else backend.where
    return {"flows": [{"name": name} for name in backend.list_flows()], "root": root}


def _runs(backend: QueryBackend, segments: list[str], params: Params) -> Json:
    flow = one_param(params, "flow")
    if flow is None:
        raise BadQueryError("/api/runs needs flow=FlowName (e.g. /api/runs?flow=TrainingFlow).")
    search = one_param(params, "q")
    if search is not None and len(search) > MAX_SEARCH_CHARS:
        raise BadQueryError(f"q is {len(search)} characters; search with at most 200.")
    limit = int_param(params, "limit")
    page = q.list_runs(
        valid_name(flow, "flow"),
        status=one_param(params, "status"),  # type: ignore[arg-type]  # RunFilter checks it
        since=float_param(params, "since"),
        until=float_param(params, "until"),
        tags=many_params(params, "tag"),
        user=one_param(params, "user"),
        q=search,
        limit=q.Limits.runs_page if limit is None else limit,
        cursor=one_param(params, "cursor"),
        backend=backend,
    )
    return page.to_json()


def _run(backend: QueryBackend, segments: list[str], params: Params) -> Json:
    run = "/".join(segments[:2])
    view = segments[2] if len(segments) == 3 else None
    if view is None:
        return q.run_summary(run, backend=backend).to_json()
    if view == "graph":
        return q.run_graph(run, backend=backend)
    if view == "state":
        return run_state_json(backend, run)
    if view == "timeline":
        return q.timeline(run, backend=backend).to_json()
    if view == "failures":
        limit = int_param(params, "limit")
        return q.failures(
            run, limit=q.Limits.failures if limit is None else limit, backend=backend
        ).to_json()
    raise NotFoundError(
        "view", f"/api/run/{run}/{view}", "the UI API", [f"/api/run/{run}/{v}" for v in _VIEWS]
    )


_VIEWS = ("graph", "state", "timeline", "failures")


def run_state_json(backend: QueryBackend, run: str) -> Json:
    """``RunState`` with foreach sizes (see launch/run_state.py): the files say how each
    step stands; the run's graph says which steps are foreach bodies."""
    from mfstudio.launch.run_state import RunWatch, run_state

    watch = RunWatch(backend, run=run, splits=foreach_splits_of(backend, run))
    state = watch.poll()
    if state is None:  # the watch swallows query errors: read again for the precise one
        return run_state(q.run_summary(run, backend=backend))
    return state


def foreach_splits_of(backend: QueryBackend, run: str) -> dict[str, str]:
    """Foreach body step -> its split step, from the graph the run saved; empty while the
    run has not saved it yet (its start step still runs) or when it cannot be read."""
    try:
        graph = q.run_graph(run, backend=backend)
    except QueryError:
        return {}
    steps = graph.get("steps")
    if not isinstance(steps, dict):
        return {}
    splits: dict[str, str] = {}
    for name, step in steps.items():
        nxt = step.get("next") if isinstance(step, dict) else None
        if step.get("type") == "split-foreach" and isinstance(nxt, list) and len(nxt) == 1:
            splits[str(nxt[0])] = str(name)
    return splits


def _tasks(backend: QueryBackend, segments: list[str], params: Params) -> Json:
    limit = int_param(params, "limit")
    step = "/".join(segments)
    return q.tasks(
        step, limit=q.Limits.tasks_page if limit is None else limit, backend=backend
    ).to_json()


def _logs(backend: QueryBackend, segments: list[str], params: Params) -> Json:
    stream = one_param(params, "stream") or "stdout"
    if stream not in ("stdout", "stderr"):
        raise BadQueryError(f"stream must be stdout or stderr, got {stream!r}.")
    excerpt = q.logs(
        "/".join(segments),
        stream,  # type: ignore[arg-type]  # checked just above
        tail=int_param(params, "tail"),
        attempt=int_param(params, "attempt"),
        backend=backend,
    )
    return excerpt.to_json()


def _artifacts(backend: QueryBackend, segments: list[str], params: Params) -> Json:
    return q.artifacts("/".join(segments), backend=backend).to_json()


def _artifact(backend: QueryBackend, segments: list[str], params: Params) -> Json:
    return q.artifact_value("/".join(segments[:4]), segments[4], backend=backend).to_json()


def _cards(backend: QueryBackend, segments: list[str], params: Params) -> Json:
    return q.cards("/".join(segments), include_html=False, backend=backend).to_json()


def _card(backend: QueryBackend, segments: list[str]) -> Json:
    """One card with its HTML, found by hash among the task's cards."""
    if len(segments) != 5:
        raise BadQueryError("A card's path is /card/Flow/run_id/step/task_id/HASH.")
    task, wanted = "/".join(segments[:4]), segments[4]
    found = q.cards(task, include_html=True, backend=backend)
    for card in found.cards:
        if card.hash == wanted:
            if card.html is None:
                reasons = "; ".join(p.message for p in found.problems) or "it is too large"
                raise QueryError(f"The card {wanted} of {task} cannot be shown: {reasons}.")
            return card.to_json()
    raise NotFoundError(
        "card", f"{task}/{wanted}", backend.where, [f"{task}/{c.hash}" for c in found.cards]
    )


def _compare(backend: QueryBackend, segments: list[str], params: Params) -> Json:
    text = one_param(params, "runs")
    if text is None:
        raise BadQueryError("/api/compare needs runs=Flow/1,Flow/2 (2 to 8 runs of one flow).")
    runs = [part.strip() for part in text.split(",") if part.strip()]
    if not 2 <= len(runs) <= MAX_COMPARED:
        raise BadQueryError(f"Compare 2 to {MAX_COMPARED} runs; runs= names {len(runs)}.")
    for run in runs:
        parts = run.split("/")
        if len(parts) != 2:
            raise BadQueryError(f"{run!r} in runs= is not a run pathspec (Flow/run_id).")
        for part in parts:
            valid_name(part, f"{run!r} in runs=")
    return q.compare_runs(runs, backend=backend).to_json()


def _lineage(backend: QueryBackend, segments: list[str], params: Params) -> Json:
    return q.lineage("/".join(segments[:2]), segments[2], backend=backend).to_json()


_ROUTES: dict[str, _Route] = {
    "flows": _Route("/api/flows", (0,), (), _flows),
    "runs": _Route(
        "/api/runs?flow=F",
        (0,),
        ("flow", "status", "tag", "user", "since", "until", "q", "limit", "cursor"),
        _runs,
    ),
    "run": _Route("/api/run/F/R[/graph|state|timeline|failures]", (2, 3), ("limit",), _run),
    "tasks": _Route("/api/tasks/F/R/S", (3,), ("limit",), _tasks),
    "logs": _Route("/api/logs/F/R/S/T?stream=stdout", (4,), ("stream", "tail", "attempt"), _logs),
    "artifacts": _Route("/api/artifacts/F/R/S/T", (4,), (), _artifacts),
    "artifact": _Route("/api/artifact/F/R/S/T/NAME", (5,), (), _artifact),
    "cards": _Route("/api/cards/F/R/S/T", (4,), (), _cards),
    "compare": _Route("/api/compare?runs=F/R1,F/R2", (0,), ("runs",), _compare),
    "lineage": _Route("/api/lineage/F/R/NAME", (3,), (), _lineage),
}


def _unknown_route(path: str, segments: list[str]) -> ApiResponse:
    route = _ROUTES.get(segments[0])
    if route is not None:
        message = f"{path!r} has the wrong number of parts; the route is {route.usage}."
        return ApiResponse(400, error_body("bad_query", message))
    usages = [r.usage for r in _ROUTES.values()]
    nearest = difflib.get_close_matches(segments[0], list(_ROUTES), n=3)
    message = f"No API route {path!r}. Routes: " + ", ".join(usages) + "."
    return ApiResponse(404, error_body("not_found", message, [_ROUTES[n].usage for n in nearest]))
