"""``textDocument/completion``: step names in transitions, Metaflow decorators and their
arguments.

The context comes from the text before the cursor (a half-typed line does not parse, so
the analysis cannot say where the cursor is); the candidates come from the analysis (the
flow's steps) and from Metaflow's own decorator registry (``DecoratorCatalog``). Three
contexts are recognised:

- ``self.next(self.|``, ``self.next(self.a, self.|`` and switch cases ``{"x": self.|``:
  the flow's step names;
- ``@|`` on a line above a ``def`` (step decorators) or a ``class`` (flow decorators);
- ``@retry(|`` / ``@resources(cpu=2, |``: the decorator's argument names, with defaults.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lsprotocol import types

from mfstudio.flowgraph.catalog import DecoratorCatalog, DecoratorInfo, DecoratorKind
from mfstudio.flowgraph.model import FileAnalysis, Flow, Position
from mfstudio.lsp.lookup import contains, flow_at, is_local
from mfstudio.lsp.positions import LineIndex

__all__ = ["complete", "open_brackets"]

_WINDOW_LINES = 30  # how far back a multi-line self.next(...) or decorator call is followed
_STEP_PREFIX = re.compile(r"(?:^|(?<=[\s(,:{\[]))self\.(\w*)$")
_DECORATOR_PREFIX = re.compile(r"^\s*@(\w*)$")
_DECORATOR_CALL = re.compile(r"@((?:\w+\.)*(\w+))\s*$")
_NEXT_CALL = re.compile(r"\bself\.next\s*$")
_ARGUMENT_PREFIX = re.compile(r"(?:^|[(,])\s*(\w*)$")
_WRITTEN_ARGUMENT = re.compile(r"(\w+)\s*=(?!=)")
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {v: k for k, v in _OPENERS.items()}


def open_brackets(text: str) -> list[int]:
    """Offsets of the brackets still open at the end of ``text``, outermost first.

    Skips string literals and comments, so ``"("`` or ``# (`` do not count; tolerant of
    unbalanced input (a stray closer is ignored), since it runs on half-typed code.
    """
    stack: list[int] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == "#":
            newline = text.find("\n", index)
            index = length if newline < 0 else newline
        elif char in "\"'":
            quote = text[index : index + 3] if text[index : index + 3] in ('"""', "'''") else char
            end = text.find(quote, index + len(quote))
            while end > 0 and text[end - 1] == "\\" and len(quote) == 1:
                end = text.find(quote, end + 1)
            if end < 0 or (len(quote) == 1 and "\n" in text[index:end]):
                # unterminated: a one-line string ends at the line end, a triple at the end
                newline = text.find("\n", index)
                index = length if len(quote) == 3 or newline < 0 else newline
                continue
            index = end + len(quote)
            continue
        elif char in _OPENERS:
            stack.append(index)
        elif char in _CLOSERS and stack and text[stack[-1]] == _CLOSERS[char]:
            stack.pop()
        index += 1
    return stack


@dataclass(frozen=True, slots=True)
class _Cursor:
    lines: LineIndex
    position: Position  # model position: 1-based line, code-point column
    prefix: str  # the current line up to the cursor
    window: str  # up to _WINDOW_LINES lines before the cursor, then the prefix

    @classmethod
    def at(cls, lines: LineIndex, position: types.Position) -> _Cursor:
        model = lines.from_lsp_position(position)
        prefix = lines.line(position.line)[: model.column]
        first = max(position.line - _WINDOW_LINES, 0)
        window = "\n".join([*(lines.line(i) for i in range(first, position.line)), prefix])
        return cls(lines, model, prefix, window)


def _step_items(cursor: _Cursor, analysis: FileAnalysis) -> list[types.CompletionItem] | None:
    match = _STEP_PREFIX.search(cursor.prefix)
    if match is None:
        return None
    before = cursor.window[: len(cursor.window) - len(match.group(0))]
    stack = open_brackets(before)
    if not any(_NEXT_CALL.search(before[:i]) and before[i] == "(" for i in stack):
        return None
    flow = flow_at(analysis, cursor.position) or analysis.flow()
    if flow is None:
        return []
    in_switch = before[stack[-1]] == "{"
    return _step_candidates(flow, cursor.position, allow_self=in_switch)


