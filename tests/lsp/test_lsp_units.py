"""Pure parts of the language server, tested directly: position conversion, the custom
protocol's payload validation, bracket scanning for completion contexts, exports."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import mfstudio.lsp
import pytest
from lsprotocol import types
from mfstudio.flowgraph.model import Position
from mfstudio.lsp.completion import open_brackets
from mfstudio.lsp.positions import LineIndex, split_lines
from mfstudio.lsp.protocol import FlowGraphParams, InitializationOptions


def test_split_lines_matches_lsp_line_endings() -> None:
    # A form feed or U+2028 must not start a new line (str.splitlines would).
    assert split_lines("a\r\nb\rc\nd\x0ce\u2028f") == ["a", "b", "c", "d\x0ce\u2028f"]


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        (types.PositionEncodingKind.Utf16, 5 + 2 + 1 + 1),  # 🚀 is 2 UTF-16 units
        (types.PositionEncodingKind.Utf8, 5 + 4 + 2 + 1),  # 🚀 4 bytes, é 2 bytes
        (types.PositionEncodingKind.Utf32, 5 + 1 + 1 + 1),
    ],
)
def test_columns_convert_to_client_units(encoding: str, expected: int) -> None:
    lines = LineIndex('x = "🚀é"; self.next(self.a)', encoding)
    column = 'x = "🚀é"'.index('"', 5) + 1  # code points up to just after the closing quote
    assert column == 8
    converted = lines.to_lsp_position(Position(line=1, column=column))
    assert converted == types.Position(line=0, character=expected)
    assert lines.from_lsp_position(converted) == Position(line=1, column=column)


def test_position_inside_a_surrogate_pair_does_not_split_the_character() -> None:
    lines = LineIndex("🚀x")
    assert lines.from_lsp_position(types.Position(line=0, character=1)) == Position(1, 0)
    assert lines.from_lsp_position(types.Position(line=0, character=2)) == Position(1, 1)


def test_positions_past_the_text_are_clamped() -> None:
    lines = LineIndex("ab\ncd")
    assert lines.to_lsp_position(Position(line=9, column=4)) == types.Position(9 - 1, 0)
    assert lines.to_lsp_position(Position(line=2, column=99)) == types.Position(1, 2)
    assert lines.from_lsp_position(types.Position(line=1, character=99)) == Position(2, 2)


def test_flow_graph_params_validation_says_what_is_wrong() -> None:
    assert FlowGraphParams.from_json({"uri": "file:///a.py"}) == FlowGraphParams("file:///a.py")
    assert FlowGraphParams.from_json({"uri": "u", "flow": "F"}).flow == "F"
    with pytest.raises(ValueError, match="'uri' must be a non-empty string"):
        FlowGraphParams.from_json({"flow": "F"})
    with pytest.raises(ValueError, match="'flow' must be a string or null"):
        FlowGraphParams.from_json({"uri": "u", "flow": 3})
    with pytest.raises(ValueError, match="params must be an object"):
        FlowGraphParams.from_json(["u"])


def test_initialization_options_are_lenient() -> None:
    assert InitializationOptions.from_json({"workspaceRoots": ["/a", 3, ""]}).workspace_roots == (
        "/a",
    )
    assert InitializationOptions.from_json(None) == InitializationOptions()
    assert InitializationOptions.from_json({"workspaceRoots": "/a"}) == InitializationOptions()


@pytest.mark.parametrize(
    ("text", "open_at"),
    [
        ("self.next(self.a, ", [9]),
        ("self.next({'x': self.a, ", [9, 10]),
        ("@retry(times=f(1), ", [6]),
        ("@card(type='(', ", [5]),  # a bracket inside a string does not count
        ("f(a)  # (", []),  # nor one inside a comment
        ('x = """(\n""" + (', [15]),
        ("a)(b", [2]),  # a stray closer is ignored
    ],
)
def test_open_brackets(text: str, open_at: list[int]) -> None:
    assert open_brackets(text) == open_at


def test_package_exports_are_complete_and_importable() -> None:
    for name in mfstudio.lsp.__all__:
        assert hasattr(mfstudio.lsp, name), name
    for module in pkgutil.iter_modules(mfstudio.lsp.__path__):
        if module.name == "__main__":
            continue
        imported = importlib.import_module(f"mfstudio.lsp.{module.name}")
        for name in imported.__all__:
            assert hasattr(imported, name), f"{module.name}.{name}"


def test_only_json_rpc_reaches_the_real_stdout() -> None:
    """A print in an imported library or a child process must not corrupt the channel."""
    script = (
        "import os\n"
        "from mfstudio.lsp.server import _claim_stdout\n"
        "channel = _claim_stdout()\n"
        "print('stray print')\n"
        "os.system('echo from a child process')\n"
        "channel.write(b'Content-Length: 2\\r\\n\\r\\n{}')\n"
        "channel.flush()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"Content-Length: 2\r\n\r\n{}"
    assert b"stray print" in done.stderr and b"from a child process" in done.stderr
