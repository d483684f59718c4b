"""The UI's runtime decoders (media/src/ui/decode.ts) accept every real answer of the UI API.

The decoders check each answer field by field against media/src/queryTypes.ts, the one
TypeScript definition of the query layer's results. This walks every route over real runs
(a succeeded run with a retry and a failed one), so a field the Python side writes
differently from the TypeScript types (a missing ``html``, a nullable made required) fails
here, not as an error banner in front of a user.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from datastore_snapshot import snapshot
from mfstudio.query import QueryBackend
from mfstudio.query import api as q
from mfstudio.ui.api import dispatch
from runs_fixture import QueryRuns

REPO = Path(__file__).resolve().parents[2]
ESBUILD = REPO / "node_modules" / ".bin" / "esbuild"
CHECKER = Path(__file__).with_name("ui_decode_check.ts")

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not ESBUILD.exists(),
    reason="needs node and esbuild (npm ci at the repo root)",
)


def _get(backend: QueryBackend, path: str, **params: str) -> Any:
    answer = dispatch(backend, quote(path), {k: [v] for k, v in params.items()})
    assert answer.status == 200, (path, answer.body)
    return answer.body


def _real_answers(backend: QueryBackend, runs: QueryRuns) -> dict[str, list[Any]]:
    """Every answer the UI reads, from every route, for every run, step and task."""
    found: dict[str, list[Any]] = {}

    def add(decoder: str, body: Any) -> Any:
        found.setdefault(decoder, []).append(body)
        return body

    page = add("isRunPage", _get(backend, "/api/runs", flow="QueryFlow"))
    for run in [r["pathspec"] for r in page["runs"]]:
        summary = add("isRunSummary", _get(backend, f"/api/run/{run}"))
        add("isTimeline", _get(backend, f"/api/run/{run}/timeline"))
        add("isFailureReport", _get(backend, f"/api/run/{run}/failures"))
        for step in summary["steps"]:
            tasks = add("isTaskList", _get(backend, f"/api/tasks/{run}/{step['name']}"))
            for task in [t["pathspec"] for t in tasks["tasks"]]:
                for stream in ("stdout", "stderr"):
                    add("isLogExcerpt", _get(backend, f"/api/logs/{task}", stream=stream))
                add("isCardList", _get(backend, f"/api/cards/{task}"))
                artifacts = add("isArtifactList", _get(backend, f"/api/artifacts/{task}"))
                for artifact in artifacts["artifacts"]:
                    path = f"/api/artifact/{task}/{artifact['name']}"
                    add("isArtifactPreview", _get(backend, path))
    add("isComparison", _get(backend, "/api/compare", runs=f"{runs.ok_run},{runs.failed_run}"))
    for name in {a["name"] for a in found["isArtifactList"][-1]["artifacts"]}:
        add("isLineage", _get(backend, f"/api/lineage/{runs.ok_run}/{name}"))
    return found


def test_every_real_answer_passes_its_decoder(query_runs: QueryRuns, tmp_path: Path) -> None:
    before = snapshot(query_runs.metaflow_dir)
    answers = _real_answers(q.open_backend(query_runs.root), query_runs)
    assert snapshot(query_runs.metaflow_dir) == before, "reading the runs wrote into them"

    bundle = tmp_path / "ui_decode_check.cjs"
    subprocess.run(
        [str(ESBUILD), str(CHECKER), "--bundle", "--platform=node", f"--outfile={bundle}"],
        check=True,
        capture_output=True,
        cwd=REPO,
    )
    answers_file = tmp_path / "answers.json"
    answers_file.write_text(json.dumps(answers))
    done = subprocess.run(
        ["node", str(bundle), str(answers_file)], check=True, capture_output=True, text=True
    )
    refused = json.loads(done.stdout)

    assert set(refused) == set(answers), "every decoder met at least one real answer"
    assert answers["isCardList"] and answers["isLineage"] and answers["isArtifactPreview"]
    bad = {name: [answers[name][i] for i in idx] for name, idx in refused.items() if idx}
    assert bad == {}, f"real answers the UI would refuse: {json.dumps(bad)[:2000]}"
