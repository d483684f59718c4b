"""The skeleton parse (skeleton.py) with its deferred body check gives exactly the full
analysis: on tricky sources, on every fallback trigger, and on random edits."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mfstudio.flowgraph import FileAnalysis, IncrementalAnalyzer, analyze_source
from mfstudio.flowgraph.parse import split_lines
from mfstudio.flowgraph.skeleton import plan_skeleton

from bench.flowgraph_bench import generate_flow

from .corpus import CORPUS
from .helpers import snapshot
from .skeleton_sources import TRICKY_FLOW, step_flow

DEMO = (CORPUS.parent / "demo" / "flows" / "training_flow.py").read_text()


def _blanked(source: str) -> list[int] | None:
    """The 1-based lines the skeleton blanks, or None when the whole file is parsed."""
    plan = plan_skeleton(source, split_lines(source))
    if plan is None:
        return None
    new = split_lines(plan.text)
    return [i for i, (a, b) in enumerate(zip(split_lines(source), new, strict=False), 1) if a != b]


def _two_phase(source: str) -> tuple[FileAnalysis, bool, FileAnalysis]:
    """(first result, whether its body check was deferred, final result) as the language
    server gets them."""
    inc = IncrementalAnalyzer("f.py", defer_body_check=True)
    first = inc.update(source)
    pending = inc.body_check_pending
    final = inc.finish_body_check() or first
    assert not inc.body_check_pending
    return first, pending, final


def _assert_same_as_full(source: str) -> tuple[FileAnalysis, bool, FileAnalysis]:
    first, pending, final = _two_phase(source)
    assert snapshot(final) == snapshot(analyze_source(source, "f.py"))
    return first, pending, final


def test_tricky_flow_blanks_only_provable_middles_and_matches_full_analysis() -> None:
    expected = [*range(6, 10), *range(26, 44), *range(50, 58), *range(64, 67), 84]
    assert _blanked(TRICKY_FLOW) == expected
    first, pending, final = _assert_same_as_full(TRICKY_FLOW)
    assert pending and first is final  # valid: the first result stands
    flow = final.flow()
    assert flow is not None
    assert flow.steps["start"].doc.startswith("Start.")
    assert flow.steps["middle"].doc == "single-quoted docstring"
    assert flow.steps["end"].doc == ""  # a string as the last statement is no docstring


def test_big_flow_and_demo_take_the_skeleton() -> None:
    big = generate_flow(200)
    blanked = _blanked(big)
    assert blanked is not None and len(blanked) == 800  # 4 of each step's 6 body lines
    assert _assert_same_as_full(big)[1]
    assert _blanked(DEMO)
    assert _assert_same_as_full(DEMO)[1]


FIXTURES = sorted(CORPUS.parent.rglob("*.py"))  # the parity corpus and every other fixture


@pytest.mark.parametrize(
    "path", FIXTURES, ids=[str(p.relative_to(CORPUS.parent)) for p in FIXTURES]
)
def test_every_fixture_file_gives_the_full_analysis(path: Path) -> None:
    # the parity suite compares analyze_file with Metaflow: this ties the server's path to it
    _assert_same_as_full(path.read_text(encoding="utf-8"))


# (name, body, tail, lines blanked or None for a whole-file parse)
CASES = [
    ("plain", "x = 1\ny = x + 1", "self.next(self.end)", [8, 9]),
    ("tab anywhere", "x = 1  # a\tb", "self.next(self.end)", None),
    ("form feed", "x = 1\n\fy = 2", "self.next(self.end)", None),
    ("vertical tab", "x = 1 \v", "self.next(self.end)", None),
    ("nul byte", "x = '\0'", "self.next(self.end)", None),
    ("backslash continuation", "x = 1 + \\\n    2", "self.next(self.end)", None),
    ("string continued by a backslash", "x = 'abc\\\n|def'", "self.next(self.end)", None),
    ("barry_as_FLUFL", "x = 1  # barry_as_FLUFL", "self.next(self.end)", None),
    ("long line", "x = " + "1 + " * 300 + "1", "self.next(self.end)", None),
    ("deep indentation", "x = (1,\n|" + " " * 60 + "2)", "self.next(self.end)", None),
    ("bracket open at the end", "x = (1,", "self.next(self.end)", None),
    ("bracket across a dedent", "x = (1,\n|2)\ny = [\n|]", "self.next(self.end)", [8, 9, 10, 11]),
    (
        "multi-line string with code-like lines",
        'x = """\n|def fake(self):\n|    self.next(self.end)\n|"""\ny = 2',
        "self.next(self.end)",
        None,  # "next" in the middle: kept whole (a string cannot hide a transition)
    ),
    (
        "multi-line string at column 0",
        'x = """\n|    class A:\n|pass\n|"""\ny = 2',
        "self.next(self.end)",
        [8, 9, 10, 11, 12],
    ),
    (
        "triple quote closed on a continuation line",
        "x = '''a\n|b''' + \"'''\"\ny = 2",
        "self.next(self.end)",
        [8, 9, 10],
    ),
    ("escaped quotes", "x = 'it\\'s'\ny = \"\\\"\"", "self.next(self.end)", [8, 9]),
    ("next not at the tail", "if True:\n    self.next(self.end)\nx = 1", "self.next(self.end)", []),
    ("next in a comment", "x = 1  # then next", "self.next(self.end)", []),
    ("tail inside a compound statement", "x = 1\nif x:", "    self.next(self.end)", []),
    ("tail is a string", "x = 1", "'the end'", []),
    ("tail is an else branch", "if x: pass", "else: self.next(self.end)", []),
    ("tail is a with block", "x = 1", "with x: self.next(self.end)", []),
    ("semicolons in the tail", "x = 1", "y = 2; self.next(self.end)", [8]),
    ("multi-line tail", "x = 1", "self.next(\n|            self.end,\n|        )", [8]),
    (
        "nested def with decorators",
        "@deco\ndef f(a=(1,\n|2)):\n    return a",
        "self.next(self.end)",
        [8, 9, 10, 11],
    ),
    ("comments at column 0", "x = 1\n|# note\n|\ny = 2", "self.next(self.end)", [8, 9, 11]),
    ("non-ASCII", "x = 'naïve 🚀'", "self.next(self.end)  # café", [8]),
]


@pytest.mark.parametrize(
    ("body", "tail", "blanked"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_rule_of_the_scan_and_parity_with_the_full_parse(
    body: str, tail: str, blanked: list[int] | None
) -> None:
    source = step_flow(body, tail)
    assert _blanked(source) == (blanked or None)
    _assert_same_as_full(source)


def test_next_not_at_the_tail_is_still_reported_in_the_first_result() -> None:
    source = step_flow("x = 1\nif x:\n    self.next(self.end)\ny = 2")
    first, _, _ = _assert_same_as_full(source)
    assert any(d.rule == "mfstudio-next-not-last" for d in first.diagnostics)


def test_a_def_line_that_opens_a_string_is_not_taken_for_a_header() -> None:
    # "def start(self, a=\"\"\"):" ends with a colon, but its string runs on: the lines
    # below are string content, not a body, and must stay as they are
    source = step_flow("z = 1").replace(
        "    def start(self):\n",
        '    def start(self, a="""):\n'
        "        x = 1\n        y = 2\n        self.next(self.x)\n"
        '"""):\n',
    )
    blanked = _blanked(source)
    assert blanked is not None and not set(blanked) & {7, 8, 9}
    _assert_same_as_full(source)


