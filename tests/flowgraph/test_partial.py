"""Files in mid-edit: a partial graph and a syntax diagnostic exactly where Python puts it."""

from __future__ import annotations

from pathlib import Path

import pytest
from mfstudio.flowgraph import analyze_source

from .corpus import corpus_files, expected_steps

PARTIAL = corpus_files("partial")


def _python_error(source: str) -> SyntaxError:
    try:
        compile(source, "x.py", "exec")
    except SyntaxError as err:
        return err
    raise AssertionError("the corpus file should not compile")


@pytest.mark.parametrize("path", PARTIAL, ids=lambda p: p.stem)
def test_partial_graph_and_precise_syntax_error(path: Path) -> None:
    source = path.read_text()
    err = _python_error(source)
    analysis = analyze_source(source, str(path))
    syntax = [d for d in analysis.diagnostics if d.rule == "syntax"]
    assert len(syntax) == 1
    assert syntax[0].severity.value == "error"
    assert syntax[0].range.start.line == err.lineno
    assert syntax[0].range.start.column == (err.offset or 1) - 1
    assert err.msg in syntax[0].message
    flow = analysis.flow()
    assert flow is not None, "the flow class must survive the syntax error"
    for step in expected_steps(path):
        assert step in flow.steps, (step, list(flow.steps))


def test_half_typed_transition_keeps_the_other_steps_linked() -> None:
    source = (corpus_files("partial")[0].parent / "unclosed_paren.py").read_text()
    flow = analyze_source(source).flow()
    assert flow is not None
    assert flow.steps["a"].next == ["end"]
    assert flow.steps["end"].type == "end"


@pytest.mark.parametrize(
    "source",
    [
        "",
        "\0\0",
        "class",
        "class F(FlowSpec",
        "(" * 500,
        "[" * 5000 + "]" * 5000,
        "x = " + "-" * 100_000 + "1",
        "def f():\n" + "    if x:\n" * 150 + "        pass\n",
        "class F(FlowSpec):\n    @step\n    def start(self):\n        self.next("
        + "self.a, " * 3000
        + ")\n",
        '"""' * 7,
        "\ufeffclass F(FlowSpec): pass",
        "class F(FlowSpec):\n\t@step\n\tdef start(self):\n\t\tself.next(self.end)\n        pass\n",
    ],
    ids=lambda s: repr(s[:20]),
)
def test_never_raises_on_odd_input(source: str) -> None:
    analysis = analyze_source(source)
    assert isinstance(analysis.diagnostics, list)


def test_compile_warnings_about_user_code_stay_quiet() -> None:
    """``"\\c"`` or ``assert (x, y)`` in a flow are Python warnings, not syntax errors,
    even in a process that turns warnings into errors; and nothing reaches stderr."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    code = (
        "from mfstudio.flowgraph import analyze_source\n"
        "src = 'x = \"\\\\c\"\\nassert (x, 1)\\n'\n"
        "a = analyze_source(src)\n"
        "assert a.diagnostics == [], a.diagnostics\n"
    )
    env = dict(os.environ, PYTHONPATH=str(root / "pyserver"))
    proc = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True,
        env=env, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
