"""The graph a run ran, from its ``_graph_info`` artifact (not from today's source).

Metaflow pickles its graph as plain builtins (``file``, ``doc``, ``steps`` with type, next,
line, doc, decorators..., ``graph_structure``, ``parameters``, flow ``decorators``) into
``_graph_info`` of the ``_parameters`` task, written before ``start`` runs, so a running
run has it too; ``start`` and every later task carry the same blob. It is loaded with the
builtin-only unpickler (:mod:`.unpickle`), so reading it runs no code.

Cost: one stat and one ``0.data.json`` read of the ``_parameters`` task (a listing more if
it was retried), one read of the blob (at most :data:`GRAPH_INFO_BYTES`); when that task
lacks it, the same for the ``start`` task plus a listing of ``start/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import NotFoundError
from ..model import Problem
from .artifacts import read_task_data
from .layout import PARAMETERS_STEP, LocalLayout
from .reader import Reader
from .resolve import require
from .run_tasks import task_ids
from .unpickle import UnsafePickleError, load_builtin, read_blob

__all__ = [
    "GRAPH_INFO_BYTES",
    "GraphInfo",
    "flow_graph_json",
    "read_graph_info",
    "require_graph_info",
    "run_graph",
]

GRAPH_INFO_BYTES = 4_000_000  # ~300 bytes pickled per step (the demo's 8 steps: 2.6 kB)
_START = "start"
_ZERO_RANGE = {"line": 0, "column": 0, "end_line": 0, "end_column": 0}
_KINDS = {"Config": "config", "IncludeFile": "include_file"}


class GraphInfo:
    """The run's ``_graph_info`` with the derived facts insight queries need."""

    __slots__ = ("info", "parents", "steps")

    def __init__(self, info: dict[str, Any]) -> None:
        self.info = info
        raw = info.get("steps")
        raw_steps: dict[str, Any] = raw if isinstance(raw, dict) else {}
        # Metaflow orders steps along the graph; the source analysis (and so the DAG
        # view) lists them in source order: by their def line.
        self.steps: dict[str, dict[str, Any]] = dict(
            sorted(
                ((str(k), v) for k, v in raw_steps.items() if isinstance(v, dict)),
                key=lambda kv: (_int(kv[1].get("line")), kv[0]),
            )
        )
        self.parents: dict[str, list[str]] = {name: [] for name in self.steps}
        for name, step in self.steps.items():
            for target in _strings(step.get("next")):
                self.parents.setdefault(target, []).append(name)

    @property
    def file(self) -> str:
        return str(self.info.get("file") or "")

    def parameter_names(self) -> list[str]:
        params = self.info.get("parameters")
        if not isinstance(params, list):
            return []
        return [str(p["name"]) for p in params if isinstance(p, dict) and "name" in p]

    def foreach_body(self) -> set[str]:
        """Steps inside a foreach or parallel split (between the split and its join): they
        run one task per item."""
        inside: set[str] = set()
        for step in self.steps.values():
            if step.get("type") not in ("split-foreach", "split-parallel"):
                continue
            join = step.get("matching_join")
            todo = list(_strings(step.get("next")))
            while todo:
                name = todo.pop()
                if name == join or name in inside:
                    continue
                inside.add(name)
                todo.extend(_strings(self.steps.get(name, {}).get("next")))
        return inside


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def read_graph_info(
    reader: Reader, layout: LocalLayout, flow: str, run_id: str, problems: list[Problem]
) -> GraphInfo | None:
    """The run's graph, or ``None`` (with a :class:`Problem`) when no task saved a
    readable one yet."""
    run_dir = layout.run_dir(flow, run_id)
    for step_name, task_id in _graph_tasks(reader, run_dir):
        pathspec = f"{flow}/{run_id}/{step_name}/{task_id}"
        data, problem = read_task_data(reader, run_dir / step_name / task_id, pathspec)
        if problem is not None:
            problems.append(problem)
        sha = data.objects.get("_graph_info") if data is not None else None
        if not sha:
            continue
        try:
            value = load_builtin(read_blob(reader, layout, flow, str(sha), GRAPH_INFO_BYTES))
        except (ValueError, UnsafePickleError) as err:
            problems.append(Problem(pathspec, f"cannot read _graph_info: {err}"))
            continue
        if isinstance(value, dict):
            return GraphInfo(value)
        problems.append(Problem(pathspec, "_graph_info is not a dict; skipped"))
    problems.append(
        Problem(
            f"{flow}/{run_id}",
            "no task of the run saved its graph (_graph_info) yet; the run may be starting",
        )
    )
    return None


