"""The custom ``metaflow/flowGraph`` request and ``metaflow/flowGraphChanged`` notification."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BRANCH_FLOW
from lsp_harness import LspSession, uri_for
from pygls.exceptions import JsonRpcException

NEW_STEP = BRANCH_FLOW.replace(
    "        self.next(self.join)\n\n    @step\n    def join",
    "        self.next(self.extra)\n\n    @step\n    def extra(self):\n"
    "        self.next(self.join)\n\n    @step\n    def join",
)


def test_flow_graph_of_an_open_document(session: LspSession, doc_uri: str) -> None:
    session.open(doc_uri, BRANCH_FLOW)
    graph = session.flow_graph(doc_uri)
    assert graph["flow"] == "BranchFlow" and graph["flows"] == ["BranchFlow"]
    assert list(graph["steps"]) == ["start", "left", "right", "join", "end"]
    assert graph["steps"]["start"]["type"] == "split-static"
    assert graph["steps"]["start"]["next"] == ["left", "right"]
    assert graph["steps"]["join"]["type"] == "join"
    assert graph["steps"]["join"]["in_funcs"] == ["left", "right"] or sorted(
        graph["steps"]["join"]["in_funcs"]
    ) == ["left", "right"]
    assert graph["parameters"][0]["name"] == "alpha"
    assert [d["name"] for d in graph["flow_decorators"]] == ["project"]
    assert graph["file"].endswith(Path(doc_uri).name)


def test_flow_graph_analyses_pending_edits_now(session: LspSession, doc_uri: str) -> None:
    session.open(doc_uri, BRANCH_FLOW)
    session.wait_for_diagnostics(doc_uri, version=1)
    version = session.change(doc_uri, NEW_STEP)
    graph = session.flow_graph(doc_uri)  # before the debounce fires
    assert "extra" in graph["steps"]
    assert graph["steps"]["right"]["next"] == ["extra"]
    session.wait_for_diagnostics(doc_uri, version=version)  # and published after the pause


def test_graph_changed_is_notified_only_when_the_graph_changes(
    session: LspSession, doc_uri: str
) -> None:
    session.open(doc_uri, BRANCH_FLOW)
    session.wait_until(lambda: any(c["uri"] == doc_uri for c in session.graph_changes))
    mine = lambda: [c for c in session.graph_changes if c["uri"] == doc_uri]  # noqa: E731
    assert mine() == [{"uri": doc_uri, "version": 1}]

    version = session.change(doc_uri, NEW_STEP)
    assert session.wait_until(lambda: len(mine()) == 2)
    assert mine()[-1] == {"uri": doc_uri, "version": version}

    # a comment appended at the end changes no step, range or diagnostic
    version = session.change(doc_uri, NEW_STEP + "# trailing comment\n")
    session.wait_for_diagnostics(doc_uri, version=version)
    session.settle(0.05)
    assert len(mine()) == 2


def test_flow_graph_by_flow_name(session: LspSession, doc_uri: str) -> None:
    two_flows = BRANCH_FLOW + BRANCH_FLOW.split("\n\n\n")[1].replace("BranchFlow", "OtherFlow")
    session.open(doc_uri, two_flows)
    assert session.flow_graph(doc_uri)["flow"] == "OtherFlow"  # the last one, as Metaflow does
    assert session.flow_graph(doc_uri, "BranchFlow")["flow"] == "BranchFlow"
    # a flow renamed under a panel: no error, a payload that says so and lists the flows
    missing = session.flow_graph(doc_uri, "Missing")
    assert missing["flow"] is None and missing["steps"] == {}
    assert missing["flows"] == ["BranchFlow", "OtherFlow"]


def test_flow_graph_reads_unopened_files_from_disk(session: LspSession, workspace: Path) -> None:
    path = workspace / "on_disk_flow.py"
    path.write_text(BRANCH_FLOW, encoding="utf-8")
    graph = session.flow_graph(uri_for(path))
    assert graph["flow"] == "BranchFlow" and len(graph["steps"]) == 5


def test_flow_graph_errors_are_clear(session: LspSession, workspace: Path) -> None:
    missing = workspace / "no_such_flow.py"
    with pytest.raises(JsonRpcException, match=r"no_such_flow\.py") as raised:
        session.flow_graph(uri_for(missing))
    assert raised.value.code == -32001
    with pytest.raises(JsonRpcException, match="not open in the editor") as raised:
        session.flow_graph("untitled:Untitled-1")
    assert raised.value.code == -32001
    with pytest.raises(JsonRpcException, match="'uri' must be a non-empty string") as raised:
        session.request("metaflow/flowGraph", {"flow": None})
    assert raised.value.code == -32602
    assert session.alive
