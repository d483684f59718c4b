"""From extracted syntax to the public model: flows, steps, graph and diagnostics.

Shared by the cold path (:func:`~mfstudio.flowgraph.analyzer.analyze_source`) and the
incremental one, which hands in a :class:`ModuleSyntax` with only the edited step
re-extracted. Base classes are looked up in the same file first, then, through the file's
imports, in workspace modules read by a :class:`ModuleResolver`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from .catalog import DecoratorCatalog, catalog, to_pod
from .checks import check_class, check_step
from .graph import FlowGraph, output_type
from .lint import LintProblem, run_lint
from .model import (
    Decorator,
    Diagnostic,
    FileAnalysis,
    Flow,
    JSONValue,
    Parameter,
    Position,
    SourceRange,
    Step,
    StepType,
    Transition,
)
from .resolver import ModuleResolver, default_resolver
from .syntax import ClassSyntax, DecoratorSyntax, ModuleSyntax, StepSyntax

__all__ = ["build_analysis"]

_MAX_BASE_DEPTH = 16
_ROOT = "FlowSpec"


@dataclass(frozen=True, slots=True)
class _Found:
    cls: ClassSyntax
    module: ModuleSyntax
    path: Path | None  # None: the file being analysed


class _Context:
    def __init__(
        self, path: str, module: ModuleSyntax, lines: list[str], resolver: ModuleResolver | None
    ) -> None:
        self.path = path
        self.file = Path(path) if path and not path.startswith("<") else None
        self.module = module
        self.lines = lines
        self.resolver = resolver
        self.cat: DecoratorCatalog = catalog()
        self._defaults: dict[str, dict[str, JSONValue]] = {}
        self.syntax_line = 0  # the line of the file's syntax error, 0 when it parses
        self.memo: dict[object, object] | None = None

    # -- base classes ------------------------------------------------------------------
    def lookup(
        self, name: str, module: ModuleSyntax, mpath: Path | None, depth: int = 0
    ) -> _Found | str | None:
        """The class a base-class expression names in ``module``: _Found, "FlowSpec" or None."""
        if name.rsplit(".", 1)[-1] == _ROOT:
            return _ROOT
        if depth > _MAX_BASE_DEPTH:
            return None
        if "." not in name:
            local = None
            for c in module.classes:
                if c.name == name:
                    local = c
            if local is not None:
                return _Found(local, module, mpath)
            imported = module.imports.get(name)
            if imported is None or self.resolver is None:
                return None
            if imported.name == _ROOT:
                return _ROOT
            hit = self.resolver.resolve(mpath, imported)
            if hit is None:
                return None
            return self.lookup(imported.name, hit[1], hit[0], depth + 1)
        head, _, rest = name.partition(".")
        mod_name = module.module_aliases.get(head)
        if mod_name is None or self.resolver is None:
            return None
        mod_path, _, cls_name = rest.rpartition(".")
        full = f"{mod_name}.{mod_path}" if mod_path else mod_name
        hit2 = self.resolver.resolve_module(mpath, full)
        if hit2 is None:
            return None
        return self.lookup(cls_name, hit2[1], hit2[0], depth + 1)

    def ancestry(self, found: _Found) -> tuple[bool, list[_Found]]:
        """(is a FlowSpec subclass, classes base-first ending with ``found``)."""
        order: list[_Found] = []
        ids: set[tuple[str, Path | None]] = set()
        is_flow = False

        def visit(f: _Found, depth: int) -> None:
            nonlocal is_flow
            key = (f.cls.name, f.path)
            if key in ids or depth > _MAX_BASE_DEPTH:
                return
            ids.add(key)
            for base in f.cls.bases:
                hit = self.lookup(base, f.module, f.path)
                if hit == _ROOT:
                    is_flow = True
                elif isinstance(hit, _Found):
                    visit(hit, depth + 1)
            order.append(f)

        visit(found, 0)
        return is_flow, order

    # -- model conversion ----------------------------------------------------------------
    def defaults(self, name: str, flow_level: bool) -> dict[str, JSONValue]:
        key = ("F:" if flow_level else "S:") + name
        hit = self._defaults.get(key)
        if hit is None:
            info = (self.cat.flow if flow_level else self.cat.step).get(name)
            hit = to_pod(info.defaults) if info else {}
            self._defaults[key] = hit
        return hit

    def decorator(self, d: DecoratorSyntax, flow_level: bool) -> Decorator:
        attrs = d.merged
        if attrs is None:
            attrs = dict(self.defaults(d.name, flow_level))
            attrs.update(d.kwargs)
            d.merged = attrs
        return Decorator(d.name, attrs, d.range)

    def line_range(self, line: int) -> SourceRange:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        start = len(text) - len(text.lstrip())
        return SourceRange(Position(line, start), Position(line, len(text.rstrip())))


_new = object.__new__
_set_source = cast(Any, Transition).__dict__["source"].__set__
_set_target = cast(Any, Transition).__dict__["target"].__set__
_set_range = cast(Any, Transition).__dict__["range"].__set__


def _transitions(source: str, targets: list[tuple[str, SourceRange]]) -> list[Transition]:
    """``[Transition(source, t, r) for t, r in targets]``, filling the frozen slots directly
    (the generated ``__init__`` costs twice as much; the objects are the same)."""
    out: list[Transition] = []
    for target, rng in targets:
        t = _new(Transition)
        _set_source(t, source)
        _set_target(t, target)
        _set_range(t, rng)
        out.append(t)
    return out


_FOREIGN_NOTE = " (in step '{step}', inherited from {file}:{line})"


def _problem_range(
    ctx: _Context, p: LintProblem, step: StepSyntax | None, foreign: Path | None, cls: ClassSyntax
) -> tuple[SourceRange, str]:
    if step is None:
        return cls.name_range, p.message
    if foreign is not None:
        return cls.name_range, p.message + _FOREIGN_NOTE.format(
            step=step.name, file=foreign, line=p.line or step.line
        )
    if p.line == 0 or p.line == step.line:
        return step.name_range, p.message
    if p.target is not None:
        for name, r in step.targets:
            if name == p.target and r.start.line == p.line:
                return r, p.message
    return ctx.line_range(p.line), p.message


_MID_EDIT_RULES = frozenset({"check_static_transitions", "check_valid_transitions"})


def _consequence_of_syntax_error(
    p: LintProblem, step: StepSyntax | None, foreign: Path | None, line: int
) -> bool:
    """While a line is broken, its step has lost its self.next() and the steps it led to
    look unreachable: those findings are noise until the user finishes typing."""
    if p.rule == "check_for_orphans":
        return True
    return (
        p.rule in _MID_EDIT_RULES
        and step is not None
        and foreign is None
        and step.range.start.line <= line <= step.range.end.line + 1
    )


@dataclass(frozen=True, slots=True)
class _GraphFacts:
    """What the graph and lint say about a flow: a function of its steps' signatures."""

    signature: tuple[object, ...]
    nodes: dict[str, tuple[StepType, str | None, list[str]]]  # type, matching_join, in_funcs
    structure: list[JSONValue]
    # each problem with where its line is: "def", "tail" (the self.next line) or None (no
    # line), so the facts stay valid when lines move
    problems: list[tuple[LintProblem, str | None]]


