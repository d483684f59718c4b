"""The deferred body check over a real stdio session: a file opened with a syntax error in
the middle of a step body first gets its graph, then the syntax diagnostic."""

from __future__ import annotations

from conftest import BRANCH_FLOW
from lsp_harness import LspSession, position_of

# "left" gets a body whose middle the server's first analysis leaves out (skeleton.py)
BROKEN_BODY = BRANCH_FLOW.replace(
    '        """Go left."""\n',
    '        """Go left."""\n        x = 1\n        y = = 2\n        z = 3\n',
)


def test_syntax_error_in_a_skipped_body_line_is_published(
    session: LspSession, doc_uri: str
) -> None:
    session.open(doc_uri, BROKEN_BODY)

    def syntax_published() -> bool:
        latest = session.latest_diagnostics(doc_uri)
        return latest is not None and any(d.code == "syntax" for d in latest.diagnostics)

    assert session.wait_until(syntax_published), session.diagnostics.get(doc_uri)
    latest = session.latest_diagnostics(doc_uri)
    assert latest is not None and latest.version == 1
    syntax = [d for d in latest.diagnostics if d.code == "syntax"]
    assert [d.range.start.line for d in syntax] == [position_of(BROKEN_BODY, "y = = 2").line]
    # the graph request answers from the same, complete analysis
    payload = session.flow_graph(doc_uri)
    assert any(d["rule"] == "syntax" for d in payload["diagnostics"])
    assert set(payload["steps"]) == {"start", "left", "right", "join", "end"}


def test_valid_body_lines_publish_once(session: LspSession, doc_uri: str) -> None:
    valid = BROKEN_BODY.replace("y = = 2", "y = 2")
    session.open(doc_uri, valid)
    published = session.wait_for_diagnostics(doc_uri, version=1)
    assert not [d for d in published.diagnostics if d.code == "syntax"]
    # a change published after the check proves the check (queued first) is done
    version = session.change(doc_uri, valid + "# edited\n")
    session.wait_for_diagnostics(doc_uri, version=version)
    assert [p.version for p in session.diagnostics[doc_uri]] == [1, version]
