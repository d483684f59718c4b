"""Artifact tables of a run's steps, and where along the DAG an artifact was produced.

Metaflow copies every artifact of a step into its successors' tables unchanged (same sha),
so a table alone cannot say which step made a value. A step *produced* an artifact when one
of its shas is not among the shas its DAG parents hold for that name (a new value, or the
first appearance); otherwise the step passed it on. Shared by comparison and lineage.

Cost: per task one stat and one ``N.data.json`` read (:func:`~.artifacts.read_task_data`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..model import Problem
from .artifacts import read_task_data
from .reader import Reader
from .run_tasks import TaskEntry

__all__ = ["StepArtifacts", "produced_steps", "read_step_artifacts", "read_tables"]


@dataclass(slots=True)
class StepArtifacts:
    """What the tasks of one step hold, by artifact name."""

    tasks: int = 0  # tasks with an artifact table
    shas: dict[str, set[str]] = field(default_factory=dict)
    holders: dict[str, int] = field(default_factory=dict)  # tasks holding the name
    sizes: dict[str, int] = field(default_factory=dict)  # total over those tasks
    info: dict[str, dict[str, Any]] = field(default_factory=dict)  # one task's info entry

    def add(self, objects: dict[str, str], info: dict[str, Any]) -> None:
        self.tasks += 1
        for name, sha in objects.items():
            self.shas.setdefault(name, set()).add(str(sha))
            self.holders[name] = self.holders.get(name, 0) + 1
            meta = info.get(name)
            meta = meta if isinstance(meta, dict) else {}
            size = meta.get("size")
            if isinstance(size, int) and not isinstance(size, bool):
                self.sizes[name] = self.sizes.get(name, 0) + size
            self.info.setdefault(name, meta)


def read_step_artifacts(
    reader: Reader, tasks: Iterable[TaskEntry], problems: list[Problem]
) -> dict[str, StepArtifacts]:
    """Step name -> the artifact tables of its tasks (tasks without one are skipped)."""
    return read_tables(reader, ((t.step, t.pathspec, t.folder) for t in tasks), problems)


def read_tables(
    reader: Reader, tasks: Iterable[tuple[str, str, str]], problems: list[Problem]
) -> dict[str, StepArtifacts]:
    """The same from ``(step, task pathspec, task folder)`` triples."""
    steps: dict[str, StepArtifacts] = {}
    for step_name, pathspec, folder in tasks:
        data, problem = read_task_data(reader, folder, pathspec)
        if problem is not None:
            problems.append(problem)
        step = steps.setdefault(step_name, StepArtifacts())
        if data is not None:
            step.add(data.objects, data.info)
    return steps


def produced_steps(
    name: str, steps: dict[str, StepArtifacts], parents: dict[str, list[str]]
) -> set[str]:
    """Steps where ``name`` appears or changes compared with their DAG parents."""
    produced = set()
    for step, found in steps.items():
        shas = found.shas.get(name)
        if not shas:
            continue
        inherited: set[str] = set()
        for parent in parents.get(step, []):
            inherited |= steps.get(parent, StepArtifacts()).shas.get(name, set())
        if not shas <= inherited:
            produced.add(step)
    return produced
