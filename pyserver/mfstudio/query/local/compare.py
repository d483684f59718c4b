"""Two to eight runs of one flow side by side: parameters, artifacts, step durations.

The first run is the baseline. Artifacts are compared by sha from metadata; an artifact is
listed at the steps that produced it in some run (:mod:`.step_data`), not at every step
that carried it along. Only small scalar values (at most :data:`SCALAR_BYTES` pickled) are
loaded, with the builtin-only unpickler, once per distinct sha.

Cost per run: the run's timeline (:mod:`.timeline`), its graph (:mod:`.graph`), its
parameters (:func:`~.run_info.read_parameters`), one stat and one ``N.data.json`` read per
task; then one blob read per distinct small scalar sha shown. It grows with the runs'
tasks, never with the size of their artifacts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ..api import Limits
from ..errors import BadQueryError
from ..model import (
    ArtifactChange,
    ArtifactDiff,
    Comparison,
    ParameterDiff,
    Problem,
    StepDiff,
    TaskStatus,
    TimelineBar,
)
from .artifacts import type_name
from .graph import GraphInfo, read_graph_info
from .layout import LocalLayout
from .reader import Reader
from .resolve import require
from .run_info import read_parameters
from .run_tasks import TaskEntry
from .step_data import StepArtifacts, produced_steps, read_step_artifacts
from .timeline import run_bars
from .unpickle import UnsafePickleError, load_builtin, read_blob

__all__ = ["MAX_RUNS", "SCALAR_BYTES", "compare_runs"]

MAX_RUNS = 8
SCALAR_BYTES = 1024  # larger scalars (long strings) show no value
_VALUE_CHARS = 80
_BOOKKEEPING = frozenset({"name"})  # the flow's name, which Metaflow stores in every run
_SCALARS = frozenset(
    {"builtins.int", "builtins.float", "builtins.bool", "builtins.str", "builtins.NoneType"}
)


_Stepped = TypeVar("_Stepped", TimelineBar, TaskEntry)


@dataclass(slots=True)
class _RunFacts:
    pathspec: str
    graph: GraphInfo | None
    tasks: list[TaskEntry]
    bars: list[TimelineBar]
    steps: dict[str, StepArtifacts]
    parameters: dict[str, str]
    foreach: set[str]


def compare_runs(reader: Reader, layout: LocalLayout, runs: Sequence[str]) -> Comparison:
    if isinstance(runs, str) or not 2 <= len(runs) <= MAX_RUNS:
        raise BadQueryError(
            f"compare takes 2 to {MAX_RUNS} runs of one flow (Flow/run_id each), got "
            f"{len(runs) if not isinstance(runs, str) else 1}."
        )
    specs = [require(reader, layout, run, "run") for run in runs]
    flows = sorted({s.flow for s in specs})
    if len(flows) > 1:
        raise BadQueryError(
            f"compare takes runs of one flow; these belong to {', '.join(flows)}. Compare "
            "the runs of each flow separately."
        )
    names = [str(s) for s in specs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise BadQueryError(f"{', '.join(twice)} is named twice; name each run once.")
    problems: list[Problem] = []
    facts = [_read_run(reader, layout, s.flow, str(s.run_id), problems) for s in specs]
    values = _Values(reader, layout, flows[0], problems)
    artifacts = _artifact_rows(facts, values, problems)
    return Comparison(
        runs=names,
        parameters=_parameter_rows(facts),
        artifacts=artifacts,
        steps=_step_rows(facts),
        cost=reader.cost,
        problems=problems,
    )


def _read_run(
    reader: Reader, layout: LocalLayout, flow: str, run_id: str, problems: list[Problem]
) -> _RunFacts:
    graph = read_graph_info(reader, layout, flow, run_id, problems)
    tasks, bars = run_bars(reader, layout, flow, run_id, problems)
    steps = read_step_artifacts(reader, tasks, problems)
    parameters = read_parameters(reader, layout, flow, run_id, problems)
    foreach = graph.foreach_body() if graph is not None else set()
    foreach |= {name for name, step in steps.items() if step.tasks > 1}
    return _RunFacts(f"{flow}/{run_id}", graph, tasks, bars, steps, parameters, foreach)


def _parameter_rows(facts: list[_RunFacts]) -> list[ParameterDiff]:
    """Names in the order the runs' graphs declare them (then any others by name)."""
    names: list[str] = []
    for run in facts:
        declared = run.graph.parameter_names() if run.graph is not None else []
        for name in [*declared, *sorted(run.parameters)]:
            if name not in names:
                names.append(name)
    rows = []
    for name in names:
        values = [run.parameters.get(name) for run in facts]
        rows.append(ParameterDiff(name, values, len(set(values)) > 1))
    return rows


def _step_order(facts: list[_RunFacts]) -> list[str]:
    order: list[str] = []
    for run in facts:
        listed = list(run.graph.steps) if run.graph is not None else []
        for step in [*listed, *sorted(run.steps)]:
            if step not in order:
                order.append(step)
    return order