def _signature(s: StepSyntax, source: Path | None) -> tuple[object, ...]:
    """Everything about a step that the graph and the lint read, lines excepted: a
    problem's line is always the step's ``def`` line or its ``self.next`` line."""
    sig = s.models.get("signature")
    if sig is None:
        sig = [(
            s.name, s.raw_type, tuple(s.out_funcs), s.num_args, s.has_tail_next,
            s.invalid_tail_next, s.is_start_step, s.is_end_step,
            s.parallel_foreach, s.foreach_param, s.num_parallel, s.condition,
            tuple(s.switch_cases.items()) if s.switch_cases else (),
            tuple([d.name for d in s.decorators]) if s.decorators else (),
        )]  # (the conditionals skip a generator per step: most steps have no decorator)
        s.models["signature"] = sig
    return (sig[0], source)


def _graph_facts(
    ctx: _Context, cls: ClassSyntax, merged: dict[str, tuple[StepSyntax, Path | None]]
) -> _GraphFacts:
    parallel = frozenset(n for n, i in ctx.cat.step.items() if i.is_parallel) or frozenset(
        {"parallel"}
    )
    signature = (parallel, *(_signature(s, p) for s, p in merged.values()))
    key = ("graph", cls.name)
    if ctx.memo is not None:
        hit = ctx.memo.get(key)
        if isinstance(hit, _GraphFacts) and hit.signature == signature:
            return hit
    graph = FlowGraph({n: s for n, (s, _) in merged.items()}, parallel)
    facts = _GraphFacts(
        signature,
        {n: (output_type(node), node.matching_join, node.in_funcs)
         for n, node in graph.nodes.items()},
        graph.graph_structure(),
        [(p, _relative_line(p, merged)) for p in run_lint(graph)],
    )
    if ctx.memo is not None:
        ctx.memo[key] = facts
    return facts


def _relative_line(
    p: LintProblem, merged: dict[str, tuple[StepSyntax, Path | None]]
) -> str | None:
    hit = merged.get(p.step) if p.step else None
    if hit is None or not p.line:
        return None
    if p.line == hit[0].tail_next_line:
        return "tail"
    return "def"


