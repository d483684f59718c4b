"""lineage() on real CompareFlow runs: producers from shas along the DAG, readers from the
flow's source (AST), passed-through steps, and resume origins across runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from datastore_snapshot import snapshot
from insight_fixture import InsightRuns
from mfstudio.query import api
from mfstudio.query.errors import BadQueryError, NotFoundError
from mfstudio.query.local.backend import LocalBackend
from mfstudio.query.local.source_reads import step_reads
from mfstudio.query.model import Lineage


def _roles(found: Lineage) -> dict[str, str]:
    return {n.id: n.role for n in found.nodes}


def test_produced_read_and_passed(insight_runs: InsightRuns) -> None:
    run = insight_runs.low
    backend = LocalBackend.open(insight_runs.root)
    score = api.lineage(run, "score", backend=backend)
    assert _roles(score) == {f"{run}/join": "produced", f"{run}/end": "read"}
    assert score.producers == [f"{run}/join"] and score.readers == [f"{run}/end"]
    assert [(e.source, e.target, e.kind) for e in score.edges] == [
        (f"{run}/join", f"{run}/end", "flow")
    ]
    base = api.lineage(run, "base", backend=backend)
    assert _roles(base) == {
        f"{run}/start": "produced",
        f"{run}/fan": "passed",
        f"{run}/join": "read",  # sum(inputs[0].base)
        f"{run}/end": "passed",  # carried on by merge_artifacts
    }
    (fan,) = [n for n in base.nodes if n.step == "fan"]
    assert fan.tasks == 3 and fan.sha == base.nodes[0].sha
    part = api.lineage(run, "part", backend=backend)
    assert _roles(part) == {f"{run}/fan": "produced", f"{run}/join": "read"}
    (fan,) = [n for n in part.nodes if n.step == "fan"]
    assert fan.sha is None and fan.tasks == 3  # one value per foreach task
    items = api.lineage(run, "items", backend=backend)
    assert f"{run}/start" in items.readers  # the foreach splits on it
    assert score.problems == [] and base.problems == []


def test_resumed_run_links_cloned_steps_to_the_origin(insight_runs: InsightRuns) -> None:
    run, origin = insight_runs.resumed, insight_runs.failed
    backend = LocalBackend.open(insight_runs.root)
    base = api.lineage(run, "base", backend=backend)
    assert _roles(base)[f"{origin}/start"] == "origin"
    assert (f"{origin}/start", f"{run}/start", "resume") in [
        (e.source, e.target, e.kind) for e in base.edges
    ]
    (origin_node,) = [n for n in base.nodes if n.role == "origin"]
    (producer,) = [n for n in base.nodes if n.role == "produced"]
    assert origin_node.sha == producer.sha and origin_node.tasks == 1
    part = api.lineage(run, "part", backend=backend)  # fan was cloned too
    assert _roles(part)[f"{origin}/fan"] == "origin"
    score = api.lineage(run, "score", backend=backend)  # join ran again: no origin
    assert not [n for n in score.nodes if n.role == "origin"]


def test_missing_source_is_a_problem_not_an_error(
    insight_runs: InsightRuns, tmp_path: Path
) -> None:
    root = Path(
        shutil.copytree(
            insight_runs.metaflow_dir,
            tmp_path / "copy" / ".metaflow",
            ignore=shutil.ignore_patterns(".c*"),
        )
    ).parent
    found = api.lineage(insight_runs.low, "score", backend=LocalBackend.open(root))
    assert found.producers == [f"{insight_runs.low}/join"]
    assert found.readers == []
    assert any("compare_flow.py" in p.message for p in found.problems)


def test_bad_input(insight_runs: InsightRuns) -> None:
    backend = LocalBackend.open(insight_runs.root)
    with pytest.raises(NotFoundError) as caught:
        api.lineage(insight_runs.low, "scor", backend=backend)
    assert caught.value.suggestions == [f"{insight_runs.low}/score"]
    with pytest.raises(BadQueryError, match="not an artifact name"):
        api.lineage(insight_runs.low, "../x", backend=backend)
    run_id = int(insight_runs.low.split("/")[1])
    with pytest.raises(NotFoundError):
        api.lineage(f"CompareFlow/{run_id + 3}", "score", backend=backend)


def test_lineage_writes_nothing(insight_runs: InsightRuns) -> None:
    before = snapshot(insight_runs.root)
    api.lineage(insight_runs.resumed, "base", backend=LocalBackend.open(insight_runs.root))
    assert snapshot(insight_runs.root) == before


@pytest.mark.parametrize(
    ("body", "reads"),
    [
        ("def s(self):\n    x = self.m\n", True),
        ("def s(self):\n    self.m = 1\n", False),
        ("def s(self):\n    self.m += 1\n", True),
        ("def s(self):\n    getattr(self, 'm')\n", True),
        ("def j(self, inputs):\n    [i.m for i in inputs]\n", True),
        ("def j(self, inputs):\n    inputs.a.m\n", True),
        ("def j(self, inputs):\n    for i in inputs:\n        print(i.m)\n", True),
        ("def s(self):\n    other.m\n", False),
    ],
)
def test_what_counts_as_a_read(body: str, reads: bool) -> None:
    import ast

    func = ast.parse(body).body[0]
    assert isinstance(func, ast.FunctionDef)
    assert step_reads(func, "m") is reads