def test_a_long_statement_spanning_lines_is_not_blanked() -> None:
    long_call = "x = f(\n" + "|            1,\n" * 120 + "|        )"
    assert _blanked(step_flow(long_call + "\ny = 2")) is None
    _assert_same_as_full(step_flow(long_call + "\ny = 2"))


def test_crlf_line_endings() -> None:
    source = TRICKY_FLOW.replace("\n", "\r\n")
    assert _blanked(source)
    _assert_same_as_full(source)


@pytest.mark.parametrize(
    "body",
    [
        "x = = 1",  # a syntax error
        "x = 1\n    y = 2",  # an unexpected indent
        "x = (1,\n|2]",  # a mismatched bracket
        "def f():\n    nonlocal q",  # valid for ast.parse, refused by the checker: re-analysed
        "x = 1\nif x:\ny = 2",  # a block without its body
    ],
)
def test_errors_in_blanked_lines_surface_in_the_second_result(body: str) -> None:
    source = step_flow("a = 0\n" + body + "\nb = 3")
    first, pending, final = _assert_same_as_full(source)
    assert pending
    assert not any(d.rule == "syntax" for d in first.diagnostics)
    assert final is not first  # the check failed: the file was analysed again, in full


def test_error_in_a_kept_line_is_found_at_once() -> None:
    source = step_flow("x = 1\ny = 2", "self.next(self.end) x")
    assert _blanked(source) == [8, 9]  # the scan sees a line with balanced brackets...
    first, pending, _ = _assert_same_as_full(source)
    assert not pending  # ...but the skeleton does not parse: the full parse ran right away
    assert any(d.rule == "syntax" for d in first.diagnostics)


