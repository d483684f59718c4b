"""run_graph on real runs: the graph the run saved (_graph_info) in the FlowGraph payload,
equal to the source analysis (`mfstudio graph --json`) and Metaflow's own `output-raw`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from datastore_snapshot import snapshot
from insight_fixture import InsightRuns
from mfstudio.flowgraph import analyze_file
from mfstudio.query import api
from mfstudio.query.errors import NotFoundError
from mfstudio.query.local.backend import LocalBackend
from runs_fixture import QueryRuns, metaflow_env

ROOT = Path(__file__).resolve().parents[2]
_SHAPE = ("type", "next", "foreach_artifact", "matching_join", "in_funcs")


def _shape(graph: dict[str, object]) -> dict[str, dict[str, object]]:
    steps = graph["steps"]
    assert isinstance(steps, dict)
    return {name: {k: step[k] for k in _SHAPE} for name, step in steps.items()}


def test_graph_equals_the_source_analysis(insight_runs: InsightRuns) -> None:
    backend = LocalBackend.open(insight_runs.root)
    graph = api.run_graph(insight_runs.low, backend=backend)
    source = analyze_file(insight_runs.flow_file).to_json("CompareFlow")
    assert _shape(graph) == _shape(source)
    assert list(graph["steps"]) == list(source["steps"])  # source order
    assert graph["graph_structure"] == source["graph_structure"]
    assert graph["flow"] == "CompareFlow"
    assert graph["file"] == "compare_flow.py"
    assert graph["flow_doc"] == "Score a grid of parts scaled by alpha."
    assert [p["name"] for p in graph["parameters"]] == ["alpha", "label"]
    assert graph["steps"]["join"]["in_funcs"] == ["fan"]
    assert graph["steps"]["start"]["line"] == source["steps"]["start"]["line"]
    assert graph["steps"]["fan"]["doc"] == "One part per item."
    assert graph["diagnostics"] == []


def test_graph_keeps_decorators_as_metaflow_saw_them(query_runs: QueryRuns) -> None:
    graph = api.run_graph(query_runs.ok_run, backend=LocalBackend.open(query_runs.root))
    flow_file = query_runs.root / "query_flow.py"
    raw = subprocess.run(
        [sys.executable, str(flow_file), "--quiet", "--no-pylint", "output-raw", "--json"],
        cwd=query_runs.root,
        env=metaflow_env(query_runs.root),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    metaflow = json.loads(raw.stdout)["graph"]
    for name, step in graph["steps"].items():
        assert step["type"] == metaflow[name]["type"]
        assert step["next"] == metaflow[name]["next"]
        assert [d["name"] for d in step["decorators"]] == [
            d["name"] for d in metaflow[name]["decorators"]
        ]
    (retry,) = graph["steps"]["work"]["decorators"]
    assert retry["attributes"]["times"] == 1
    assert _shape(graph) == _shape(analyze_file(flow_file).to_json())


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo workspace with the runs the README's first command makes there
    (scripts/demo_runs.py: a succeeded and a failed TrainingFlow run)."""
    demo = tmp_path_factory.mktemp("demo") / "demo"
    shutil.copytree(ROOT / "test-fixtures" / "demo" / "flows", demo / "flows")
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo_runs.py"), str(demo)],
        env=metaflow_env(demo),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return demo


def test_graph_of_the_demo_run_matches_its_flow_file(demo_copy: Path) -> None:
    runs = sorted((demo_copy / ".metaflow" / "TrainingFlow").glob("1*"))
    assert len(runs) == 2, runs
    for run in runs:
        graph = api.run_graph(f"TrainingFlow/{run.name}", backend=LocalBackend.open(demo_copy))
        cli = subprocess.run(
            [sys.executable, "-m", "mfstudio.cli", "graph", "--json", "flows/training_flow.py"],
            cwd=demo_copy,
            capture_output=True,
            text=True,
            check=True,
        )
        assert _shape(graph) == _shape(json.loads(cli.stdout))


def test_unknown_run_names_the_nearest(insight_runs: InsightRuns) -> None:
    backend = LocalBackend.open(insight_runs.root)
    run_id = int(insight_runs.low.split("/")[1])
    with pytest.raises(NotFoundError) as caught:
        api.run_graph(f"CompareFlow/{run_id + 1}", backend=backend)
    assert insight_runs.low in caught.value.suggestions


def test_graph_writes_nothing(insight_runs: InsightRuns) -> None:
    before = snapshot(insight_runs.metaflow_dir)
    backend = LocalBackend.open(insight_runs.root)
    graph = api.run_graph(insight_runs.resumed, backend=backend)
    assert set(graph["steps"]) == {"start", "fan", "join", "end"}
    assert snapshot(insight_runs.metaflow_dir) == before
