"""Re-analysis as the user types: only the step an edit touched is parsed again.

An :class:`IncrementalAnalyzer` keeps, per open document, the previous text and its
extracted classes. On :meth:`~IncrementalAnalyzer.update` it diffs old and new lines
(common prefix and suffix). When the changed lines lie inside one method of a class (from
its first decorator to the line before the next member) and the previous text parsed
cleanly, only that method's lines are parsed (wrapped in a dummy ``class _:`` so its
indentation and columns stay as written), its step record replaced, and the records below
shifted by the number of lines added or removed. The graph, lint and model are then rebuilt
from the records, which costs far less than parsing. Anything else (edits between classes,
in class attributes or imports, a method that no longer parses alone, a file with a
syntax error) takes the full path, which recovers from syntax errors.

With ``defer_body_check`` (the language server's choice), the full path parses a skeleton
of the file (skeleton.py: function bodies' middles left out) and defers the syntax check of
the left-out statements: the server publishes the analysis first, then calls
:meth:`~IncrementalAnalyzer.finish_body_check`, which checks them and, only if they are
broken, analyses the file again in full (its result then carries the syntax error). Any
later update finishes a pending check first.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace

from .analyzer import MAX_SOURCE_CHARS, analyze_source, paused_gc
from .build import build_analysis
from .model import Diagnostic, FileAnalysis, Parameter, Position, SourceRange
from .parse import SOURCE_NAME, parse_source, parse_tolerant, split_lines
from .resolver import ModuleResolver
from .skeleton import check_blanked
from .syntax import (
    ClassSyntax,
    ModuleSyntax,
    StepSyntax,
    extract_module,
    extract_step,
    make_text,
    shift_range,
)

__all__ = ["IncrementalAnalyzer"]


@dataclass(slots=True)
class _Member:
    start: int  # first line, decorators included
    name: str | None  # function name, None for other statements
    step: StepSyntax | None


@dataclass(slots=True)
class _ClassState:
    members: list[_Member]
    fixed_other: set[str]  # non-function attribute names


class IncrementalAnalyzer:
    """One per open document: ``update(text)`` returns the analysis of the new text.

    ``last_update_was_incremental`` tells whether the previous update took the fast path
    (tests and benchmarks read it). Not thread-safe: the owner of the document serialises
    its updates (the language server does, per document). With ``defer_body_check``, an
    update can leave the syntax check of some lines for :meth:`finish_body_check` (see the
    module docstring); without it, every result is complete.
    """

    def __init__(
        self, path: str, resolver: ModuleResolver | None = None, *, defer_body_check: bool = False
    ) -> None:
        self.path = path
        self.resolver = resolver
        self.defer_body_check = defer_body_check
        self._lines: list[str] | None = None
        self._source: str | None = None
        self._module: ModuleSyntax | None = None
        self._classes: list[_ClassState] = []
        self._top_starts: list[int] = []
        self._syntax_error: Diagnostic | None = None
        self._result: FileAnalysis | None = None
        self.last_update_was_incremental = False
        self._memo: dict[object, object] = {}
        self._unchecked: str | None = None  # left-out statements still to syntax-check

    @property
    def result(self) -> FileAnalysis | None:
        return self._result

    @property
    def body_check_pending(self) -> bool:
        """Whether the last result still awaits :meth:`finish_body_check`."""
        return self._unchecked is not None

    def update(self, source: str) -> FileAnalysis:
        """The analysis of ``source`` (the whole new text of the document); never raises.

        When ``body_check_pending`` is then true, the result holds every diagnostic but
        the syntax errors of the statements a skeleton left out: call
        :meth:`finish_body_check` once it has been published.
        """
        if source == self._source and self._result is not None:
            return self._result
        with paused_gc():
            if self._unchecked is not None:
                self._finish_body_check()
            return self._update(source)

    def finish_body_check(self) -> FileAnalysis | None:
        """Syntax-check what the last full analysis left out; the analysis made again in
        full if that found an error, else None (the last result stands: it equals the
        analysis of the whole file)."""
        if self._unchecked is None:
            return None
        with paused_gc():
            return self._finish_body_check()

    def _finish_body_check(self) -> FileAnalysis | None:
        unchecked, self._unchecked = self._unchecked, None
        if unchecked is None or self._source is None or check_blanked(unchecked, SOURCE_NAME):
            return None
        self.last_update_was_incremental = False
        return self._full(self._source, defer_body_check=False)

    def _update(self, source: str) -> FileAnalysis:
        self.last_update_was_incremental = False
        if len(source) <= MAX_SOURCE_CHARS and self._module is not None and not self._syntax_error:
            lines = split_lines(source)
            result = self._try_splice(lines)
            if result is not None:
                self.last_update_was_incremental = True
                self._source = source
                self._result = result
                return result
        return self._full(source)

    # -- full path ---------------------------------------------------------------------
    def _full(self, source: str, *, defer_body_check: bool | None = None) -> FileAnalysis:
        self._source = source
        self._unchecked = None
        if len(source) > MAX_SOURCE_CHARS:
            self._module = None
            self._result = analyze_source(source, self.path, resolver=self.resolver)
            return self._result
        if defer_body_check is None:
            defer_body_check = self.defer_body_check
        parsed = parse_tolerant(source, defer_body_check=defer_body_check)
        self._unchecked = parsed.unchecked
        module = extract_module(parsed.tree, parsed.lines)
        self._lines = parsed.lines
        self._module = module
        self._syntax_error = parsed.syntax_error
        self._top_starts = [_first_line(s) for s in parsed.tree.body]
        self._classes = [self._state_of(c) for c in module.classes]
        lines, syntax_error = parsed.lines, parsed.syntax_error
        del parsed  # free the AST while the collector is paused (see paused_gc)
        self._result = build_analysis(
            self.path, module, lines, syntax_error, self.resolver, self._memo
        )
        return self._result

    @staticmethod
    def _state_of(cls: ClassSyntax) -> _ClassState:
        by_line = {s.range.start.line: s for s in cls.steps}
        members = [
            _Member(start, name, by_line.get(start) if name else None)
            for start, name in zip(cls.member_starts, cls.member_names, strict=False)
        ]
        funcs = {m.name for m in members if m.name}
        return _ClassState(members, cls.other_names - funcs)

    # -- fast path ---------------------------------------------------------------------
    def _region(self, ci: int, mi: int) -> tuple[int, int]:
        assert self._module is not None and self._lines is not None
        cls = self._module.classes[ci]
        members = self._classes[ci].members
        start = members[mi].start
        if mi + 1 < len(members):
            return start, members[mi + 1].start - 1
        following = [t for t in self._top_starts if t > cls.end_line]
        end = (following[0] - 1) if following else len(self._lines)
        return start, end

    def _try_splice(self, new: list[str]) -> FileAnalysis | None:
        old = self._lines
        module = self._module
        if old is None or module is None:
            return None
        n_old, n_new = len(old), len(new)
        p = _common_prefix(old, new)
        s = _common_suffix(old, new, min(n_old, n_new) - p)
        a, b = p + 1, n_old - s  # changed old lines (1-based, inclusive); b < a: insertion
        first, last = (a, b) if b >= a else (p, p)
        if first < 1:
            return None
        found: tuple[int, int, int, int] | None = None
        for ci, cls in enumerate(module.classes):
            if not (cls.range.start.line <= first):
                break
            members = self._classes[ci].members
            for mi in range(len(members)):
                if members[mi].name is None:
                    continue
                start, end = self._region(ci, mi)
                if start <= first and last <= end:
                    found = (ci, mi, start, end)
                    break
            if found:
                break
        if found is None:
            return None
        ci, mi, start, end = found
        delta = n_new - n_old
        new_end = end + delta
        if new_end < start:
            return None
        region = new[start - 1 : new_end]
        # The snippet's indentation stack must be the file's: the method must still start
        # at the class body's indentation (else "unindent does not match" hides in it).
        body_indent = _indent(old[start - 1])
        first_code = next(
            (ln for ln in region if ln.strip() and not ln.lstrip().startswith("#")), ""
        )
        if not body_indent or _indent(first_code) != body_indent:
            return None
        snippet = "class _:\n" + "\n".join(region)
        try:
            tree = parse_source(snippet)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            return None
        if len(tree.body) != 1 or not isinstance(tree.body[0], ast.ClassDef):
            return None
        body = tree.body[0].body
        if len(body) != 1 or not isinstance(body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        ast.increment_lineno(tree, start - 2)
        func = body[0]
        first_line = func.decorator_list[0].lineno if func.decorator_list else func.lineno
        text = make_text(new)
        step = extract_step(func, text)
        last = mi == len(self._classes[ci].members) - 1
        class_end = text.range(func).end if last else None
        self._splice(ci, mi, _Member(first_line, func.name, step), delta, class_end)
        self._lines = new
        assert self._module is not None
        return build_analysis(self.path, self._module, new, None, self.resolver, self._memo)

    def _splice(
        self, ci: int, mi: int, member: _Member, delta: int, class_end: Position | None
    ) -> None:
        assert self._module is not None
        state = self._classes[ci]
        state.members[mi] = member
        if delta:
            for m in state.members[mi + 1 :]:
                m.start += delta
                if m.step is not None:
                    m.step = m.step.shifted(delta)
        cls = self._module.classes[ci]
        names = [m.name for m in state.members]
        other = set(state.fixed_other)
        other.update(m.name for m in state.members if m.name and m.step is None)
        classes = list(self._module.classes)
        end_line = class_end.line if class_end else cls.end_line + delta
        new_range = SourceRange(cls.range.start, class_end) if class_end else shift_end(cls, delta)
        classes[ci] = replace(
            cls,
            steps=[m.step for m in state.members if m.step is not None],
            other_names=other,
            member_starts=[m.start for m in state.members],
            member_names=names,
            end_line=end_line,
            range=new_range,
            parameters=[
                p if p.range.start.line < member.start else _shift_param(p, delta)
                for p in cls.parameters
            ],
        )
        if delta:
            for cj in range(ci + 1, len(classes)):
                classes[cj] = _shift_class(classes[cj], delta)
                for m in self._classes[cj].members:
                    m.start += delta
                    if m.step is not None:
                        m.step = m.step.shifted(delta)
            self._top_starts = [t + delta if t > member.start else t for t in self._top_starts]
        self._module = replace(self._module, classes=classes)


def _common_prefix(a: list[str], b: list[str]) -> int:
    """Length of the common prefix, by binary search over C-level slice comparisons."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: list[str], b: list[str], limit: int) -> int:
    """Length of the common suffix, at most ``limit``."""
    lo, hi = 0, limit
    na, nb = len(a), len(b)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[na - mid : na - lo] == b[nb - mid : nb - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _first_line(stmt: ast.stmt) -> int:
    decorators: list[ast.expr] = getattr(stmt, "decorator_list", None) or []
    return decorators[0].lineno if decorators else stmt.lineno


def shift_end(cls: ClassSyntax, delta: int) -> SourceRange:
    r = cls.range
    return SourceRange(r.start, Position(r.end.line + delta, r.end.column))


def _shift_param(p: Parameter, delta: int) -> Parameter:
    return replace(p, range=shift_range(p.range, delta))


def _shift_class(cls: ClassSyntax, delta: int) -> ClassSyntax:
    return replace(
        cls,
        range=shift_range(cls.range, delta),
        name_range=shift_range(cls.name_range, delta),
        decorators=[d.shifted(delta) for d in cls.decorators],
        steps=[s.shifted(delta) for s in cls.steps],
        parameters=[_shift_param(p, delta) for p in cls.parameters],
        member_starts=[x + delta for x in cls.member_starts],
        end_line=cls.end_line + delta,
    )
