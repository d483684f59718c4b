"""Diagnostics while typing over a real stdio session: content, debounce, clearing."""

from __future__ import annotations

import time

from conftest import BRANCH_FLOW
from lsp_harness import LspSession, position_of
from lsprotocol import types

BROKEN = BRANCH_FLOW.replace(
    "self.next(self.left, self.right)", "self.next(self.left, self.nowhere)"
)


def test_valid_flow_has_no_error_diagnostics(session: LspSession, doc_uri: str) -> None:
    session.open(doc_uri, BRANCH_FLOW)
    published = session.wait_for_diagnostics(doc_uri, version=1)
    errors = [d for d in published.diagnostics if d.severity == types.DiagnosticSeverity.Error]
    assert errors == []


def test_unknown_transition_is_reported_with_rule_source_and_utf16_range(
    session: LspSession, doc_uri: str
) -> None:
    session.open(doc_uri, BROKEN)
    published = session.wait_for_diagnostics(doc_uri, version=1)
    unknown = [d for d in published.diagnostics if d.code == "check_unknown_transitions"]
    assert len(unknown) == 1, published.diagnostics
    diagnostic = unknown[0]
    assert diagnostic.source == "metaflow"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert "nowhere" in diagnostic.message
    # the target sits after "naïve 🚀" on its line: columns are UTF-16 code units
    start = position_of(BROKEN, "self.nowhere", offset=5)
    assert diagnostic.range == types.Range(
        start=start, end=types.Position(start.line, start.character + len("nowhere"))
    )


def test_syntax_error_while_typing(session: LspSession, doc_uri: str) -> None:
    session.open(doc_uri, BRANCH_FLOW)
    text = BRANCH_FLOW.replace("self.next(self.join)\n", "self.next(self.\n", 1)
    version = session.change(doc_uri, text)
    published = session.wait_for_diagnostics(doc_uri, version=version)
    syntax = [d for d in published.diagnostics if d.code == "syntax"]
    assert syntax and syntax[0].severity == types.DiagnosticSeverity.Error
    assert syntax[0].range.start.line == position_of(text, "self.next(self.\n").line


def test_debounce_publishes_only_the_latest_version(session: LspSession, doc_uri: str) -> None:
    session.open(doc_uri, BRANCH_FLOW)
    session.wait_for_diagnostics(doc_uri, version=1)
    sent = time.monotonic()
    for count in range(1, 6):  # five quick keystrokes, each a new version
        last = session.change(doc_uri, BRANCH_FLOW + "#" * count + "\n")
    session.wait_for_diagnostics(doc_uri, version=last)
    waited = time.monotonic() - sent
    session.settle(0.3)  # anything else due would have arrived by now
    assert [p.version for p in session.diagnostics[doc_uri]] == [1, last]
    assert waited >= 0.1  # published after the pause, not on every keystroke


def test_closing_clears_diagnostics(session: LspSession, doc_uri: str) -> None:
    session.open(doc_uri, BROKEN)
    assert session.wait_for_diagnostics(doc_uri, version=1).diagnostics
    session.close(doc_uri)

    def cleared() -> bool:
        latest = session.latest_diagnostics(doc_uri)
        return latest is not None and len(latest.diagnostics) == 0

    assert session.wait_until(cleared)


def test_incremental_edits_are_applied(session: LspSession, doc_uri: str) -> None:
    session.open(doc_uri, BRANCH_FLOW)
    session.wait_for_diagnostics(doc_uri, version=1)
    start = position_of(BRANCH_FLOW, "self.right)", offset=5)
    end = types.Position(start.line, start.character + len("right"))
    version = session.edit(doc_uri, start, end, "nowhere")
    published = session.wait_for_diagnostics(doc_uri, version=version)
    assert [d.code for d in published.diagnostics if "nowhere" in d.message]