def test_without_deferral_every_result_is_complete() -> None:
    source = step_flow("x = = 1")
    inc = IncrementalAnalyzer("f.py")
    result = inc.update(source)
    assert not inc.body_check_pending
    assert any(d.rule == "syntax" for d in result.diagnostics)


def test_an_update_finishes_a_pending_check_first() -> None:
    broken = step_flow("x = = 1\ny = 2")
    inc = IncrementalAnalyzer("f.py", defer_body_check=True)
    inc.update(broken)
    assert inc.body_check_pending
    edited = broken.replace("y = 2", "y = 3")  # inside the same step: fast-path material
    first = inc.update(edited)
    # the old text's check ran first and found the error, so this was no splice onto an
    # unchecked state: a full analysis (of the new text, itself deferred again)
    assert not inc.last_update_was_incremental
    assert not any(d.rule == "syntax" for d in first.diagnostics)
    assert inc.body_check_pending
    final = inc.finish_body_check()
    assert final is not None and any(d.rule == "syntax" for d in final.diagnostics)
    assert snapshot(final) == snapshot(analyze_source(edited, "f.py"))


def test_typing_after_a_deferred_open_takes_the_fast_path() -> None:
    big = generate_flow(200)
    inc = IncrementalAnalyzer("big.py", defer_body_check=True)
    inc.update(big)
    edited = big.replace("self.value = x * 100", "self.value = x * 100 + 1")
    result = inc.update(edited)
    assert inc.last_update_was_incremental
    assert snapshot(result) == snapshot(analyze_source(edited, "big.py"))


_FRAGMENTS = [
    "self.next(",
    "self.",
    ")",
    "(",
    "[",
    "]",
    "def f(x):",
    "if x:",
    "else:",
    "\n",
    "\n    ",
    "\n        ",
    "\n            ",
    ":",
    "'",
    '"',
    '"""',
    "'''",
    "#",
    "\\",
    "\t",
    "x = 1",
    "next",
    "é",
    "f'{x}'",
    "return",
    "pass",
    "@step",
    ",",
    "=",
]
_BASES = [TRICKY_FLOW, generate_flow(12), DEMO]


@st.composite
def _edited(draw: st.DrawFn) -> str:
    """A base source with a few random insertions and deletions (mostly inside bodies)."""
    source = draw(st.sampled_from(_BASES))
    for _ in range(draw(st.integers(1, 3))):
        pos = draw(st.integers(0, len(source)))
        cut = draw(st.integers(0, 12))
        piece = draw(st.lists(st.sampled_from(_FRAGMENTS), max_size=3).map("".join))
        source = source[:pos] + piece + source[pos + cut :]
    return source


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_edited())
def test_random_edits_give_the_full_analysis(source: str) -> None:
    _assert_same_as_full(source)
