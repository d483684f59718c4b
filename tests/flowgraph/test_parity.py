"""Parity with Metaflow itself on the whole corpus.

Metaflow's ``output-raw --json`` for every valid flow must equal our graph; for every
invalid flow Metaflow's ``check`` must reject it and we must report the same rule on the
line Metaflow names (marked ``# <-- here`` in the file). Metaflow runs in a thread pool of
two (one per core), once per module.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from mfstudio.flowgraph import FileAnalysis, Step, analyze_file

from .corpus import (
    CORPUS,
    MetaflowAnswer,
    corpus_files,
    expected_rule,
    marked_line,
    metaflow_phrase,
    run_metaflow,
)

pytestmark = pytest.mark.slow

DEMO = CORPUS.parent / "demo" / "flows" / "training_flow.py"
VALID = [*corpus_files("valid"), DEMO]
INVALID = corpus_files("invalid")

# A phrase of Metaflow's message for each lint rule: proves Metaflow rejects the corpus
# flow for the reason the file is about.
METAFLOW_PHRASES = {
    "check_reserved_words": "is a reserved word",
    "check_basic_steps": "must have exactly one start step",
    "check_annotation_name_conflict": "Ambiguous start step",
    "check_start_end_degree": "has incoming transitions",
    "check_that_end_is_end": "should not be a join step",
    "check_step_names": "has an invalid name",
    "check_num_args": "has too many arguments",
    "check_static_transitions": "is missing a self.next() transition",
    "check_valid_transitions": "invalid self.next() transition",
    "check_unknown_transitions": "transition to an unknown step",
    "check_for_acyclicity": "There is a loop in your flow",
    "check_for_orphans": "is unreachable from the entry step",
    "check_split_join_balance": "join",
    "check_switch_splits": "is a switch split but defines",
    "check_empty_foreaches": "is a foreach split that has no children",
    "check_parallel_step_after_next": "does not have a @parallel decorator",
    "check_join_followed_by_parallel_step": "should be followed by a join step",
    "check_parallel_foreach_calls_parallel_step": "is not called with self.next(num_parallel",
    "check_ambiguous_joins": "conditional path cannot lead directly to a join",
    "mfstudio-decorator-order": "which is not declared as a @step",
    "mfstudio-duplicate-decorator": "already has a decorator",
    "mfstudio-reserved-parameter": "is a reserved word",
    "mfstudio-retry-limit": "maximum number of retries",
    "mfstudio-unknown-attribute": "tims",
}


@pytest.fixture(scope="module")
def metaflow_answers(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, MetaflowAnswer]:
    work = tmp_path_factory.mktemp("metaflow")
    # Metaflow creates .metaflow/ in its working folder with a check-then-mkdir: two
    # concurrent runs would race on it, so it exists before they start.
    (work / ".metaflow").mkdir()
    jobs = [(p, ["output-raw", "--json"]) for p in VALID] + [(p, ["check"]) for p in INVALID]
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda job: run_metaflow(job[0], job[1], work), jobs))
    return {p: a for (p, _), a in zip(jobs, answers, strict=True)}


def _ours(path: Path) -> FileAnalysis:
    return analyze_file(path)


def _decorators(entries: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [(d["name"], d["attributes"]) for d in entries]


def test_corpus_is_big_enough() -> None:
    partial = corpus_files("partial")
    assert len(VALID) + len(INVALID) + len(partial) >= 40


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_graph_equals_output_raw(path: Path, metaflow_answers: dict[Path, MetaflowAnswer]) -> None:
    answer = metaflow_answers[path]
    assert answer.returncode == 0, answer.stderr[-2000:]
    theirs = json.loads(answer.stdout)
    analysis = _ours(path)
    flow = analysis.flow()
    assert flow is not None
    errors = [d for d in analysis.diagnostics if d.severity.value == "error"]
    assert errors == [], [d.message for d in errors]
    graph = theirs["graph"]
    assert set(graph) == _reachable(flow.graph_structure[0], flow.steps)
    for name, want in graph.items():
        got = _as_printed(json.loads(json.dumps(flow.steps[name].to_json())))
        assert got["type"] == want["type"], name
        assert got["next"] == want["next"], name
        assert got["line"] == want["line"], name
        assert got["doc"] == want["doc"], name
        assert got["matching_join"] == want.get("matching_join"), name
        assert got["foreach_artifact"] == want.get("foreach_artifact"), name
        assert got["num_parallel"] == want.get("num_parallel"), name
        assert got["condition"] == want.get("condition"), name
        assert got["switch_cases"] == want.get("switch_cases"), name
        assert _decorators(got["decorators"]) == _decorators(want["decorators"]), name
    assert flow.graph_structure == theirs["graph_structure"]


def _as_printed(value: object) -> object:
    """Metaflow's ``echo_always`` treats ``*`` as highlight markers and drops every one of
    them from what output-raw prints (``w*x`` becomes ``wx``): compare ours likewise."""
    if isinstance(value, str):
        return value.replace("*", "")
    if isinstance(value, list):
        return [_as_printed(v) for v in value]
    if isinstance(value, dict):
        return {_as_printed(k): _as_printed(v) for k, v in value.items()}
    return value


def _reachable(start: str, steps: dict[str, Step]) -> set[str]:
    """Our steps reachable from the start step (the ones Metaflow prints)."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        n = todo.pop()
        if n not in seen and n in steps:
            seen.add(n)
            todo.extend(steps[n].next)
    return seen


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_rejections_match_metaflow(
    path: Path, metaflow_answers: dict[Path, MetaflowAnswer]
) -> None:
    rule = expected_rule(path)
    answer = metaflow_answers[path]
    said = answer.stderr + answer.stdout
    assert answer.returncode != 0, f"Metaflow accepted {path.name}"
    assert (metaflow_phrase(path) or METAFLOW_PHRASES[rule]) in said, said[-2000:]
    line = marked_line(path)
    if answer.line is not None:
        assert answer.line == line, f"Metaflow says line {answer.line}, the file marks {line}"
    analysis = _ours(path)
    ours = [d for d in analysis.diagnostics if d.rule == rule and d.severity.value == "error"]
    assert ours, [d.to_json() for d in analysis.diagnostics]
    if line is not None:
        assert line in {d.range.start.line for d in ours}, [d.to_json() for d in ours]
