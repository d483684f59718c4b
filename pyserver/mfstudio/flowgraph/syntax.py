"""From Python's AST to plain records: classes, steps, decorators, parameters.

This is the only module that walks the AST. Each ``@step`` method becomes a
:class:`StepSyntax` built exactly the way Metaflow's ``graph.DAGNode._parse`` reads a step
(the tail ``self.next(...)`` statement decides the type; anything else is an invalid
transition), so that the graph built from these records matches ``output-raw``. Records
carry absolute source positions and can be shifted by whole lines, which lets the
incremental analyser reuse them when lines are inserted above.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from typing import Any, cast

from .catalog import to_pod
from .model import JSONValue, Parameter, ParameterKind, Position, SourceRange

__all__ = [
    "ClassSyntax",
    "DecoratorSyntax",
    "ImportedName",
    "ModuleSyntax",
    "StepSyntax",
    "deindent_docstring",
    "extract_class",
    "extract_module",
    "extract_step",
    "shift_range",
]

_PARAMETER_KINDS: dict[str, ParameterKind] = {
    "Parameter": "parameter",
    "Config": "config",
    "IncludeFile": "include_file",
}
_INDENT = re.compile(r"[\t ]+")


def deindent_docstring(doc: str | None) -> str:
    """Metaflow's ``graph.deindent_docstring``, so ``doc`` matches ``output-raw``."""
    if not doc:
        return ""
    saw_first_line = False
    matched: re.Match[str] | None = None
    for line in doc.splitlines():
        if line:
            matched = _INDENT.match(line)
            if matched is not None or saw_first_line:
                break
            saw_first_line = True
    if matched:
        return doc.replace("\n" + matched.group(), "\n").strip()
    return doc


_Setter = Any  # a slot's ``__set__``: (instance, value) -> None
_new = object.__new__
_set_line: _Setter = cast(Any, Position).__dict__["line"].__set__
_set_column: _Setter = cast(Any, Position).__dict__["column"].__set__
_set_start: _Setter = cast(Any, SourceRange).__dict__["start"].__set__
_set_end: _Setter = cast(Any, SourceRange).__dict__["end"].__set__


def make_range(line: int, col: int, end_line: int, end_col: int) -> SourceRange:
    """``SourceRange(Position(line, col), Position(end_line, end_col))``, about twice as fast.

    Extraction builds thousands of ranges per file, and the frozen dataclasses' generated
    ``__init__`` (``object.__setattr__`` per field) is most of their cost: this fills the
    same slots directly, so the objects are equal, hash alike and stay immutable.
    """
    start = _new(Position)
    _set_line(start, line)
    _set_column(start, col)
    end = _new(Position)
    _set_line(end, end_line)
    _set_column(end, end_col)
    r = _new(SourceRange)
    _set_start(r, start)
    _set_end(r, end)
    return r


def shift_range(r: SourceRange, delta: int) -> SourceRange:
    start, end = r.start, r.end
    return make_range(start.line + delta, start.column, end.line + delta, end.column)


@dataclass(frozen=True, slots=True)
class ImportedName:
    """``from <module> import <name>`` (``level`` counts leading dots)."""

    module: str
    name: str
    level: int


@dataclass(slots=True)
class DecoratorSyntax:
    name: str  # the last component of the decorator's dotted name
    kwargs: dict[str, JSONValue]  # literal values as Metaflow's to_pod prints them
    n_args: int
    is_call: bool
    range: SourceRange
    literal: dict[str, bool] = field(default_factory=dict)  # which kwargs were literals
    # the attributes merged over Metaflow's defaults, filled once by the model builder
    merged: dict[str, JSONValue] | None = field(default=None, compare=False, repr=False)

    def shifted(self, delta: int) -> DecoratorSyntax:
        return DecoratorSyntax(
            self.name,
            self.kwargs,
            self.n_args,
            self.is_call,
            shift_range(self.range, delta),
            self.literal,
            self.merged,
        )


