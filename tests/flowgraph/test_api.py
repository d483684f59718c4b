"""The public surface: exports, file reading errors, the JSON payload."""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path

import mfstudio.flowgraph as flowgraph
import pytest
from mfstudio.flowgraph import SourceUnreadableError, analyze_file

from .corpus import CORPUS


def test_every_module_declares_all_and_the_package_reexports_the_api() -> None:
    for info in pkgutil.iter_modules(flowgraph.__path__):
        module = importlib.import_module(f"mfstudio.flowgraph.{info.name}")
        assert hasattr(module, "__all__"), info.name
        for name in module.__all__:
            assert hasattr(module, name), (info.name, name)
    for name in ("analyze_source", "analyze_file", "IncrementalAnalyzer", "ModuleResolver",
                 "FileAnalysis", "Diagnostic", "SourceUnreadableError", "FlowgraphError"):
        assert name in flowgraph.__all__


def test_unreadable_files_raise_a_documented_error(tmp_path: Path) -> None:
    with pytest.raises(SourceUnreadableError) as missing:
        analyze_file(tmp_path / "nope.py")
    assert "no such file" in str(missing.value) and missing.value.path.endswith("nope.py")
    with pytest.raises(SourceUnreadableError, match="folder"):
        analyze_file(tmp_path)
    bad = tmp_path / "latin1.py"
    bad.write_bytes("x = 'café'".encode("latin-1"))
    with pytest.raises(SourceUnreadableError, match="UTF-8"):
        analyze_file(bad)


def test_payload_is_json_with_the_issue_fields() -> None:
    analysis = analyze_file(CORPUS / "valid" / "parallel_flow.py")
    payload = json.loads(json.dumps(analysis.to_json()))
    assert payload["flow"] == "ParallelFlow"
    start = payload["steps"]["start"]
    wanted = {"type", "next", "foreach_artifact", "matching_join", "decorators", "line", "doc"}
    assert wanted <= set(start)
    assert start["type"] == "split-parallel" and start["num_parallel"] == 4
    assert payload["steps"]["train"]["decorators"][0]["name"] == "parallel"
    assert payload["graph_structure"] == ["start", "train", "gather", "end"]


def test_the_flow_file_is_read_never_run(tmp_path: Path) -> None:
    flow_file = tmp_path / "sneaky.py"
    marker = tmp_path / "ran"
    flow_file.write_text(
        f"open({str(marker)!r}, 'w').write('ran')\n"
        + (CORPUS / "valid" / "linear_flow.py").read_text()
    )
    analysis = analyze_file(flow_file)
    assert analysis.flow() is not None and analysis.diagnostics == []
    assert not marker.exists()