def _step_model(
    ctx: _Context, name: str, s: StepSyntax, source: Path | None,
    node: tuple[StepType, str | None, list[str]],
) -> Step:
    """The Step for a record and its graph facts; reused while both are unchanged."""
    cached = s.models.get("step")
    if cached is not None and cached[0] == (name, node, source):
        return cached[1]  # type: ignore[no-any-return]
    kind, matching_join, in_funcs = node
    decorators = [
        ctx.decorator(d, False) for d in reversed(s.decorators) if not d.name.startswith("_")
    ] if s.decorators else []
    is_switch = kind == "split-switch"
    step = Step(
        name=name,
        type=kind,
        next=list(s.out_funcs),
        line=s.line,
        doc=s.doc,
        range=s.range,
        name_range=s.name_range,
        decorators=decorators,
        transitions=_transitions(name, s.targets),
        foreach_artifact=s.foreach_param if kind == "split-foreach" else None,
        num_parallel=s.num_parallel if kind == "split-parallel" else None,
        matching_join=matching_join,
        condition=s.condition if is_switch else None,
        switch_cases=dict(s.switch_cases) if is_switch else None,
        in_funcs=list(in_funcs),
        source_file=str(source) if source is not None else None,
    )
    s.models["step"] = [((name, node, source)), step]
    return step


def _flow(ctx: _Context, found: _Found, order: list[_Found], diags: list[Diagnostic]) -> Flow:
    cls = found.cls
    merged: dict[str, tuple[StepSyntax, Path | None]] = {}
    params: dict[str, Parameter] = {}
    flow_decos: list[DecoratorSyntax] = []
    for f in order:
        for name in f.cls.other_names:
            merged.pop(name, None)
        for s in f.cls.steps:
            merged.pop(s.name, None)
            merged[s.name] = (s, f.path if f is not found else None)
        for p in f.cls.parameters:
            params[p.attribute] = p
        flow_decos.extend(f.cls.decorators)
    facts = _graph_facts(ctx, cls, merged)
    broken = ctx.syntax_line
    for problem, relative in facts.problems:
        s_and_p = merged.get(problem.step) if problem.step else None
        step, foreign = s_and_p if s_and_p else (None, None)
        if step is not None:
            line = {"def": step.line, "tail": step.tail_next_line}.get(relative or "", 0)
            if line != problem.line:
                problem = replace(problem, line=line)
        if broken and _consequence_of_syntax_error(problem, step, foreign, broken):
            continue
        rng, msg = _problem_range(ctx, problem, step, foreign, cls)
        diags.append(Diagnostic(msg, rng, problem.severity, problem.rule, cls.name))
    steps = {
        name: _step_model(ctx, name, s, source, facts.nodes[name])
        for name, (s, source) in merged.items()
    }
    return Flow(
        name=cls.name,
        doc=cls.doc,
        range=cls.range,
        name_range=cls.name_range,
        steps=steps,
        graph_structure=facts.structure,
        parameters=list(params.values()),
        decorators=[ctx.decorator(d, True) for d in reversed(flow_decos)],
        bases=list(cls.bases),
    )


def build_analysis(
    path: str,
    module: ModuleSyntax,
    lines: list[str],
    syntax_error: Diagnostic | None,
    resolver: ModuleResolver | None,
    memo: dict[object, object] | None = None,
) -> FileAnalysis:
    """Flows and diagnostics of one parsed file.

    ``memo`` (kept by an IncrementalAnalyzer between updates) lets a flow whose steps have
    the same graph signature as last time reuse its graph, structure and lint results.
    """
    if resolver is None and not path.startswith("<"):
        resolver = default_resolver()
    ctx = _Context(path, module, lines, resolver)
    ctx.memo = memo
    ctx.syntax_line = syntax_error.range.start.line if syntax_error else 0
    diags: list[Diagnostic] = [syntax_error] if syntax_error else []
    candidates: list[tuple[_Found, list[_Found]]] = []
    used_as_base: set[str] = set()
    by_name = {c.name: c for c in module.classes}
    for cls in module.classes:
        found = _Found(cls, module, ctx.file)
        is_flow, order = ctx.ancestry(found)
        if is_flow:
            candidates.append((found, order))
            used_as_base.update(b for b in cls.bases if b in by_name and b != cls.name)
    flows: list[Flow] = []
    for found, order in candidates:
        cls = found.cls
        is_base = cls.name in used_as_base
        owner = None if is_base else cls.name
        findings = check_class(cls, ctx.cat)
        for step in cls.steps:
            step_findings = step.models.get("findings")
            if step_findings is None:
                step_findings = step.models["findings"] = check_step(step, ctx.cat)
            findings.extend(step_findings)
        for f in findings:
            diags.append(Diagnostic(f.message, f.range, f.severity, f.rule, owner))
        if not is_base:  # a base class of another flow here is analysed through its children
            flows.append(_flow(ctx, found, order, diags))
    diags.sort(key=lambda d: (d.range.start.line, d.range.start.column))
    return FileAnalysis(path=path, flows=flows, diagnostics=diags)

