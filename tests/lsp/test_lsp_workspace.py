"""Flows built on base classes from workspace modules, found through the
``workspaceRoots`` initialization option (a folder that is not a workspace folder)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lsp_harness import LspSession, position_of, uri_for
from lsprotocol import types

BASE = '''\
from metaflow import FlowSpec, step


class BaseFlow(FlowSpec):
    @step
    def start(self):
        """Start, inherited: café 🚀."""
        self.next(self.process)

    @step
    def end(self):
        pass
'''

CHILD = """\
from base_flows import BaseFlow
from metaflow import step


class ChildFlow(BaseFlow):
    @step
    def process(self):
        self.next(self.end)


if __name__ == "__main__":
    ChildFlow()
"""


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("layout")
    (root / "project").mkdir()
    (root / "shared").mkdir()
    (root / "shared" / "base_flows.py").write_text(BASE, encoding="utf-8")
    (root / "project" / "child.py").write_text(CHILD, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def roots_session(layout: Path) -> Iterator[LspSession]:
    lsp = LspSession(
        layout / "project", initialization_options={"workspaceRoots": [str(layout / "shared")]}
    )
    lsp.start()
    yield lsp
    lsp.stop()


def test_inherited_steps_come_from_the_workspace_module(
    roots_session: LspSession, layout: Path
) -> None:
    uri = uri_for(layout / "project" / "child.py")
    roots_session.open(uri, CHILD)
    graph = roots_session.flow_graph(uri)
    assert set(graph["steps"]) == {"start", "process", "end"}
    assert graph["steps"]["start"]["next"] == ["process"]
    assert graph["steps"]["start"]["source_file"] == str(layout / "shared" / "base_flows.py")
    errors = [d for d in graph["diagnostics"] if d["severity"] == "error"]
    assert errors == []


def test_definition_of_an_inherited_step_opens_its_module(
    roots_session: LspSession, layout: Path
) -> None:
    uri = uri_for(layout / "project" / "child.py")
    roots_session.open(uri, CHILD)
    location = roots_session.run(
        roots_session.client.text_document_definition_async(
            types.DefinitionParams(
                text_document=roots_session.doc(uri),
                position=position_of(CHILD, "self.end", offset=6),
            )
        )
    )
    assert isinstance(location, types.Location)
    assert location.uri == uri_for(layout / "shared" / "base_flows.py")
    assert location.range.start == position_of(BASE, "def end", offset=4)


def test_lenses_and_symbols_cover_only_steps_written_here(
    roots_session: LspSession, layout: Path
) -> None:
    uri = uri_for(layout / "project" / "child.py")
    roots_session.open(uri, CHILD)
    lenses = roots_session.run(
        roots_session.client.text_document_code_lens_async(
            types.CodeLensParams(text_document=roots_session.doc(uri))
        )
    )
    assert lenses is not None
    steps = [
        lens.command.arguments[1]
        for lens in lenses
        if lens.command and lens.command.arguments and lens.command.command == "metaflow.showDag"
    ]
    assert steps == [None, "process"]
    symbols = roots_session.run(
        roots_session.client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=roots_session.doc(uri))
        )
    )
    assert symbols is not None
    flow = symbols[0]
    assert isinstance(flow, types.DocumentSymbol)
    assert [c.name for c in flow.children or []] == ["process"]


def test_adding_a_workspace_folder_reanalyses_open_documents(
    roots_session: LspSession, layout: Path
) -> None:
    (layout / "later").mkdir()
    (layout / "later" / "later_base.py").write_text(
        BASE.replace("BaseFlow", "LaterBase"), encoding="utf-8"
    )
    child = CHILD.replace("from base_flows import BaseFlow", "from later_base import LaterBase")
    child = child.replace("(BaseFlow)", "(LaterBase)")
    uri = uri_for(layout / "project" / "later_child.py")
    roots_session.open(uri, child)
    assert roots_session.flow_graph(uri)["steps"] == {}  # LaterBase unknown: not a flow yet
    changes = len(roots_session.graph_changes)
    roots_session.client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(
                added=[types.WorkspaceFolder(uri=uri_for(layout / "later"), name="later")],
                removed=[],
            )
        )
    )
    assert roots_session.wait_until(
        lambda: any(c["uri"] == uri for c in roots_session.graph_changes[changes:])
    )
    assert set(roots_session.flow_graph(uri)["steps"]) == {"start", "process", "end"}