def _current_step(flow: Flow, position: Position) -> str | None:
    """The step being edited: the last one starting at or above the cursor's line (a
    half-typed line may be cut from the analysed step, so its range can end early)."""
    current = None
    for step in filter(is_local, flow.steps.values()):
        if step.range.start.line <= position.line and contains(flow.range, step.range.start):
            current = step.name
    return current


def _step_candidates(
    flow: Flow, position: Position, *, allow_self: bool
) -> list[types.CompletionItem]:
    items = []
    current = None if allow_self else _current_step(flow, position)
    for index, step in enumerate(flow.steps.values()):
        if step.name in ("start", current):
            continue
        items.append(
            types.CompletionItem(
                label=step.name,
                kind=types.CompletionItemKind.Method,
                detail=f"{step.type} step",
                documentation=step.doc.strip() or None,
                sort_text=f"{index:05d}",
            )
        )
    return items


def _decorator_kind(cursor: _Cursor) -> DecoratorKind:
    """Step decorators above a ``def``, flow decorators above a ``class``; without either
    below, indentation decides (inside a class body: a step)."""
    for index in range(cursor.position.line, len(cursor.lines.lines)):
        text = cursor.lines.line(index).strip()
        if not text or text.startswith(("#", "@")):
            continue
        if text.startswith(("def ", "async def ")):
            return "step"
        if text.startswith("class "):
            return "flow"
        break
    return "step" if cursor.prefix[:1].isspace() else "flow"


def _decorator_item(info: DecoratorInfo, order: int) -> types.CompletionItem:
    return types.CompletionItem(
        label=info.name,
        kind=types.CompletionItemKind.Function,
        detail=f"{info.kind} decorator",
        documentation=types.MarkupContent(kind=types.MarkupKind.PlainText, value=info.doc)
        if info.doc
        else None,
        sort_text=f"{order:05d}",
    )


def _decorator_items(
    cursor: _Cursor, catalog: DecoratorCatalog
) -> list[types.CompletionItem] | None:
    if _DECORATOR_PREFIX.match(cursor.prefix) is None:
        return None
    kind = _decorator_kind(cursor)
    infos = sorted(catalog.decorators(kind), key=lambda info: info.name)
    items = [_decorator_item(info, order) for order, info in enumerate(infos, start=1)]
    if kind == "step":
        items.insert(
            0,
            types.CompletionItem(
                label="step",
                kind=types.CompletionItemKind.Function,
                detail="step decorator",
                documentation="Marks a method of a FlowSpec as a step of the flow.",
                sort_text=f"{0:05d}",
            ),
        )
    return items


def _argument_items(
    cursor: _Cursor, catalog: DecoratorCatalog
) -> list[types.CompletionItem] | None:
    stack = open_brackets(cursor.window)
    if not stack or cursor.window[stack[-1]] != "(":
        return None
    call = _DECORATOR_CALL.search(cursor.window[: stack[-1]])
    inside = cursor.window[stack[-1] :]
    if call is None or _ARGUMENT_PREFIX.search(inside) is None:
        return None
    info = catalog.find(call.group(2))
    if info is None:
        return []
    written = set(_WRITTEN_ARGUMENT.findall(inside))
    return [
        types.CompletionItem(
            label=name,
            kind=types.CompletionItemKind.Property,
            detail=f"= {default!r}",
            insert_text=f"{name}=",
            sort_text=f"{order:05d}",
        )
        for order, (name, default) in enumerate(info.defaults.items())
        if name not in written
    ]


def complete(
    analysis: FileAnalysis,
    lines: LineIndex,
    position: types.Position,
    catalog: DecoratorCatalog,
) -> types.CompletionList | None:
    """Completion items at ``position``, or None when no Metaflow context applies there."""
    cursor = _Cursor.at(lines, position)
    items = _step_items(cursor, analysis)
    if items is None:
        items = _decorator_items(cursor, catalog)
    if items is None:
        items = _argument_items(cursor, catalog)
    return None if items is None else types.CompletionList(is_incomplete=False, items=items)
