"""`mfstudio timeline`, `compare` and `lineage` on the real CompareFlow runs: text and
--json, --differences-only, exit codes and messages for bad input."""

from __future__ import annotations

import pytest
from cli_harness import run_cli
from insight_fixture import InsightRuns


def test_timeline_text_and_json(
    capsys: pytest.CaptureFixture[str], insight_runs: InsightRuns
) -> None:
    root = str(insight_runs.root)
    text = run_cli(capsys, "timeline", insight_runs.failed, "--root", root)
    assert text.code == 0, text.err
    assert "TASK" in text.out and "join/" in text.out and "failed" in text.out
    data = run_cli(capsys, "timeline", insight_runs.failed, "--root", root, "--json").json()
    assert data["run"] == insight_runs.failed
    assert [b["step"] for b in data["bars"]].count("fan") == 3


def test_compare_differences_only(
    capsys: pytest.CaptureFixture[str], insight_runs: InsightRuns
) -> None:
    root = str(insight_runs.root)
    runs = [insight_runs.low, insight_runs.high]
    full = run_cli(capsys, "compare", *runs, "--root", root, "--json").json()
    assert {a["name"] for a in full["artifacts"]} >= {"constant", "score", "bonus"}
    diff = run_cli(capsys, "compare", *runs, "--root", root, "--json", "--differences-only")
    data = diff.json()
    assert [p["name"] for p in data["parameters"]] == ["alpha"]
    assert {(a["name"], a["status"]) for a in data["artifacts"]} == {
        ("part", "changed"),
        ("bonus", "added"),
        ("score", "changed"),
        ("summary", "changed"),
    }
    text = run_cli(capsys, "compare", *runs, "--root", root, "--differences-only")
    assert text.code == 0
    assert "alpha" in text.out and "12.0" in text.out and "constant" not in text.out


def test_lineage_text(capsys: pytest.CaptureFixture[str], insight_runs: InsightRuns) -> None:
    done = run_cli(
        capsys, "lineage", insight_runs.resumed, "base", "--root", str(insight_runs.root)
    )
    assert done.code == 0, done.err
    assert f"{insight_runs.failed}/start -> {insight_runs.resumed}/start (resume)" in done.out
    assert "produced" in done.out and "origin" in done.out


def test_bad_input_exits_2_with_a_message(
    capsys: pytest.CaptureFixture[str], insight_runs: InsightRuns
) -> None:
    root = str(insight_runs.root)
    one = run_cli(capsys, "compare", insight_runs.low, "--root", root)
    assert (one.code, one.out) == (2, "")
    assert "2 to 8 runs" in one.err
    missing = run_cli(capsys, "lineage", insight_runs.low, "scor", "--root", root)
    assert missing.code == 2 and f"{insight_runs.low}/score" in missing.err