def _artifact_rows(
    facts: list[_RunFacts], values: _Values, problems: list[Problem]
) -> list[ArtifactDiff]:
    parameters = {name for run in facts for name in run.parameters}
    wanted: set[tuple[str, str]] = set()
    for run in facts:
        parents = run.graph.parents if run.graph is not None else {}
        names = {n for step in run.steps.values() for n in step.shas}
        for name in names:
            if name.startswith("_") or name in parameters or name in _BOOKKEEPING:
                continue
            wanted |= {(step, name) for step in produced_steps(name, run.steps, parents)}
    order = {step: i for i, step in enumerate(_step_order(facts))}
    keys = sorted(wanted, key=lambda k: (order.get(k[0], len(order)), k[0], k[1]))
    if len(keys) > Limits.artifacts:
        problems.append(
            Problem(
                facts[0].pathspec,
                f"only the first {Limits.artifacts} of {len(keys)} artifacts are compared",
            )
        )
        keys = keys[: Limits.artifacts]
    return [_artifact_row(step, name, facts, values) for step, name in keys]


def _artifact_row(step: str, name: str, facts: list[_RunFacts], values: _Values) -> ArtifactDiff:
    foreach = any(step in run.foreach for run in facts)
    shas: list[str | None] = []
    types: list[str | None] = []
    sizes: list[int | None] = []
    shown: list[str | None] = []
    numbers: list[float | None] = []
    numeric = True
    for run in facts:
        found = run.steps.get(step)
        run_shas = found.shas.get(name) if found is not None else None
        if found is None or not run_shas:
            for column in (shas, types, sizes, shown, numbers):
                column.append(None)
            continue
        full_type = type_name(str(found.info[name].get("type", "unknown")))
        types.append(full_type)
        sizes.append(found.sizes.get(name))
        if foreach or len(run_shas) > 1:
            digest = hashlib.sha1("\n".join(sorted(run_shas)).encode()).hexdigest()
            shas.append(digest)
            shown.append(None)
            numeric = False
            continue
        (sha,) = run_shas
        shas.append(sha)
        value = values.scalar(sha, full_type, found.sizes.get(name), run.pathspec, step, name)
        shown.append(value[0] if value is not None else None)
        if value is None or not isinstance(value[1], int | float) or isinstance(value[1], bool):
            numeric = False
            numbers.append(None)
        else:
            numbers.append(value[1])
    return ArtifactDiff(
        step=step,
        name=name,
        status=_change(shas),
        shas=shas,
        types=types,
        sizes=sizes,
        values=shown,
        numbers=numbers if numeric and any(n is not None for n in numbers) else None,
    )


def _change(shas: list[str | None]) -> ArtifactChange:
    """Relative to the baseline (the first run)."""
    if shas[0] is None:
        return "added"
    if any(s is None for s in shas[1:]):
        return "removed"
    return "changed" if len(set(shas)) > 1 else "same"


class _Values:
    """Small scalar values by sha, loaded once each with the builtin-only unpickler."""

    __slots__ = ("_cache", "_flow", "_layout", "_problems", "_reader")

    def __init__(
        self, reader: Reader, layout: LocalLayout, flow: str, problems: list[Problem]
    ) -> None:
        self._reader = reader
        self._layout = layout
        self._flow = flow
        self._problems = problems
        self._cache: dict[str, tuple[str, object] | None] = {}

    def scalar(
        self, sha: str, full_type: str, size: int | None, run: str, step: str, name: str
    ) -> tuple[str, object] | None:
        """(short repr, value) of a small scalar; None for anything else."""
        if full_type not in _SCALARS or size is None or size > SCALAR_BYTES:
            return None
        if sha not in self._cache:
            try:
                raw = read_blob(self._reader, self._layout, self._flow, sha, SCALAR_BYTES)
                value = load_builtin(raw)
            except (ValueError, UnsafePickleError) as err:
                self._problems.append(Problem(f"{run}/{step}", f"value of {name}: {err}"))
                self._cache[sha] = None
            else:
                text = repr(value)
                if len(text) > _VALUE_CHARS:
                    text = text[: _VALUE_CHARS - 3] + "..."
                self._cache[sha] = (text, value)
        return self._cache[sha]


def _by_step(items: Iterable[_Stepped]) -> dict[str, list[_Stepped]]:
    groups: dict[str, list[_Stepped]] = {}
    for item in items:
        groups.setdefault(item.step, []).append(item)
    return groups


def _step_rows(facts: list[_RunFacts]) -> list[StepDiff]:
    bars_by_step = [_by_step(run.bars) for run in facts]
    tasks_by_step = [_by_step(run.tasks) for run in facts]
    rows = []
    for step in _step_order(facts):
        durations: list[float | None] = []
        statuses: list[TaskStatus | None] = []
        for bars_of, tasks_of in zip(bars_by_step, tasks_by_step, strict=True):
            bars = bars_of.get(step, [])
            statuses.append(_step_status(tasks_of.get(step, [])))
            starts = [b.started_at for b in bars if b.started_at is not None]
            ends = [b.finished_at for b in bars]
            if not starts or not ends or any(e is None for e in ends):
                durations.append(None)
            else:
                durations.append(max(e for e in ends if e is not None) - min(starts))
        rows.append(StepDiff(step, durations, statuses))
    return rows


def _step_status(tasks: list[TaskEntry]) -> TaskStatus | None:
    if not tasks:
        return None
    states = {t.state.status or "running" for t in tasks}
    if "failed" in states:
        return "failed"
    return "running" if "running" in states else "succeeded"