def _graph_tasks(reader: Reader, run_dir: Path) -> Iterator[tuple[str, str]]:
    """Where ``_graph_info`` is found: the ``_parameters`` task, else the first ``start``
    task (listed only when needed)."""
    yield PARAMETERS_STEP, "0"
    for task_id in task_ids(reader, run_dir / _START)[:1]:
        yield _START, task_id


def require_graph_info(
    reader: Reader, layout: LocalLayout, flow: str, run_id: str, problems: list[Problem]
) -> GraphInfo:
    """:func:`read_graph_info`, raising :class:`NotFoundError` when there is none."""
    graph = read_graph_info(reader, layout, flow, run_id, problems)
    if graph is None:
        where = f"the local datastore {layout.metaflow_dir} ({problems[-1].message})"
        raise NotFoundError("graph", f"{flow}/{run_id}", where, [])
    return graph


def run_graph(reader: Reader, layout: LocalLayout, run: str) -> dict[str, Any]:
    """The FlowGraph JSON (media/src/protocol.ts) of the graph ``run`` ran."""
    spec = require(reader, layout, run, "run")
    assert spec.run_id is not None
    graph = require_graph_info(reader, layout, spec.flow, spec.run_id, [])
    return flow_graph_json(spec.flow, graph)


def flow_graph_json(flow: str, graph: GraphInfo) -> dict[str, Any]:
    """``_graph_info`` in the vocabulary of ``FileAnalysis.to_json``: the same step fields,
    zero source ranges (the run's source may have changed since), no diagnostics."""
    info = graph.info
    file = graph.file
    steps = {
        name: _step_json(step, graph.parents.get(name, []), file)
        for name, step in graph.steps.items()
    }
    params = info.get("parameters")
    return {
        "flow": flow,
        "flow_doc": str(info.get("doc") or ""),
        "file": file,
        "flows": [flow],
        "steps": steps,
        "graph_structure": info.get("graph_structure") or [],
        "parameters": [_parameter_json(p) for p in params if isinstance(p, dict)]
        if isinstance(params, list)
        else [],
        "flow_decorators": _decorators_json(info.get("decorators")),
        "diagnostics": [],
    }


def _step_json(step: dict[str, Any], in_funcs: list[str], file: str) -> dict[str, Any]:
    source = step.get("source_file")
    # Like the analyser: only a step defined in another file names its file.
    other_file = isinstance(source, str) and file and not source.endswith("/" + file)
    return {
        "type": step.get("type"),
        "next": _strings(step.get("next")),
        "foreach_artifact": step.get("foreach_artifact"),
        "num_parallel": step.get("num_parallel"),
        "matching_join": step.get("matching_join"),
        "condition": step.get("condition"),
        "switch_cases": step.get("switch_cases"),
        "decorators": _decorators_json(step.get("decorators")),
        "line": _int(step.get("line")),
        "doc": str(step.get("doc") or ""),
        "range": dict(_ZERO_RANGE),
        "name_range": dict(_ZERO_RANGE),
        "in_funcs": list(in_funcs),
        "source_file": source if other_file else None,
    }


def _decorators_json(value: object) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    return [
        {
            "name": str(d.get("name")),
            "attributes": d.get("attributes") if isinstance(d.get("attributes"), dict) else {},
            "range": dict(_ZERO_RANGE),
        }
        for d in value
        if isinstance(d, dict)
    ]


def _parameter_json(param: dict[str, Any]) -> dict[str, Any]:
    """Metaflow records only the name and class of each parameter; the rest is unknown."""
    name = str(param.get("name"))
    return {
        "name": name,
        "attribute": name,
        "kind": _KINDS.get(str(param.get("type")), "parameter"),
        "type": None,
        "default": None,
        "default_is_literal": True,
        "help": None,
        "required": False,
        "range": dict(_ZERO_RANGE),
    }
