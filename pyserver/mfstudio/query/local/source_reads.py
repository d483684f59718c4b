"""Which steps of a flow's source read an artifact: ``self.NAME`` in a step's body.

The run's flow file is looked for next to the datastore (``_graph_info["file"]`` in the
folder holding ``.metaflow``, then in its subfolders one level down) and analysed with the
AST only: nothing is imported or run. A step reads ``NAME`` when its body loads
``self.NAME`` (``self.NAME += 1`` included), calls ``getattr(self, "NAME")``, or, in a join,
loads ``.NAME`` of its ``inputs`` (``inputs.a.NAME``, ``inputs[0].NAME``, ``i.NAME`` for
``i`` iterating over ``inputs``).

Cost: one listing of the folder holding ``.metaflow`` (its subfolders only when the file is
not there), one stat per candidate path, one read of the file found (at most
:data:`~mfstudio.flowgraph.MAX_SOURCE_CHARS` bytes).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ...flowgraph import MAX_SOURCE_CHARS
from .reader import Reader

__all__ = ["FlowSource", "find_flow_source", "step_reads"]


@dataclass(frozen=True, slots=True)
class FlowSource:
    path: Path
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef]  # step name -> its def


def find_flow_source(reader: Reader, metaflow_dir: Path, file: str, flow: str) -> FlowSource | None:
    """The first candidate file that defines class ``flow`` (parsed), or ``None``."""
    name = Path(file).name
    if not name.endswith(".py"):
        return None
    base = metaflow_dir.parent
    for candidate in _candidates(reader, base, name):
        if not reader.exists(candidate):
            continue
        data = reader.read_bytes(candidate, MAX_SOURCE_CHARS)
        if data is None:
            continue
        try:
            tree = ast.parse(data.decode("utf-8-sig"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        functions = _step_functions(tree, flow)
        if functions is not None:
            return FlowSource(candidate, functions)
    return None


def _candidates(reader: Reader, base: Path, name: str) -> Iterator[Path]:
    yield base / name
    subfolders = sorted(
        entry.name
        for entry in reader.entries(base)
        if entry.is_dir() and not entry.name.startswith((".", "_")) and entry.name != "node_modules"
    )
    for folder in subfolders:
        yield base / folder / name


def _step_functions(
    tree: ast.Module, flow: str
) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef] | None:
    """Methods of class ``flow``, then of the file's other classes (base classes defined
    in the same file) for names the flow class does not define; None without the class."""
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    flow_class = next((c for c in classes if c.name == flow), None)
    if flow_class is None:
        return None
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for cls in [flow_class, *(c for c in classes if c is not flow_class)]:
        for node in cls.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions.setdefault(node.name, node)
    return functions


def step_reads(func: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    """Whether the step's body reads artifact ``name`` (see the module docstring)."""
    args = [a.arg for a in func.args.args]
    owner = args[0] if args else "self"
    inputs = {args[1]} if len(args) > 1 else set()
    # Names bound by iterating over the join's inputs carry its branches' artifacts.
    for node in ast.walk(func):
        if isinstance(node, ast.For | ast.comprehension) and _rooted_at(node.iter, inputs):
            inputs |= _bound_names(node.target)
    loaded = {owner} | inputs
    return any(
        (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Load)
            and _is_attribute(node, loaded, name)
        )
        or (isinstance(node, ast.AugAssign) and _is_attribute(node.target, {owner}, name))
        or _is_getattr(node, owner, name)
        for node in ast.walk(func)
    )


def _is_attribute(expr: ast.expr, roots: set[str], name: str) -> bool:
    return isinstance(expr, ast.Attribute) and expr.attr == name and _rooted_at(expr.value, roots)


def _rooted_at(expr: ast.expr, names: set[str]) -> bool:
    """``expr`` is one of ``names``, or an attribute, subscript or call chain on one."""
    while isinstance(expr, ast.Attribute | ast.Subscript | ast.Call):
        expr = expr.func if isinstance(expr, ast.Call) else expr.value
    return isinstance(expr, ast.Name) and expr.id in names


def _bound_names(target: ast.expr) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def _is_getattr(node: ast.AST, owner: str, name: str) -> bool:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return False
    if node.func.id not in ("getattr", "hasattr") or len(node.args) < 2:
        return False
    first, second = node.args[0], node.args[1]
    return (
        isinstance(first, ast.Name)
        and first.id == owner
        and isinstance(second, ast.Constant)
        and second.value == name
    )
