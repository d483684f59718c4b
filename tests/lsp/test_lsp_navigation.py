"""Symbols, go to definition, references, hover and code lenses over a real stdio session."""

from __future__ import annotations

from conftest import BRANCH_FLOW
from lsp_harness import LspSession, position_of
from lsprotocol import types


def _opened(session: LspSession, uri: str, text: str = BRANCH_FLOW) -> None:
    session.open(uri, text)
    session.wait_for_diagnostics(uri)


def test_document_symbols_outline_flow_steps_and_parameters(
    session: LspSession, doc_uri: str
) -> None:
    _opened(session, doc_uri)
    result = session.run(
        session.client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=session.doc(doc_uri))
        )
    )
    assert result is not None and len(result) == 1
    flow = result[0]
    assert isinstance(flow, types.DocumentSymbol)
    assert (flow.name, flow.kind) == ("BranchFlow", types.SymbolKind.Class)
    children = [(c.name, c.kind) for c in flow.children or []]
    assert children == [
        ("alpha", types.SymbolKind.Property),
        ("start", types.SymbolKind.Method),
        ("left", types.SymbolKind.Method),
        ("right", types.SymbolKind.Method),
        ("join", types.SymbolKind.Method),
        ("end", types.SymbolKind.Method),
    ]
    left = next(c for c in flow.children or [] if c.name == "left")
    assert left.selection_range.start == position_of(BRANCH_FLOW, "def left", offset=4)
    # the step's range covers its decorators
    assert left.range.start.line == position_of(BRANCH_FLOW, "@retry").line


def _definition(session: LspSession, uri: str, at: types.Position) -> object:
    return session.run(
        session.client.text_document_definition_async(
            types.DefinitionParams(text_document=session.doc(uri), position=at)
        )
    )


def test_definition_from_transition_target_to_def(session: LspSession, doc_uri: str) -> None:
    _opened(session, doc_uri)
    # `self.right` comes after non-ASCII text on its line: the UTF-16 column must be exact
    at = position_of(BRANCH_FLOW, "self.right", offset=len("self.ri"))
    location = _definition(session, doc_uri, at)
    assert isinstance(location, types.Location)
    assert location.uri == doc_uri
    start = position_of(BRANCH_FLOW, "def right", offset=4)
    assert location.range == types.Range(
        start=start, end=types.Position(start.line, start.character + len("right"))
    )


def test_definition_from_switch_case(session: LspSession, doc_uri: str) -> None:
    text = """\
from metaflow import FlowSpec, step


class SwitchFlow(FlowSpec):
    @step
    def start(self):
        self.mode = "fast"
        self.next({"fast": self.quick, "slow": self.careful}, condition="mode")

    @step
    def quick(self):
        self.next(self.end)

    @step
    def careful(self):
        self.next(self.end)

    @step
    def end(self):
        pass
"""
    _opened(session, doc_uri, text)
    location = _definition(session, doc_uri, position_of(text, "self.careful", offset=6))
    assert isinstance(location, types.Location)
    assert location.range.start == position_of(text, "def careful", offset=4)


def test_definition_elsewhere_is_empty(session: LspSession, doc_uri: str) -> None:
    _opened(session, doc_uri)
    assert _definition(session, doc_uri, position_of(BRANCH_FLOW, "Parameter(")) is None


def test_references_list_every_transition_into_a_step(session: LspSession, doc_uri: str) -> None:
    _opened(session, doc_uri)

    def references(include: bool) -> list[types.Location]:
        result = session.run(
            session.client.text_document_references_async(
                types.ReferenceParams(
                    text_document=session.doc(doc_uri),
                    position=position_of(BRANCH_FLOW, "def join", offset=5),
                    context=types.ReferenceContext(include_declaration=include),
                )
            )
        )
        assert result is not None
        return list(result)

    found = [loc.range.start for loc in references(False)]
    assert found == [
        position_of(BRANCH_FLOW, "self.join", 0, offset=5),
        position_of(BRANCH_FLOW, "self.join", 1, offset=5),
    ]
    with_declaration = [loc.range.start for loc in references(True)]
    assert with_declaration == [position_of(BRANCH_FLOW, "def join", offset=4), *found]


def test_hover_on_a_step_shows_type_decorators_doc_and_neighbours(
    session: LspSession, doc_uri: str
) -> None:
    _opened(session, doc_uri)
    for at in (
        position_of(BRANCH_FLOW, "def left", offset=5),
        position_of(BRANCH_FLOW, "self.left", offset=6),
    ):
        result = session.run(
            session.client.text_document_hover_async(
                types.HoverParams(text_document=session.doc(doc_uri), position=at)
            )
        )
        assert result is not None
        assert isinstance(result.contents, types.MarkupContent)
        assert result.contents.kind == types.MarkupKind.Markdown
        text = result.contents.value
        assert "step `left`" in text and "**linear**" in text
        assert "@retry(times=2)" in text  # minutes_between_retries keeps its default: hidden
        assert "Go left." in text
        assert "**next:** `join`" in text and "**from:** `start`" in text


def test_code_lenses_show_dag_for_flow_and_each_step(session: LspSession, doc_uri: str) -> None:
    _opened(session, doc_uri)
    result = session.run(
        session.client.text_document_code_lens_async(
            types.CodeLensParams(text_document=session.doc(doc_uri))
        )
    )
    assert result is not None
    assert all(lens.command is not None for lens in result)
    # the Show DAG lenses (others, e.g. "Debug step", share their places)
    lenses = [
        (lens.range.start.line, lens.command)
        for lens in result
        if lens.command is not None and lens.command.command == "metaflow.showDag"
    ]
    shown = [(line, c.title, list(c.arguments or [])) for line, c in lenses if c is not None]
    flow_lens = (
        position_of(BRANCH_FLOW, "@project").line,
        "Show DAG",
        [doc_uri, None, "BranchFlow"],
    )
    assert shown[0] == flow_lens
    steps = [(line, args[1]) for line, title, args in shown[1:] if title == "Show in DAG"]
    assert all(args[0] == doc_uri and args[2] == "BranchFlow" for _, _, args in shown)
    assert [name for _, name in steps] == ["start", "left", "right", "join", "end"]
    left_line = dict((name, line) for line, name in steps)["left"]
    assert left_line == position_of(BRANCH_FLOW, "@retry").line  # above the decorators
