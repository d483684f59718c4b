"""Never crash, never hang: truncated and mangled sources, requests out of order, bad
params. Every request gets an answer (a result or a JSON-RPC error) and the server lives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import BRANCH_FLOW
from lsp_harness import LspSession, position_of
from lsprotocol import types
from pygls.exceptions import JsonRpcException

CORPUS = Path(__file__).resolve().parents[2] / "test-fixtures" / "flows"


def _sources() -> list[str]:
    corpus = sorted(CORPUS.rglob("*.py")) if CORPUS.is_dir() else []
    return [BRANCH_FLOW, *(p.read_text(encoding="utf-8") for p in corpus[:12])]


def _mangle(rng: random.Random, text: str) -> str:
    cut = rng.randrange(len(text) + 1)
    choice = rng.randrange(3)
    if choice == 0:
        return text[:cut]  # truncated while typing
    if choice == 1:
        end = min(len(text), cut + rng.randrange(1, 40))
        return text[:cut] + text[end:]  # a slice deleted
    return (
        text[:cut] + rng.choice(["(", "self.next(self.", "@", '"""', "\t", "é🚀", ")"]) + text[cut:]
    )


def test_mangled_sources_always_get_a_graph(session: LspSession, doc_uri: str) -> None:
    rng = random.Random(20261126)
    sources = _sources()
    session.open(doc_uri, sources[0])
    for case in range(60):
        text = _mangle(rng, sources[case % len(sources)])
        session.change(doc_uri, text)
        graph = session.flow_graph(doc_uri)
        assert isinstance(graph, dict) and "steps" in graph and "diagnostics" in graph, text
        if case % 10 == 0:  # the editor features too
            at = types.Position(
                line=rng.randrange(text.count("\n") + 1), character=rng.randrange(30)
            )
            session.run(
                session.client.text_document_completion_async(
                    types.CompletionParams(text_document=session.doc(doc_uri), position=at)
                ),
                timeout=30,
            )
            session.run(
                session.client.text_document_hover_async(
                    types.HoverParams(text_document=session.doc(doc_uri), position=at)
                )
            )
    assert session.alive


def test_requests_on_unopened_documents_answer_empty(session: LspSession, workspace: Path) -> None:
    uri = (workspace / "never_opened.py").as_uri()
    at = types.Position(line=0, character=0)
    assert (
        session.run(
            session.client.text_document_definition_async(
                types.DefinitionParams(text_document=session.doc(uri), position=at)
            )
        )
        is None
    )
    assert (
        session.run(
            session.client.text_document_document_symbol_async(
                types.DocumentSymbolParams(text_document=session.doc(uri))
            )
        )
        is None
    )


@pytest.mark.parametrize(
    "params", [None, [], "file:///x.py", {"uri": 3}, {"uri": "", "flow": None}]
)
def test_malformed_flow_graph_params_get_invalid_params(
    session: LspSession, params: object
) -> None:
    with pytest.raises(JsonRpcException) as raised:
        session.request("metaflow/flowGraph", params)
    assert raised.value.code == -32602
    assert session.alive


def test_positions_out_of_range_are_harmless(session: LspSession, doc_uri: str) -> None:
    session.open(doc_uri, BRANCH_FLOW)
    far = types.Position(line=10_000, character=10_000)
    hover = session.run(
        session.client.text_document_hover_async(
            types.HoverParams(text_document=session.doc(doc_uri), position=far)
        )
    )
    assert hover is None
    near_end = position_of(BRANCH_FLOW, "BranchFlow()")
    far_right = types.Position(line=near_end.line, character=near_end.character + 500)
    assert (
        session.run(
            session.client.text_document_definition_async(
                types.DefinitionParams(text_document=session.doc(doc_uri), position=far_right)
            )
        )
        is None
    )
    assert session.alive


def test_an_error_in_a_notification_is_reported_not_fatal(
    session: LspSession, workspace: Path
) -> None:
    uri = (workspace / "changed_before_open.py").as_uri()
    session.versions[uri] = 1
    before = len(session.messages)
    start = types.Position(line=3, character=0)
    session.edit(uri, start, start, "x")  # an incremental change to a document never opened
    assert session.wait_until(lambda: len(session.messages) > before)
    assert any("changed_before_open.py" in m for m in session.messages[before:])
    assert session.alive
    session.open(uri, BRANCH_FLOW)
    assert session.flow_graph(uri)["flow"] == "BranchFlow"
