"""Graph computation on shapes the parity corpus does not cover, and its bounds."""

from __future__ import annotations

import time

from mfstudio.flowgraph import analyze_source


def _diamonds(n: int) -> str:
    """n two-way splits in a row: 2**n paths, which Metaflow's own walk enumerates."""
    out = ["from metaflow import FlowSpec, step", "", "", "class D(FlowSpec):"]
    for i in range(n):
        head = "start" if i == 0 else f"s{i}"
        after = f"s{i + 1}" if i + 1 < n else "end"
        out += [
            f"    @step\n    def {head}(self):\n        self.next(self.l{i}, self.r{i})",
            f"    @step\n    def l{i}(self):\n        self.next(self.j{i})",
            f"    @step\n    def r{i}(self):\n        self.next(self.j{i})",
            f"    @step\n    def j{i}(self, inputs):\n        self.next(self.{after})",
        ]
    out.append("    @step\n    def end(self):\n        pass\n")
    return "\n".join(out)


def test_many_diamonds_in_a_row_stay_fast() -> None:
    t = time.perf_counter()
    analysis = analyze_source(_diamonds(60))
    assert time.perf_counter() - t < 1.0
    assert analysis.diagnostics == []
    flow = analysis.flow()
    assert flow is not None and len(flow.steps) == 241
    assert flow.steps["start"].matching_join == "j0"
    assert flow.steps["s59"].matching_join == "j59"
    assert flow.graph_structure[:3] == ["start", [["l0"], ["r0"]], "j0"]


def test_splits_that_never_join_are_bounded() -> None:
    # every join also splits again: the split stack grows along 2**n paths
    source = _diamonds(40).replace("(self, inputs):\n        self.next(self.s", "(self, inputs):\n"
                                   "        self.next(self.s")
    source = source.replace("def j", "def j").replace("(self, inputs)", "(self)")
    t = time.perf_counter()
    analysis = analyze_source(source)
    assert time.perf_counter() - t < 2.0
    assert any(d.rule == "check_split_join_balance" for d in analysis.diagnostics)


def test_cycles_do_not_hang_and_are_reported() -> None:
    source = (
        "from metaflow import FlowSpec, step\nclass C(FlowSpec):\n"
        "    @step\n    def start(self):\n        self.next(self.a)\n"
        "    @step\n    def a(self):\n        self.next(self.b, self.c)\n"
        "    @step\n    def b(self):\n        self.next(self.a)\n"
        "    @step\n    def c(self):\n        self.next(self.start)\n"
        "    @step\n    def end(self):\n        pass\n"
    )
    analysis = analyze_source(source)
    rules = {d.rule for d in analysis.diagnostics}
    assert {"check_for_acyclicity", "check_start_end_degree"} <= rules
    flow = analysis.flow()
    assert flow is not None and flow.graph_structure[-1] == "end"


def test_recursive_switch_structure() -> None:
    source = (
        "from metaflow import FlowSpec, step\nclass R(FlowSpec):\n"
        "    @step\n    def start(self):\n"
        "        self.next({'again': self.start, 'done': self.end}, condition='s')\n"
        "    @step\n    def end(self):\n        pass\n"
    )
    flow = analyze_source(source).flow()
    assert flow is not None
    assert flow.steps["start"].type == "split-switch"
    assert flow.graph_structure == ["start", [[]], "end"]
