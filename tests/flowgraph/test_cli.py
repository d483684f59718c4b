"""``mfstudio graph`` through the real console script (.venv/bin/mfstudio)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .corpus import CORPUS

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).parent / "mfstudio"


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    # run this checkout's code whatever the venv's editable-install mode
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "pyserver"), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=60,
        check=False,
    )


@pytest.fixture(scope="module", autouse=True)
def _script_exists() -> None:
    assert SCRIPT.is_file(), f"{SCRIPT} missing: run scripts/setup.sh"


def test_json_output_of_a_valid_flow_exits_0() -> None:
    proc = _run("graph", str(CORPUS / "valid" / "foreach_flow.py"), "--json")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["flow"] == "ForeachFlow"
    assert payload["flow_doc"] == ""  # the class has no docstring
    assert set(payload) >= {"flow", "file", "steps", "graph_structure", "parameters",
                            "diagnostics"}
    start = payload["steps"]["start"]
    assert start["type"] == "split-foreach"
    assert start["foreach_artifact"] == "items"
    assert start["matching_join"] == "collect"
    assert payload["graph_structure"] == ["start", [["work"]], "collect", "end"]
    assert payload["diagnostics"] == []


def test_json_output_carries_the_flow_docstring() -> None:
    demo = ROOT / "test-fixtures" / "demo" / "flows" / "training_flow.py"
    proc = _run("graph", str(demo), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)["flow_doc"]
    assert doc == "Train one model per learning rate and keep the best."


def test_errors_exit_1_with_rule_and_line() -> None:
    proc = _run("graph", str(CORPUS / "invalid" / "unknown_transitions.py"), "--json")
    assert proc.returncode == 1
    diags = json.loads(proc.stdout)["diagnostics"]
    unknown = [d for d in diags if d["rule"] == "check_unknown_transitions"]
    assert unknown and unknown[0]["line"] == 8 and unknown[0]["severity"] == "error"
    assert "nowhere" in unknown[0]["message"]


def test_readable_tree_by_default() -> None:
    proc = _run("graph", "test-fixtures/flows/valid/branch_flow.py")
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[0].startswith("BranchFlow")
    assert "  start [split-static] -> left, right" in proc.stdout
    assert "  join [join] -> end" in proc.stdout


def test_flow_option_picks_a_flow_and_rejects_unknown_names(tmp_path: Path) -> None:
    source = (CORPUS / "valid" / "linear_flow.py").read_text()
    two = tmp_path / "two.py"
    two.write_text(source + "\n\n" + source.replace("LinearFlow", "OtherFlow"))
    proc = _run("graph", str(two), "--flow", "LinearFlow", "--json")
    assert proc.returncode == 0
    payload = json.loads(proc.stdout)
    assert payload["flow"] == "LinearFlow"
    assert payload["flows"] == ["LinearFlow", "OtherFlow"]
    bad = _run("graph", str(two), "--flow", "Nope")
    assert bad.returncode == 2
    assert "LinearFlow, OtherFlow" in bad.stderr


@pytest.mark.parametrize("kind", ["missing", "folder", "binary"])
def test_unreadable_input_exits_2_with_a_clear_message(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "flow.py"
    if kind == "folder":
        target.mkdir()
    elif kind == "binary":
        target.write_bytes(b"\xff\xfe\x00bad")
    proc = _run("graph", str(target), "--json")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert str(target) in proc.stderr
    expected = {"missing": "no such file", "folder": "folder", "binary": "UTF-8"}[kind]
    assert expected in proc.stderr


def test_half_typed_file_still_prints_a_graph() -> None:
    proc = _run("graph", str(CORPUS / "partial" / "half_next.py"), "--json")
    assert proc.returncode == 1
    payload = json.loads(proc.stdout)
    assert {"start", "end"} <= set(payload["steps"])
    assert payload["diagnostics"][0]["rule"] == "syntax"
    assert payload["diagnostics"][0]["line"] == 9


def _frame(payload: dict[str, object]) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def test_lsp_subcommand_serves_the_language_server_over_stdio() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "pyserver"), env.get("PYTHONPATH", "")])
    messages = (
        _frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"processId": None, "rootUri": None, "capabilities": {}}})
        + _frame({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        + _frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
        + _frame({"jsonrpc": "2.0", "method": "exit"})
    )
    proc = subprocess.run(
        [str(SCRIPT), "lsp"], input=messages, capture_output=True, env=env, timeout=60,
        check=False,
    )
    replies = _read_frames(proc.stdout)
    assert replies, proc.stderr.decode()[-2000:]
    initialized = [r for r in replies if r.get("id") == 1]
    assert initialized and "capabilities" in initialized[0]["result"]
    assert proc.returncode == 0


def _read_frames(data: bytes) -> list[dict[str, object]]:
    frames = []
    while data:
        header, _, rest = data.partition(b"\r\n\r\n")
        length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
        frames.append(json.loads(rest[:length]))
        data = rest[length:]
    return frames