@dataclass(slots=True)
class StepSyntax:
    """One ``@step`` method, read like Metaflow's ``DAGNode._parse``."""

    name: str
    line: int
    range: SourceRange
    name_range: SourceRange
    doc: str
    decorators: list[DecoratorSyntax]  # above @step, in source order (outermost first)
    below_step: list[DecoratorSyntax]  # below @step: Metaflow rejects these at import
    is_start_step: bool
    is_end_step: bool
    num_args: int
    has_tail_next: bool = False
    invalid_tail_next: bool = False
    tail_next_line: int = 0
    raw_type: str | None = None  # Metaflow's internal type: linear, join, split, foreach...
    out_funcs: list[str] = field(default_factory=list)
    targets: list[tuple[str, SourceRange]] = field(default_factory=list)
    foreach_param: JSONValue = None
    num_parallel: JSONValue = 0
    parallel_foreach: bool = False
    condition: str | None = None
    switch_cases: dict[str, str] = field(default_factory=dict)
    stray_next_lines: list[int] = field(default_factory=list)  # self.next not at the tail
    # model objects derived from this record alone (decorators, transitions), built once
    # and reused by every analysis that still holds this record (incremental updates)
    models: dict[str, list[Any]] = field(default_factory=dict, compare=False, repr=False)

    def shifted(self, delta: int) -> StepSyntax:
        """The same step ``delta`` lines lower (written out: ``replace`` is slow here)."""
        if delta == 0:
            return self
        kept = {"signature": self.models["signature"]} if "signature" in self.models else {}
        return StepSyntax(
            self.name,
            self.line + delta,
            shift_range(self.range, delta),
            shift_range(self.name_range, delta),
            self.doc,
            [d.shifted(delta) for d in self.decorators],
            [d.shifted(delta) for d in self.below_step],
            self.is_start_step,
            self.is_end_step,
            self.num_args,
            self.has_tail_next,
            self.invalid_tail_next,
            self.tail_next_line + delta if self.tail_next_line else 0,
            self.raw_type,
            self.out_funcs,
            [(t, shift_range(r, delta)) for t, r in self.targets],
            self.foreach_param,
            self.num_parallel,
            self.parallel_foreach,
            self.condition,
            self.switch_cases,
            [x + delta for x in self.stray_next_lines],
            kept,  # the graph signature does not depend on absolute lines
        )


@dataclass(slots=True)
class ClassSyntax:
    name: str
    bases: list[str]  # dotted source names, e.g. "FlowSpec", "base.BaseFlow"
    range: SourceRange
    name_range: SourceRange
    doc: str
    decorators: list[DecoratorSyntax]  # flow decorators, source order
    steps: list[StepSyntax]
    other_names: set[str]  # non-step class attributes (they hide inherited steps)
    parameters: list[Parameter]
    member_starts: list[int]  # first line (decorators included) of every body statement
    member_names: list[str | None]  # the function name of each body statement, if any
    end_line: int


@dataclass(slots=True)
class ModuleSyntax:
    classes: list[ClassSyntax]
    imports: dict[str, ImportedName]  # local name -> where it comes from
    module_aliases: dict[str, str]  # ``import a.b as c``: c -> a.b


class _Text:
    """Source lines, for converting ``ast``'s UTF-8 byte columns to character columns."""

    __slots__ = ("ascii", "lines")

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.ascii = "".join(lines).isascii()

    def col(self, line: int, byte_col: int) -> int:
        if not self.ascii and 0 < line <= len(self.lines):
            text = self.lines[line - 1]
            if not text.isascii():
                return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))
        return byte_col

    def range(self, node: ast.AST) -> SourceRange:
        line: int = node.lineno  # type: ignore[attr-defined]
        end_line: int = node.end_lineno or line  # type: ignore[attr-defined]
        col: int = node.col_offset  # type: ignore[attr-defined]
        end_col: int = node.end_col_offset or 0  # type: ignore[attr-defined]
        if not self.ascii:
            col, end_col = self.col(line, col), self.col(end_line, end_col)
        return make_range(line, col, end_line, end_col)

    def segment(self, node: ast.AST) -> str:
        try:
            return ast.unparse(node)
        except Exception:  # a repaired tree can hold odd nodes; never fail for a label
            return "<expression>"


def dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for Name/Attribute chains, else None."""
    parts: list[str] = []
    cur: ast.expr = node
    while isinstance(cur, ast.Attribute):
        parts.append(cur.attr)
        cur = cur.value
    if isinstance(cur, ast.Name):
        parts.append(cur.id)
        return ".".join(reversed(parts))
    return None


def _literal(node: ast.expr) -> tuple[bool, JSONValue]:
    if type(node) is ast.Constant:
        return True, node.value
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        return False, None
    return True, value


def _decorator(node: ast.expr, text: _Text) -> DecoratorSyntax | None:
    call = node if isinstance(node, ast.Call) else None
    name = dotted(call.func if call else node)
    if name is None:
        return None
    kwargs: dict[str, JSONValue] = {}
    literal: dict[str, bool] = {}
    if call is not None:
        for kw in call.keywords:
            if kw.arg is None:
                continue
            ok, value = _literal(kw.value)
            kwargs[kw.arg] = to_pod(value) if ok else text.segment(kw.value)
            literal[kw.arg] = ok
    line: int = node.lineno
    end_line: int = node.end_lineno or line
    col: int = node.col_offset
    end_col: int = node.end_col_offset or 0
    if not text.ascii:
        col, end_col = text.col(line, col), text.col(end_line, end_col)
    # the range includes the "@" that precedes the expression
    r = make_range(line, max(col - 1, 0), end_line, end_col)
    return DecoratorSyntax(
        name.rsplit(".", 1)[-1],
        kwargs,
        len(call.args) if call else 0,
        call is not None,
        r,
        literal,
    )


def _is_step_decorator(node: ast.expr) -> bool:
    target = node.func if type(node) is ast.Call else node
    if type(target) is ast.Name:
        return target.id == "step"
    return dotted(target) == "metaflow.step"


def _attr_range(node: ast.Attribute, text: _Text) -> SourceRange:
    line = node.end_lineno or node.lineno
    end = node.end_col_offset or 0
    if not text.ascii:
        end = text.col(line, end)
    return make_range(line, max(end - len(node.attr), 0), line, end)


def _is_self_next(call: ast.expr) -> bool:
    if not isinstance(call, ast.Call):
        return False
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "next"
        and isinstance(func.value, ast.Name)
        and func.value.id == "self"
    )


def _stray_nexts(body: list[ast.stmt], out: list[int], depth: int = 0) -> None:
    """Lines of ``self.next`` calls in nested blocks (statement level only: cheap)."""
    if depth > 20:
        return
    for stmt in body:
        kind = type(stmt)
        if kind is ast.Expr:
            if _is_self_next(stmt.value):  # type: ignore[attr-defined]
                out.append(stmt.lineno)
            continue
        if kind not in _COMPOUND:
            continue
        for attr in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, attr, None)
            if (
                isinstance(inner, list)
                and inner
                and not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            ):
                _stray_nexts(inner, out, depth + 1)
        for handler in getattr(stmt, "handlers", ()) or ():
            _stray_nexts(handler.body, out, depth + 1)


_COMPOUND: frozenset[type[ast.stmt]] = frozenset(
    (
        ast.If,
        ast.For,
        ast.AsyncFor,
        ast.While,
        ast.With,
        ast.AsyncWith,
        ast.Try,
        ast.Match,
        *((ast.TryStar,) if hasattr(ast, "TryStar") else ()),
    )
)  # a set: most statements are simple, and a tuple compares them with every entry


def _switch_cases(node: ast.Dict) -> dict[str, str] | None:
    """Metaflow's ``DAGNode._parse_switch_dict``."""
    cases: dict[str, str] = {}
    for key, value in zip(node.keys, node.values, strict=False):
        case_key: str | None
        if isinstance(key, ast.Constant):
            # keys as output-raw's JSON prints them (3 -> "3", True -> "true")
            case_key = None if key.value is None else json.dumps(key.value).strip('"')
            if isinstance(key.value, str):
                case_key = key.value
        elif isinstance(key, ast.Attribute):
            if isinstance(key.value, ast.Attribute) and isinstance(key.value.value, ast.Name):
                if key.value.value.id != "self":
                    return None
                case_key = f"config:{key.value.attr}.{key.attr}"
            else:
                return None
        else:
            return None
        if case_key is None:
            return None
        if (
            isinstance(value, ast.Attribute)
            and isinstance(value.value, ast.Name)
            and value.value.id == "self"
        ):
            cases[case_key] = value.attr
        else:
            return None
    return cases or None


def _literal_value(node: ast.expr) -> JSONValue:
    """Metaflow's ``_ast_literal_value``: a constant's value, else None."""
    return node.value if isinstance(node, ast.Constant) else None


