"""Fixtures for the language-server tests: one real server process shared by the tests
(each test opens its own documents, named after the test), started once to keep the suite
quick on two cores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lsp_harness import LspSession

BRANCH_FLOW = '''\
from metaflow import FlowSpec, Parameter, project, retry, step


@project(name="demo")
class BranchFlow(FlowSpec):
    """A flow with a branch."""

    alpha = Parameter("alpha", default=0.5, help="Learning rate")

    @step
    def start(self):
        """Begin: naïve café 🚀."""
        note = "naïve 🚀"; self.next(self.left, self.right)

    @retry(times=2)
    @step
    def left(self):
        """Go left."""
        self.next(self.join)

    @step
    def right(self):
        self.next(self.join)

    @step
    def join(self, inputs):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    BranchFlow()
'''
"""A small valid flow: branch, join, a parameter, a flow and a step decorator, non-ASCII
text (including a character outside the BMP) before a transition on the same line."""


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("workspace")


@pytest.fixture(scope="session")
def session(workspace: Path) -> Iterator[LspSession]:
    lsp = LspSession(workspace)
    lsp.start()
    yield lsp
    lsp.stop()


@pytest.fixture
def doc_uri(workspace: Path, request: pytest.FixtureRequest) -> str:
    """A fresh document uri per test (the file need not exist: documents are opened)."""
    name = request.node.name.replace("[", "_").rstrip("]")
    return (workspace / f"{request.module.__name__}_{name}.py").as_uri()
