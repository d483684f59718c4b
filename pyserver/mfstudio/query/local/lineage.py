"""Where an artifact of a run came from and where it went: along the DAG and across
``resume``.

A step *produced* the artifact when its sha appears or changes there compared with its
DAG parents (:mod:`.step_data`); it *read* it when its body reads it (:mod:`.source_reads`,
or it is the step's ``foreach``/switch ``condition`` artifact); it *passed* it when it only
carried it on. Steps cloned by ``resume`` (their task's ``_meta`` names an
``origin-task-id``) that produced it link to the same step of the origin run (role
``origin``), followed through chains of resumes.

Cost: the run's graph (:mod:`.graph`); the run's tasks (:mod:`.run_tasks`) and one stat
and ``N.data.json`` read per task; the flow source (:mod:`.source_reads`); per cloned
producer, a listing of its first task's ``_meta``, the origin id (two listings and a
small read) and the origin step's tasks' ``N.data.json`` files, for at most
:data:`MAX_RESUME_HOPS` origins.
"""

from __future__ import annotations

import difflib
import re

from ..api import Limits
from ..errors import BadQueryError, NotFoundError
from ..model import Lineage, LineageEdge, LineageNode, LineageRole, Problem
from .graph import GraphInfo, require_graph_info
from .layout import LocalLayout
from .reader import Reader
from .resolve import require
from .run_info import read_origin_run_id
from .run_tasks import iter_tasks, task_ids
from .source_reads import find_flow_source, step_reads
from .step_data import StepArtifacts, produced_steps, read_step_artifacts, read_tables

__all__ = ["MAX_RESUME_HOPS", "lineage"]

MAX_RESUME_HOPS = 10
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CLONED = re.compile(r"^sysmeta_origin-task-id_\d+\.json$")


def lineage(reader: Reader, layout: LocalLayout, run: str, artifact: str) -> Lineage:
    if not _NAME.match(artifact):
        raise BadQueryError(
            f"{artifact!r} is not an artifact name; artifact names are Python identifiers "
            "(mfstudio artifacts RUN lists them)."
        )
    spec = require(reader, layout, run, "run")
    assert spec.run_id is not None
    flow, run_id, pathspec = spec.flow, spec.run_id, str(spec)
    problems: list[Problem] = []
    graph = require_graph_info(reader, layout, flow, run_id, problems)
    tasks = iter_tasks(reader, layout, flow, run_id, Limits.tasks_max)
    steps = read_step_artifacts(reader, tasks, problems)
    readers = _readers(reader, layout, flow, graph, artifact, problems)
    held = {step for step, found in steps.items() if artifact in found.shas}
    if not held and not readers:
        names = sorted({n for found in steps.values() for n in found.shas if not n.startswith("_")})
        nearest = difflib.get_close_matches(artifact, names, n=3, cutoff=0.5)
        raise NotFoundError(
            "artifact",
            f"{pathspec}/{artifact}",
            f"the steps of run {pathspec}",
            [f"{pathspec}/{n}" for n in nearest],
        )
    produced = produced_steps(artifact, steps, graph.parents)
    order = [*graph.steps, *sorted(set(steps) - set(graph.steps))]
    nodes = [
        _node(pathspec, step, role, steps.get(step), artifact)
        for step in order
        if (role := _role(step, produced, readers, held)) is not None
    ]
    ids = {n.step for n in nodes}
    edges = [
        LineageEdge(f"{pathspec}/{n.step}", f"{pathspec}/{target}", "flow")
        for n in nodes
        for target in graph.steps.get(n.step, {}).get("next") or []
        if target in ids
    ]
    result = Lineage(
        run=pathspec,
        artifact=artifact,
        nodes=nodes,
        edges=edges,
        producers=[n.id for n in nodes if n.role == "produced"],
        readers=[n.id for n in nodes if n.step in readers],
        cost=reader.cost,
        problems=problems,
    )
    for step in [n.step for n in nodes if n.role == "produced"]:
        _follow_resume(reader, layout, result, flow, run_id, step, artifact)
    return result


def _role(step: str, produced: set[str], readers: set[str], held: set[str]) -> LineageRole | None:
    """The most telling role: a step that reads and rewrites the artifact produced it."""
    if step in produced:
        return "produced"
    if step in readers:
        return "read"
    return "passed" if step in held else None


def _node(
    run: str, step: str, role: LineageRole, found: StepArtifacts | None, artifact: str
) -> LineageNode:
    shas = found.shas.get(artifact, set()) if found is not None else set()
    holders = found.holders.get(artifact, 0) if found is not None else 0
    sha = next(iter(shas)) if len(shas) == 1 else None
    return LineageNode(f"{run}/{step}", run, step, role, sha, holders)


def _readers(
    reader: Reader,
    layout: LocalLayout,
    flow: str,
    graph: GraphInfo,
    artifact: str,
    problems: list[Problem],
) -> set[str]:
    """Steps that read the artifact: splits on it from the graph, bodies from the source."""
    found = {
        name
        for name, step in graph.steps.items()
        if artifact in (step.get("foreach_artifact"), step.get("condition"))
    }
    source = find_flow_source(reader, layout.metaflow_dir, graph.file, flow)
    if source is None:
        problems.append(
            Problem(
                flow,
                f"the flow's source {graph.file!r} was not found next to the datastore "
                f"({layout.metaflow_dir.parent} or its subfolders), so the steps that read "
                "the artifact are unknown; keep the flow file beside its .metaflow folder",
            )
        )
        return found
    for name in graph.steps:
        func = source.functions.get(name)
        if func is None:
            problems.append(Problem(flow, f"step {name} is not defined in {source.path}"))
        elif step_reads(func, artifact):
            found.add(name)
    return found


def _follow_resume(
    reader: Reader,
    layout: LocalLayout,
    result: Lineage,
    flow: str,
    run_id: str,
    step: str,
    artifact: str,
) -> None:
    """While ``step`` of ``run_id`` was cloned by resume, link it to the same step of the
    run it was cloned from (an ``origin`` node and a ``resume`` edge)."""
    source_id = f"{flow}/{run_id}/{step}"
    for _ in range(MAX_RESUME_HOPS):
        if not _cloned(reader, layout, flow, run_id, step):
            return
        origin = read_origin_run_id(reader, layout, flow, run_id)
        if origin is None:
            result.problems.append(
                Problem(source_id, "cloned by resume, but the origin run is not recorded")
            )
            return
        origin_dir = layout.step_dir(flow, origin, step)
        if not reader.exists(origin_dir):
            result.problems.append(
                Problem(source_id, f"cloned from run {origin}, which is no longer here")
            )
            return
        ids = task_ids(reader, origin_dir)[: Limits.tasks_max]
        triples = ((step, f"{flow}/{origin}/{step}/{t}", f"{origin_dir}/{t}") for t in ids)
        found = read_tables(reader, triples, result.problems).get(step)
        node = _node(f"{flow}/{origin}", step, "origin", found, artifact)
        if node.id not in {n.id for n in result.nodes}:
            result.nodes.append(node)
        result.edges.append(LineageEdge(node.id, source_id, "resume"))
        run_id, source_id = origin, node.id


def _cloned(reader: Reader, layout: LocalLayout, flow: str, run_id: str, step: str) -> bool:
    """The step's first task was cloned by resume: its metadata names an origin task."""
    step_dir = layout.step_dir(flow, run_id, step)
    ids = task_ids(reader, step_dir)
    if not ids:
        return False
    return any(_CLONED.match(n) for n in reader.names(step_dir / ids[0] / "_meta"))