def _read_tail(step: StepSyntax, func: ast.FunctionDef | ast.AsyncFunctionDef, text: _Text) -> None:
    tail = func.body[-1]
    if not isinstance(tail, ast.Expr):
        return
    call = tail.value
    if not isinstance(call, ast.Call):
        return
    f = call.func
    if not (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name)):
        return
    if f.value.id != "self" or f.attr != "next":
        return
    step.has_tail_next = True
    step.invalid_tail_next = True
    step.tail_next_line = tail.lineno
    args = call.args
    call_keywords = call.keywords
    if (
        call_keywords
        and len(args) == 1
        and isinstance(args[0], ast.Dict)
        and any(k.arg == "condition" for k in call_keywords)
    ):
        cases = _switch_cases(args[0])
        condition: str | None = None
        for kw in call.keywords:
            if kw.arg == "condition":
                value = _literal_value(kw.value)
                if isinstance(value, str):
                    condition = value
                break
        for v in args[0].values:
            if isinstance(v, ast.Attribute):
                step.targets.append((v.attr, _attr_range(v, text)))
        if cases and condition:
            step.raw_type = "split-switch"
            step.condition = condition
            step.switch_cases = cases
            step.out_funcs = list(cases.values())
            step.invalid_tail_next = False
            return
    else:
        outs: list[str] = []
        targets = step.targets
        for arg in args:
            if type(arg) is not ast.Attribute:
                # Metaflow's parser stops here (AttributeError): an invalid transition
                step.targets = [
                    (a.attr, _attr_range(a, text))
                    for a in args[: len(outs)]
                    if isinstance(a, ast.Attribute)
                ]
                return
            attr = arg.attr
            outs.append(attr)
            targets.append((attr, _attr_range(arg, text)))
        step.out_funcs = outs
    if not call_keywords:
        n_outs = len(step.out_funcs)
        if n_outs > 1:
            step.raw_type = "split"
            step.invalid_tail_next = False
        elif n_outs == 1:
            step.raw_type = "join" if step.num_args > 1 else "linear"
            step.invalid_tail_next = False
        return
    keywords = {k.arg: _literal_value(k.value) for k in call_keywords}
    if len(keywords) == 1:
        if "foreach" in keywords:
            step.raw_type = "foreach"
            if len(step.out_funcs) == 1:
                step.foreach_param = keywords["foreach"]
                step.invalid_tail_next = False
        elif "num_parallel" in keywords:
            step.raw_type = "foreach"
            step.parallel_foreach = True
            if len(step.out_funcs) == 1:
                step.num_parallel = keywords["num_parallel"]
                step.invalid_tail_next = False
    elif not keywords:
        if len(step.out_funcs) > 1:
            step.raw_type = "split"
            step.invalid_tail_next = False
        elif len(step.out_funcs) == 1:
            step.raw_type = "join" if step.num_args > 1 else "linear"
            step.invalid_tail_next = False


def extract_step(func: ast.FunctionDef | ast.AsyncFunctionDef, text: _Text) -> StepSyntax | None:
    """The step record for ``func``, or None when it is not decorated with ``@step``."""
    decorators = func.decorator_list
    step_index = -1
    for i, d in enumerate(decorators):
        if _is_step_decorator(d):
            step_index = i
            break
    if step_index < 0:
        return None
    step_node = decorators[step_index]
    is_start = is_end = False
    if isinstance(step_node, ast.Call):
        for kw in step_node.keywords:
            if kw.arg in ("start", "end"):
                ok, value = _literal(kw.value)
                if ok and value is True:
                    if kw.arg == "start":
                        is_start = True
                    else:
                        is_end = True
    above: list[DecoratorSyntax] = []
    below: list[DecoratorSyntax] = []
    if len(decorators) > 1:
        for i, node in enumerate(decorators):
            if i != step_index:
                deco = _decorator(node, text)
                if deco is not None:
                    (above if i < step_index else below).append(deco)
    first = decorators[0]
    start_line = first.lineno
    start_col = first.col_offset
    end_line = func.end_lineno or func.lineno
    end_col = func.end_col_offset or 0
    name_line = func.lineno
    name_col = func.col_offset
    if not text.ascii:
        start_col = text.col(start_line, start_col)
        end_col = text.col(end_line, end_col)
        name_col = text.col(name_line, name_col)
    lines = text.lines
    name = func.name
    line_text = lines[name_line - 1] if name_line <= len(lines) else ""
    idx = line_text.find(name, name_col)
    if idx < 0:
        idx = name_col
    doc = None
    body = func.body
    if body and type(body[0]) is ast.Expr:
        value = body[0].value
        if type(value) is ast.Constant and isinstance(value.value, str):
            doc = value.value
    step = StepSyntax(
        name,
        name_line,
        make_range(start_line, max(start_col - 1, 0), end_line, end_col),  # from the "@"
        make_range(name_line, idx, name_line, idx + len(name)),
        deindent_docstring(doc),
        above,
        below,
        is_start,
        is_end,
        len(func.args.args),  # Metaflow counts args.args only
    )
    if func.body:
        _read_tail(step, func, text)
        stray: list[int] = []
        _stray_nexts(func.body[:-1] if step.has_tail_next else func.body, stray)
        step.stray_next_lines = stray
    return step


