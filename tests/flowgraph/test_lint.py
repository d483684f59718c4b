"""Lint behaviour beyond one-rule parity: every problem at once, our own checks, positions."""

from __future__ import annotations

from pathlib import Path

from mfstudio.flowgraph import Severity, analyze_source

from .corpus import CORPUS

HEAD = "from metaflow import FlowSpec, step\n\n\nclass F(FlowSpec):\n"
END = "    @step\n    def end(self):\n        pass\n"


def _rules(source: str) -> list[tuple[str, int, str]]:
    return [(d.rule, d.range.start.line, d.severity.value)
            for d in analyze_source(source).diagnostics]


def test_every_problem_is_reported_not_only_the_first() -> None:
    source = HEAD + (
        "    @step\n    def start(self):\n        self.next(self.a, self.b)\n\n"  # 5-7
        "    @step\n    def a(self):\n        self.next(self.ghost)\n\n"  # 9-11
        "    @step\n    def b(self):\n        self.next(self.phantom)\n\n"  # 13-15
    ) + END
    found = _rules(source)
    assert ("check_unknown_transitions", 11, "error") in found
    assert ("check_unknown_transitions", 15, "error") in found


def test_unknown_target_is_underlined_exactly() -> None:
    source = HEAD + "    @step\n    def start(self):\n        self.next(self.nope)\n\n" + END
    (d,) = [d for d in analyze_source(source).diagnostics if d.rule == "check_unknown_transitions"]
    line = source.splitlines()[d.range.start.line - 1]
    assert line[d.range.start.column : d.range.end.column] == "nope"
    assert "Known steps: end, start" in d.message


def test_nested_foreach_is_information_only() -> None:
    path = CORPUS / "valid" / "nested_foreach_flow.py"
    found = _rules(path.read_text())
    assert found == [("check_nested_foreach", 11, "info")]  # def row


def test_self_next_inside_a_block_is_a_warning() -> None:
    source = HEAD + (
        "    @step\n    def start(self):\n        if True:\n            self.next(self.end)\n\n"
    ) + END
    found = _rules(source)
    assert ("mfstudio-next-not-last", 8, "warning") in found
    assert ("check_static_transitions", 6, "error") in found


def test_a_step_defined_twice_is_a_warning() -> None:
    step = "    @step\n    def start(self):\n        self.next(self.end)\n\n"
    found = _rules(HEAD + step + step + END)
    assert ("mfstudio-duplicate-step", 10, "warning") in found


def test_problems_in_an_inherited_step_point_at_the_flow(tmp_path: Path) -> None:
    (tmp_path / "base.py").write_text(
        "from metaflow import FlowSpec, step\n\n"
        "class Base(FlowSpec):\n    @step\n    def start(self):\n        self.next(self.gone)\n"
    )
    flow_file = tmp_path / "child.py"
    source = "from base import Base\nfrom metaflow import step\n\nclass Child(Base):\n" + END
    flow_file.write_text(source)
    analysis = analyze_source(source, str(flow_file))
    (d,) = [d for d in analysis.diagnostics if d.rule == "check_unknown_transitions"]
    assert d.range.start.line == 4  # the class name of the flow being analysed
    assert "inherited from" in d.message and "base.py" in d.message


def test_base_class_in_the_same_file_is_not_linted_as_a_flow() -> None:
    path = CORPUS / "valid" / "inherit_same_file_flow.py"
    analysis = analyze_source(path.read_text(), str(path))
    assert [f.name for f in analysis.flows] == ["InheritSameFileFlow"]
    assert analysis.diagnostics == []


def test_mid_edit_noise_is_held_back_while_the_line_is_broken() -> None:
    source = HEAD + "    @step\n    def start(self):\n        self.next(self.\n\n" + END
    rules = {d.rule for d in analyze_source(source).diagnostics}
    assert rules == {"syntax"}


def test_severities_are_typed() -> None:
    source = HEAD + "    @step\n    def start(self):\n        self.next(self.nope)\n\n" + END
    assert all(isinstance(d.severity, Severity) for d in analyze_source(source).diagnostics)
