"""Completion over a real stdio session: step names in transitions, Metaflow's decorators
(from Metaflow's own registry) and their arguments."""

from __future__ import annotations

from conftest import BRANCH_FLOW
from lsp_harness import LspSession, position_of
from lsprotocol import types


def _complete(session: LspSession, uri: str, at: types.Position) -> dict[str, types.CompletionItem]:
    result = session.run(
        session.client.text_document_completion_async(
            types.CompletionParams(text_document=session.doc(uri), position=at)
        ),
        timeout=30,  # the first decorator completion imports Metaflow
    )
    if result is None:
        return {}
    items = result.items if isinstance(result, types.CompletionList) else result
    return {item.label: item for item in items}


def _typing(session: LspSession, uri: str, before: str, typed: str) -> tuple[str, types.Position]:
    """Open the valid flow, then replace the first ``before`` by ``typed`` as a user mid-edit
    would; ``|`` in ``typed`` marks the cursor. Returns the text and the cursor position."""
    session.open(uri, BRANCH_FLOW)
    text = BRANCH_FLOW.replace(before, typed, 1)
    at = position_of(text, "|")
    text = text.replace("|", "", 1)
    session.change(uri, text)
    return text, at


def test_step_names_inside_self_next(session: LspSession, doc_uri: str) -> None:
    _, at = _typing(session, doc_uri, "self.next(self.join)\n", "self.next(self.|\n")
    items = _complete(session, doc_uri, at)
    assert list(items) == ["right", "join", "end"]  # not start, not the step being edited
    assert items["join"].kind == types.CompletionItemKind.Method
    assert items["join"].detail == "join step"


def test_step_names_after_a_comma(session: LspSession, doc_uri: str) -> None:
    _, at = _typing(
        session, doc_uri, "self.next(self.join)\n", "self.next(self.right,\n            self.|\n"
    )
    assert "join" in _complete(session, doc_uri, at)


def test_no_step_names_outside_self_next(session: LspSession, doc_uri: str) -> None:
    _, at = _typing(session, doc_uri, "self.next(self.join)\n", "x = self.|\n")
    assert _complete(session, doc_uri, at) == {}


def test_step_decorators_above_a_def(session: LspSession, doc_uri: str) -> None:
    _, at = _typing(session, doc_uri, "    @retry(times=2)\n", "    @|\n")
    items = _complete(session, doc_uri, at)
    assert {"step", "retry", "resources", "catch", "timeout", "card"} <= set(items)
    assert "schedule" not in items and "project" not in items
    assert not any(name.endswith("_internal") for name in items)
    documentation = items["retry"].documentation
    assert isinstance(documentation, types.MarkupContent) and "retr" in documentation.value.lower()


def test_flow_decorators_above_a_class(session: LspSession, doc_uri: str) -> None:
    _, at = _typing(session, doc_uri, '@project(name="demo")\n', "@|\n")
    items = _complete(session, doc_uri, at)
    assert {"project", "schedule", "trigger"} <= set(items)
    assert "retry" not in items and "step" not in items


def test_decorator_argument_names_with_defaults(session: LspSession, doc_uri: str) -> None:
    _, at = _typing(session, doc_uri, "@retry(times=2)", "@retry(|")
    items = _complete(session, doc_uri, at)
    assert set(items) == {"times", "minutes_between_retries"}
    assert items["times"].detail == "= '3'"
    assert items["times"].insert_text == "times="
    _, at = _typing(session, doc_uri, "@retry(times=2)", "@retry(times=2, |")
    assert set(_complete(session, doc_uri, at)) == {"minutes_between_retries"}
    _, at = _typing(session, doc_uri, "@retry(times=2)", "@resources(memory=|")
    assert _complete(session, doc_uri, at) == {}  # a value, not an argument name