def _parameter(target: str, call: ast.Call, kind: ParameterKind, text: _Text) -> Parameter:
    kw = {k.arg: k.value for k in call.keywords if k.arg}
    name_node = call.args[0] if call.args else kw.get("name")
    name = target
    if name_node is not None:
        ok, value = _literal(name_node)
        if ok and isinstance(value, str):
            name = value
    default: JSONValue = None
    default_type: str | None = None
    default_is_literal = True
    if "default" not in kw and "default_value" in kw:  # Config's literal default
        kw["default"] = kw["default_value"]
    if "default" in kw:
        ok, value = _literal(kw["default"])
        if ok:
            default = to_pod(value)
            if isinstance(value, (bool, int, float, str)):
                default_type = type(value).__name__
        else:
            default = text.segment(kw["default"])
            default_is_literal = False
    type_name: str | None = None
    if "type" in kw:
        type_name = dotted(kw["type"]) or text.segment(kw["type"])
    elif kind == "parameter":
        type_name = default_type or ("str" if "default" not in kw else None)
    else:  # what Metaflow parses the value as: a file's content, a JSON config
        type_name = "file" if kind == "include_file" else "json"
    help_text: str | None = None
    if "help" in kw:
        ok, value = _literal(kw["help"])
        help_text = value if ok and isinstance(value, str) else text.segment(kw["help"])
    required = False
    if "required" in kw:
        ok, value = _literal(kw["required"])
        required = bool(value) if ok else False
    return Parameter(
        name=name,
        attribute=target,
        kind=kind,
        type=type_name,
        default=default,
        help=help_text,
        required=required,
        range=text.range(call),
        default_is_literal=default_is_literal,
    )


def extract_class(node: ast.ClassDef, text: _Text) -> ClassSyntax:
    bases = [b for b in (dotted(x) for x in node.bases) if b]
    steps: list[StepSyntax] = []
    other: set[str] = set()
    params: list[Parameter] = []
    starts: list[int] = []
    names: list[str | None] = []
    for stmt in node.body:
        above: list[ast.expr] = getattr(stmt, "decorator_list", None) or []
        starts.append(above[0].lineno if above else stmt.lineno)
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.append(stmt.name)
            step = extract_step(stmt, text)
            if step is None:
                other.add(stmt.name)
            else:
                steps.append(step)
            continue
        names.append(None)
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if isinstance(target, ast.Name):
                other.add(target.id)
                value = stmt.value
                if isinstance(value, ast.Call):
                    fname = dotted(value.func)
                    kind = _PARAMETER_KINDS.get((fname or "").rsplit(".", 1)[-1])
                    if kind is not None:
                        params.append(_parameter(target.id, value, kind, text))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            other.add(stmt.target.id)
        elif isinstance(stmt, ast.ClassDef):
            other.add(stmt.name)
    decorators = [d for d in (_decorator(x, text) for x in node.decorator_list) if d]
    first_line = node.decorator_list[0].lineno if node.decorator_list else node.lineno
    whole = text.range(node)
    line_text = text.lines[node.lineno - 1] if node.lineno <= len(text.lines) else ""
    idx = line_text.find(node.name, text.col(node.lineno, node.col_offset))
    if idx < 0:
        idx = 0
    return ClassSyntax(
        name=node.name,
        bases=bases,
        range=SourceRange(Position(first_line, 0), whole.end),
        name_range=SourceRange(
            Position(node.lineno, idx), Position(node.lineno, idx + len(node.name))
        ),
        doc=deindent_docstring(ast.get_docstring(node, clean=False)),
        decorators=decorators,
        steps=steps,
        other_names=other,
        parameters=params,
        member_starts=starts,
        member_names=names,
        end_line=node.end_lineno or node.lineno,
    )


def extract_module(tree: ast.Module, lines: list[str]) -> ModuleSyntax:
    """Top-level classes and imports of a module."""
    text = _Text(lines)
    classes: list[ClassSyntax] = []
    imports: dict[str, ImportedName] = {}
    aliases: dict[str, str] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.ClassDef):
            classes.append(extract_class(stmt, text))
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                imports[alias.asname or alias.name] = ImportedName(
                    stmt.module or "", alias.name, stmt.level or 0
                )
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    top = alias.name.split(".", 1)[0]
                    aliases[top] = top
    return ModuleSyntax(classes, imports, aliases)


def make_text(lines: list[str]) -> _Text:
    return _Text(lines)
