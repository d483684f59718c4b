"""Feature functions called directly on real analyses (no server): the cases that are
awkward to reach over stdio."""

from __future__ import annotations

from lsp_harness import position_of
from lsprotocol import types
from mfstudio.flowgraph import analyze_source
from mfstudio.flowgraph.catalog import catalog
from mfstudio.lsp.code_lens import code_lenses
from mfstudio.lsp.completion import complete
from mfstudio.lsp.hover import step_markdown
from mfstudio.lsp.positions import LineIndex

FOREACH_SWITCH = '''\
from metaflow import FlowSpec, step


class LoopFlow(FlowSpec):
    @step
    def start(self):
        self.items = [1, 2]
        self.next(self.work, foreach="items")

    @step
    def work(self):
        """<script>alert(1)</script> stays text."""
        self.next(self.gather)

    @step
    def gather(self, inputs):
        self.next(self.decide)

    @step
    def decide(self):
        self.again = False
        self.next({"yes": self.decide, "no": self.end}, condition="again")

    @step
    def end(self):
        pass
'''


def test_hover_markdown_of_foreach_join_and_switch_steps() -> None:
    flow = analyze_source(FOREACH_SWITCH, "loop.py").flow()
    assert flow is not None
    start = step_markdown(flow.name, flow.steps["start"])
    assert "**split-foreach** over `self.items`" in start
    assert "joined in `gather`" in start
    work = step_markdown(flow.name, flow.steps["work"])
    assert "<script>alert(1)</script> stays text." in work  # the editor renders it as text
    decide = step_markdown(flow.name, flow.steps["decide"])
    assert "**split-switch** on `self.again`" in decide
    assert "`'yes'` → `decide`" in decide and "`'no'` → `end`" in decide


def test_switch_case_completion_offers_the_step_itself() -> None:
    typed = FOREACH_SWITCH.replace('{"yes": self.decide, "no": self.end}', '{"yes": self.')
    at = position_of(typed, '{"yes": self.', offset=len('{"yes": self.'))
    analysis = analyze_source(FOREACH_SWITCH, "loop.py")  # the last analysis that had flows
    result = complete(analysis, LineIndex(typed), at, catalog())
    assert result is not None
    assert [i.label for i in result.items] == ["work", "gather", "decide", "end"]


def test_lenses_name_the_flow_in_a_file_with_two_flows() -> None:
    source = (
        FOREACH_SWITCH + "\n\n" + FOREACH_SWITCH.split("\n\n\n")[1].replace("LoopFlow", "Other")
    )
    analysis = analyze_source(source, "two.py")
    lenses = code_lenses(analysis, LineIndex(source), "file:///two.py")
    commands = [
        lens.command
        for lens in lenses
        if lens.command is not None and lens.command.command == "metaflow.showDag"
    ]
    flows = [c.arguments[2] for c in commands if c.arguments and c.arguments[1] is None]
    assert flows == ["LoopFlow", "Other"]
    assert len(commands) == 2 + 2 * 5
    other_start = [
        lens.range.start
        for lens in lenses
        if lens.command
        and lens.command.command == "metaflow.showDag"
        and lens.command.arguments == ["file:///two.py", "start", "Other"]
    ]
    assert other_start == [types.Position(line=position_of(source, "@step", 5).line, character=4)]
