"""Renaming a step over a real stdio session: prepareRename, the edits, and refusals."""

from __future__ import annotations

import pytest
from conftest import BRANCH_FLOW
from lsp_harness import LspSession, position_of
from lsprotocol import types
from pygls.exceptions import JsonRpcException


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits (UTF-16 positions) to ``text``."""
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        line = lines[position.line]
        units, column = 0, 0
        while units < position.character:
            units += len(line[column].encode("utf-16-le")) // 2
            column += 1
        return sum(len(x) + 1 for x in lines[: position.line]) + column

    for edit in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def _prepare(session: LspSession, uri: str, at: types.Position) -> object:
    return session.run(
        session.client.text_document_prepare_rename_async(
            types.PrepareRenameParams(text_document=session.doc(uri), position=at)
        )
    )


def _rename(
    session: LspSession, uri: str, at: types.Position, new_name: str
) -> types.WorkspaceEdit | None:
    return session.run(
        session.client.text_document_rename_async(
            types.RenameParams(text_document=session.doc(uri), position=at, new_name=new_name)
        )
    )


def test_prepare_rename_on_def_and_on_transition(session: LspSession, doc_uri: str) -> None:
    session.open(doc_uri, BRANCH_FLOW)
    for at, needle, offset in (
        (position_of(BRANCH_FLOW, "def right", offset=6), "def right", 4),
        (position_of(BRANCH_FLOW, "self.right", offset=7), "self.right", 5),
    ):
        result = _prepare(session, doc_uri, at)
        assert isinstance(result, types.PrepareRenamePlaceholder)
        assert result.placeholder == "right"
        assert result.range.start == position_of(BRANCH_FLOW, needle, offset=offset)
    assert _prepare(session, doc_uri, position_of(BRANCH_FLOW, "Parameter(")) is None


def test_rename_updates_def_and_every_transition(session: LspSession, doc_uri: str) -> None:
    session.open(doc_uri, BRANCH_FLOW)
    edit = _rename(session, doc_uri, position_of(BRANCH_FLOW, "self.join", 1, offset=6), "merge")
    assert edit is not None and edit.changes is not None
    renamed = _apply(BRANCH_FLOW, list(edit.changes[doc_uri]))
    assert renamed == BRANCH_FLOW.replace("self.join", "self.merge").replace(
        "def join", "def merge"
    )
    # the transition after non-ASCII text on its line is edited at the right UTF-16 column
    edit = _rename(session, doc_uri, position_of(BRANCH_FLOW, "def right", offset=5), "east")
    assert edit is not None and edit.changes is not None
    renamed = _apply(BRANCH_FLOW, list(edit.changes[doc_uri]))
    assert 'note = "naïve 🚀"; self.next(self.left, self.east)' in renamed
    assert "def east(self):" in renamed and "right" not in renamed


@pytest.mark.parametrize(
    ("new_name", "reason"),
    [
        ("Left-2", "not a valid step name"),
        ("class", "not a valid step name"),
        ("_private", "not a valid step name"),
        ("end", "reserved for Metaflow's end step"),
        ("next", "reserved word"),
        ("right", "already has a step named 'right'"),
    ],
)
def test_rename_refuses_names_metaflow_would_reject(
    session: LspSession, doc_uri: str, new_name: str, reason: str
) -> None:
    session.open(doc_uri, BRANCH_FLOW)
    with pytest.raises(JsonRpcException, match=reason):
        _rename(session, doc_uri, position_of(BRANCH_FLOW, "def left", offset=5), new_name)


def test_start_and_end_cannot_be_renamed(session: LspSession, doc_uri: str) -> None:
    session.open(doc_uri, BRANCH_FLOW)
    at = position_of(BRANCH_FLOW, "def start", offset=5)
    with pytest.raises(JsonRpcException, match="'start' step cannot be renamed"):
        _prepare(session, doc_uri, at)
    with pytest.raises(JsonRpcException, match="'end' step cannot be renamed"):
        _rename(session, doc_uri, position_of(BRANCH_FLOW, "self.end", offset=6), "finish")
