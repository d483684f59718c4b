"""Base classes from workspace modules: found by path, read and cached, never imported."""

from __future__ import annotations

import os
import time
from pathlib import Path

from mfstudio.flowgraph import ModuleResolver, analyze_file, analyze_source

BASE = '''
import sys
open(sys.argv[0] + ".imported", "w").write("imported!")  # would betray an import

from metaflow import FlowSpec, step


class Base(FlowSpec):
    @step
    def start(self):
        self.next(self.middle)

    @step
    def end(self):
        pass
'''

CHILD = '''
from {module} import Base
from metaflow import step


class Child(Base):
    @step
    def middle(self):
        self.next(self.end)
'''


def test_base_class_next_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "base.py").write_text(BASE)
    flow_file = tmp_path / "child.py"
    flow_file.write_text(CHILD.format(module="base"))
    analysis = analyze_file(flow_file)
    flow = analysis.flow()
    assert flow is not None
    assert list(flow.steps) == ["start", "end", "middle"]
    assert flow.steps["start"].source_file == str(tmp_path / "base.py")
    assert flow.steps["middle"].source_file is None
    assert flow.steps["start"].type == "start"
    assert analysis.diagnostics == []
    assert not list(tmp_path.glob("*.imported"))


def test_packages_relative_imports_and_workspace_roots(tmp_path: Path) -> None:
    pkg = tmp_path / "lib" / "flows"
    pkg.mkdir(parents=True)
    (tmp_path / "lib" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "bases.py").write_text(BASE)
    elsewhere = tmp_path / "project" / "flows"
    elsewhere.mkdir(parents=True)
    resolver = ModuleResolver([tmp_path])
    a = analyze_source(CHILD.format(module="lib.flows.bases"), str(elsewhere / "c.py"),
                       resolver=resolver)
    assert a.diagnostics == [] and a.flow() is not None
    b = analyze_source(CHILD.format(module=".bases"), str(pkg / "c.py"), resolver=resolver)
    assert b.diagnostics == []
    aliased = (
        "import lib.flows.bases as m\nfrom metaflow import step\n\n"
        "class Child(m.Base):\n    @step\n    def middle(self):\n        self.next(self.end)\n"
    )
    c = analyze_source(aliased, str(elsewhere / "d.py"), resolver=resolver)
    flow = c.flow()
    assert flow is not None and list(flow.steps) == ["start", "end", "middle"]
    assert c.diagnostics == []


def test_unresolved_base_is_not_a_flow_and_missing_steps_are_reported(tmp_path: Path) -> None:
    a = analyze_source(CHILD.format(module="nowhere"), str(tmp_path / "x.py"),
                       resolver=ModuleResolver([tmp_path]))
    assert a.flows == []


def test_cache_follows_file_changes(tmp_path: Path) -> None:
    base = tmp_path / "base.py"
    base.write_text(BASE)
    resolver = ModuleResolver([tmp_path])
    first = resolver.load(base)
    assert resolver.load(base) is first
    base.write_text(BASE.replace("def end", "def finish"))
    later = time.time() + 5
    os.utime(base, (later, later))
    second = resolver.load(base)
    assert second is not first and second is not None
    assert [s.name for s in second.classes[0].steps] == ["start", "finish"]
