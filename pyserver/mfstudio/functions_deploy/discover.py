"""Find ``@json_function`` definitions in workspace files from their AST (nothing is imported).

A definition counts when it can be imported by name from its module (a module-level ``def``,
also under ``if``/``try``/``with`` blocks) and one of its decorators is ``json_function``
as the file imports it: ``from metaflow import json_function [as jf]``, ``import metaflow
[as mf]`` then ``mf.json_function``, or the bare name (a star import). ``@json_function(...)``
with ``batch=True`` marks a batch function.

``reads`` are the artifacts the body reads from its ``FunctionParameters`` argument (the
second parameter, whatever it is called): ``params.model``, ``params["model"]``,
``getattr(params, "model")``. Any other use of that argument (a computed name, passing it to
a helper, iterating it) makes the set unknowable from the text: ``reads`` is then None and
every artifact is bound.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "FoundFunction",
    "FunctionDefinition",
    "definitions_in_source",
    "find_functions",
    "module_name",
    "workspace_of",
]

DECORATOR = "json_function"
MAX_FILE_BYTES = 2_000_000
_METAFLOW_MODULES = ("metaflow", "metaflow_extensions")


@dataclass(frozen=True, slots=True)
class FunctionDefinition:
    """One ``@json_function`` in a source text; lines are 0-based (LSP's)."""

    name: str
    line: int  # the ``def``
    decorator_line: int  # the first decorator: where a code lens sits
    reads: list[str] | None
    batch: bool
    doc: str | None


@dataclass(frozen=True, slots=True)
class FoundFunction:
    """A definition with where it lives: ``FunctionInfo`` of functionsProtocol.ts."""

    definition: FunctionDefinition
    path: Path
    uri: str
    module: str  # dotted, relative to the workspace folder holding the file
    workspace: Path  # that folder: what the deployment puts on sys.path

    @property
    def name(self) -> str:
        return self.definition.name

    def to_json(self) -> dict[str, Any]:
        d = self.definition
        return {
            "name": d.name,
            "uri": self.uri,
            "line": d.line,
            "module": self.module,
            "reads": d.reads,
            "batch": d.batch,
            "doc": d.doc,
        }


def definitions_in_source(source: str) -> list[FunctionDefinition]:
    """The importable ``@json_function`` definitions of ``source``, in source order; a
    file that does not parse (mid-edit) has none."""
    if DECORATOR not in source:
        return []
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    names, modules = _decorator_names(tree)
    found: list[FunctionDefinition] = []
    for node in sorted(_module_level_defs(tree.body), key=lambda n: n.lineno):
        batch = _json_function_batch(node, names, modules)
        if batch is None:
            continue
        found.append(
            FunctionDefinition(
                name=node.name,
                line=node.lineno - 1,
                decorator_line=min(d.lineno for d in node.decorator_list) - 1,
                reads=_reads(node),
                batch=batch,
                doc=ast.get_docstring(node),
            )
        )
    return found


def module_name(path: Path, workspace: Path) -> str:
    """``functions/predict.py`` under ``workspace`` -> ``functions.predict`` (a package's
    ``__init__.py`` is the package)."""
    parts = list(path.resolve().relative_to(workspace.resolve()).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def workspace_of(path: Path, workspaces: Sequence[Path]) -> Path:
    """The deepest workspace folder holding ``path``; its own folder when none does."""
    resolved = path.resolve()
    holding = [w.resolve() for w in workspaces if resolved.is_relative_to(w.resolve())]
    return max(holding, key=lambda w: len(w.parts)) if holding else resolved.parent


def find_functions(
    files: Iterable[Path],
    workspaces: Sequence[Path],
    texts: dict[Path, str] | None = None,
) -> Iterator[FoundFunction]:
    """The functions of ``files`` (``texts``: the editor's unsaved text of open files).
    Files are read only when they mention ``json_function`` at all."""
    texts = texts or {}
    for path in files:
        source = texts.get(path)
        if source is None:
            source = _read(path)
        if source is None or DECORATOR not in source:
            continue
        workspace = workspace_of(path, workspaces)
        for definition in definitions_in_source(source):
            yield FoundFunction(
                definition=definition,
                path=path,
                uri=path.resolve().as_uri(),
                module=module_name(path, workspace),
                workspace=workspace,
            )


def _read(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _decorator_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Names that mean ``json_function`` in this file, and names bound to metaflow's module."""
    names: set[str] = {DECORATOR}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in _METAFLOW_MODULES:
                names.update(a.asname or a.name for a in node.names if a.name == DECORATOR)
        elif isinstance(node, ast.Import):
            modules.update(a.asname or a.name for a in node.names if a.name == "metaflow")
    return names, modules


def _module_level_defs(body: list[ast.stmt]) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Defs importable as ``module.<name>``: top level, or inside if/try/with blocks (not
    inside classes or other functions)."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node
        elif isinstance(node, ast.If):
            yield from _module_level_defs(node.body)
            yield from _module_level_defs(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _module_level_defs(block)
            for handler in node.handlers:
                yield from _module_level_defs(handler.body)
        elif isinstance(node, ast.With):
            yield from _module_level_defs(node.body)


def _json_function_batch(
    node: ast.FunctionDef | ast.AsyncFunctionDef, names: set[str], modules: set[str]
) -> bool | None:
    """None when no decorator is ``json_function``; else whether it says ``batch=True``."""
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        target = call.func if call is not None else decorator
        named = isinstance(target, ast.Name) and target.id in names
        dotted = (
            isinstance(target, ast.Attribute)
            and target.attr == DECORATOR
            and isinstance(target.value, ast.Name)
            and target.value.id in modules
        )
        if named or dotted:
            return call is not None and any(
                k.arg == "batch" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in call.keywords
            )
    return None


def _reads(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str] | None:
    """Artifact names read from the second parameter; None when it is used dynamically."""
    positional = [*node.args.posonlyargs, *node.args.args]
    if len(positional) < 2:
        return None
    params = positional[1].arg
    parents: dict[ast.AST, ast.AST] = {}
    for parent in ast.walk(node):
        for child in ast.iter_child_nodes(parent):
            parents[child] = parent
    uses = [n for n in ast.walk(node) if isinstance(n, ast.Name) and n.id == params]
    reads: list[str] = []
    for name in sorted(uses, key=lambda n: (n.lineno, n.col_offset)):  # in source order
        read = _static_read(name, parents.get(name))
        if read is None:
            return None
        if read and read not in reads:
            reads.append(read)
    return reads


def _static_read(name: ast.Name, parent: ast.AST | None) -> str | None:
    """The artifact ``name`` (the params argument) reads in ``parent``: its name, "" for a
    use that reads none (``"x" in params``), None for a dynamic use."""
    if isinstance(parent, ast.Attribute) and parent.value is name:
        return parent.attr
    if isinstance(parent, ast.Subscript) and parent.value is name:
        key = parent.slice
        return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
    if (
        isinstance(parent, ast.Call)
        and isinstance(parent.func, ast.Name)
        and parent.func.id in ("getattr", "hasattr")
        and len(parent.args) >= 2
        and parent.args[0] is name
    ):
        key = parent.args[1]
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value if parent.func.id == "getattr" else ""
        return None
    if isinstance(parent, ast.Compare) and name in parent.comparators:
        return "" if all(isinstance(op, (ast.In, ast.NotIn)) for op in parent.ops) else None
    return None
