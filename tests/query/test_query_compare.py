"""compare_runs() on real CompareFlow runs whose differences are known: parameters,
artifacts by sha (checked against metaflow.client), scalar values and numbers, foreach
steps by sha set, step statuses; bad input and read-only."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from client_probe import client_json
from datastore_snapshot import snapshot
from insight_fixture import InsightRuns
from mfstudio.query import api
from mfstudio.query.errors import BadQueryError, NotFoundError
from mfstudio.query.local.backend import LocalBackend
from mfstudio.query.model import ArtifactDiff, Comparison


def _row(found: Comparison, step: str, name: str) -> ArtifactDiff:
    (row,) = [a for a in found.artifacts if (a.step, a.name) == (step, name)]
    return row


@pytest.fixture(scope="module")
def low_high(insight_runs: InsightRuns) -> Comparison:
    backend = LocalBackend.open(insight_runs.root)
    return api.compare_runs([insight_runs.low, insight_runs.high], backend=backend)


def test_parameters_show_what_differs(low_high: Comparison, insight_runs: InsightRuns) -> None:
    assert low_high.runs == [insight_runs.low, insight_runs.high]
    alpha, label = low_high.parameters
    assert (alpha.name, alpha.values, alpha.differs) == ("alpha", ["0.5", "2.0"], True)
    assert (label.name, label.values, label.differs) == ("label", ["'plain'", "'plain'"], False)


def test_artifacts_are_listed_where_they_were_produced(low_high: Comparison) -> None:
    keys = [(a.step, a.name) for a in low_high.artifacts]
    assert keys == [
        ("start", "base"),
        ("start", "constant"),
        ("start", "items"),
        ("fan", "part"),
        ("join", "bonus"),
        ("join", "score"),
        ("end", "summary"),
    ]  # steps in graph order; no parameters, no private names, no carried copies


def test_known_differences(low_high: Comparison) -> None:
    score = _row(low_high, "join", "score")
    assert score.status == "changed"
    assert score.values == ["7.5", "12.0"]  # 0.5 * (0+1+2) + 6, 2.0 * 3 + 6
    assert score.numbers == [7.5, 12.0]
    assert score.types == ["builtins.float", "builtins.float"]
    bonus = _row(low_high, "join", "bonus")
    assert (bonus.status, bonus.shas[0], bonus.values) == ("added", None, [None, "'big alpha'"])
    constant = _row(low_high, "start", "constant")
    assert constant.status == "same" and constant.numbers is None
    assert constant.values == ["'same in every run'"] * 2
    base = _row(low_high, "start", "base")
    assert base.status == "same" and base.values == [None, None]  # a list: no value shown
    part = _row(low_high, "fan", "part")  # foreach: compared as the set of 3 tasks' shas
    assert part.status == "changed" and part.values == [None, None] and part.numbers is None
    assert part.sizes[0] is not None and part.sizes[0] > 3 * 10


def test_removed_relative_to_the_baseline(insight_runs: InsightRuns) -> None:
    backend = LocalBackend.open(insight_runs.root)
    found = api.compare_runs([insight_runs.high, insight_runs.low], backend=backend)
    assert _row(found, "join", "bonus").status == "removed"
    three = api.compare_runs(
        [insight_runs.low, insight_runs.high, insight_runs.failed], backend=backend
    )
    summary = _row(three, "end", "summary")
    assert summary.status == "removed" and summary.shas[2] is None
    steps = {s.name: s for s in three.steps}
    assert steps["join"].statuses == ["succeeded", "succeeded", "failed"]
    assert steps["end"].statuses == ["succeeded", "succeeded", None]
    assert steps["end"].durations[2] is None
    assert all(d is not None and d >= 0 for d in steps["fan"].durations)


_CLIENT_SHAS = """
found = {}
for run_id in RUNS:
    run = Run(run_id)
    found[run_id] = {
        "score": run["join"].task["score"].sha,
        "summary": run["end"].task["summary"].sha,
        "part": sorted(t["part"].sha for t in run["fan"]),
    }
result = found
"""


def test_shas_match_the_client(low_high: Comparison, insight_runs: InsightRuns) -> None:
    want: dict[str, Any] = client_json(
        insight_runs.root, f"RUNS = {low_high.runs!r}\n" + _CLIENT_SHAS
    )
    assert _row(low_high, "join", "score").shas == [want[r]["score"] for r in low_high.runs]
    assert _row(low_high, "end", "summary").shas == [want[r]["summary"] for r in low_high.runs]
    part = _row(low_high, "fan", "part")
    assert part.shas[0] != part.shas[1]
    assert len({tuple(want[r]["part"]) for r in low_high.runs}) == 2


def test_cost_grows_with_tasks_not_artifact_sizes(low_high: Comparison) -> None:
    # 2 runs x 6 tasks; only small scalars' blobs are read, once per distinct sha.
    assert low_high.cost.files_read < 2 * 6 * 3 + 20
    assert low_high.cost.bytes_read < 200_000
    assert low_high.problems == []


def test_bad_input(insight_runs: InsightRuns, tmp_path: Path) -> None:
    backend = LocalBackend.open(insight_runs.root)
    with pytest.raises(BadQueryError, match="2 to 8 runs"):
        api.compare_runs([insight_runs.low], backend=backend)
    with pytest.raises(BadQueryError, match="2 to 8 runs"):
        api.compare_runs([insight_runs.low] * 9, backend=backend)
    with pytest.raises(BadQueryError, match="named twice"):
        api.compare_runs([insight_runs.low, insight_runs.low], backend=backend)
    run_id = int(insight_runs.low.split("/")[1])
    with pytest.raises(NotFoundError) as caught:
        api.compare_runs([insight_runs.low, f"CompareFlow/{run_id + 7}"], backend=backend)
    assert insight_runs.low in caught.value.suggestions
    # A second flow in a copy of the datastore: runs of two flows are refused.
    root = Path(
        shutil.copytree(insight_runs.root, tmp_path / "root", ignore=shutil.ignore_patterns(".c*"))
    )
    flow_dir = root / ".metaflow" / "CompareFlow"
    shutil.copytree(
        flow_dir / insight_runs.high.split("/")[1], root / ".metaflow" / "OtherFlow" / "7"
    )
    with pytest.raises(BadQueryError, match="one flow"):
        api.compare_runs([insight_runs.low, "OtherFlow/7"], backend=LocalBackend.open(root))


def test_compare_writes_nothing(insight_runs: InsightRuns) -> None:
    before = snapshot(insight_runs.metaflow_dir)
    runs = [insight_runs.low, insight_runs.high, insight_runs.failed, insight_runs.resumed]
    found = api.compare_runs(runs, backend=LocalBackend.open(insight_runs.root))
    assert len(found.steps) == 4
    assert snapshot(insight_runs.metaflow_dir) == before
