"""A skeleton of a flow file: its function bodies' middles blanked, for a cheaper parse.

Metaflow's graph, and everything this package extracts from a ``def``, reads only its
decorators, its signature, its docstring (the first statement) and its last statement (the
tail ``self.next(...)``), plus ``self.next`` calls elsewhere in the body (reported as
misplaced). Parsing the statements in between is about half of ``ast.parse``'s time on a
typical flow, for nothing.

:func:`plan_skeleton` scans the source and, for every ``def`` whose body it can prove to be
made of whole statements, blanks the body's middle (between the docstring and the tail) in
a copy that keeps every line. The caller parses the copy (parse.py) and must still
*syntax-check* what was blanked, or a typo there would go unreported: :func:`check_blanked`
compiles the blanked statements, each body's wrapped in ``def _():``, with the ``symtable``
module, which runs CPython's parser without building Python objects. The language server
runs it after publishing the skeleton's analysis (incremental.py); if it fails, the file is
analysed again in full, which reports the error exactly where Python puts it.

Why the check is the file's own: every blanked region starts where a statement starts and
ends where one ends, outside any bracket or string, and each of its statements starts at
or deeper than the body's indentation. Python's tokenizer then reads the region the same
way inside the file and inside the wrapper (the only indentation levels a line of the
region can dedent to are the body's and the region's own), so the region parses in the file
exactly when it parses in the wrapper, and the file's tree is the skeleton's tree with the
region's statements put back. A region never contains the text ``next``, so no
``self.next`` call is hidden, and the kept first and last statements keep their places in
the body. Sources the argument does not cover are not blanked at all: tabs, form feeds and
NUL bytes (tokenizer rules of their own), backslash continuations, strings continued by a
backslash, ``from __future__ import barry_as_FLUFL`` (changes the grammar), f-strings on
Python 3.12+ (nested quotes), a lowered recursion limit, and lines longer or deeper than
the limits below, which keep the wrapper from hitting recursion or nesting limits the file
would not hit (or the other way round).
"""

from __future__ import annotations

import re
import symtable
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Skeleton", "check_blanked", "plan_skeleton"]

# One physical line that is a whole statement by itself: no backslash, strings that open and
# close on the line (not triple-quoted), brackets balanced (three levels of nesting), and an
# optional trailing comment. Possessive quantifiers: a failing match never backtracks.
_OTHER = r"""[^'"#\\()\[\]{}\n]++"""
_STR = r""""(?!"")[^"\\\n]*+"|'(?!'')[^'\\\n]*+\'"""


def _nested(levels: int) -> str:
    atom = f"{_OTHER}|{_STR}"
    for _ in range(levels):
        inner = f"(?:{atom})*+"
        atom = f"{_OTHER}|{_STR}|\\({inner}\\)|\\[{inner}\\]|\\{{{inner}\\}}"
    return f"(?:{atom})*+(?:#[^\\n]*+)?+"


_TRIPLE_STR = r'''"""(?:[^"\\\n]|"(?!""))*+"""|\'\'\'(?:[^'\\\n]|'(?!''))*+\'\'\''''
# consecutive simple lines (and blank or comment-only ones), each ended by a newline
_SIMPLE_RUN = re.compile(
    _nested(3).replace(_STR, f"{_TRIPLE_STR}|{_STR}").join(("(?: *+", r"\n)*+"))
)
# The tokens of a line that is not simple, read one at a time.
_TOKEN = re.compile(
    r"""(?P<other>[^'"#\\()\[\]{}\n]+)"""
    r"""|(?P<triple>\"\"\"|''')"""
    r"""|(?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
    r"""|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<comment>\#.*)"""
    r"""|(?P<bad>.)""",
    re.DOTALL,
)
_TRIPLE_END = {
    '"""': re.compile(r'(?:[^"\\]|\\.|\\$|"(?!""))*+"""'),
    "'''": re.compile(r"(?:[^'\\]|\\.|\\$|'(?!''))*+'''"),
}
_ASYNC = re.compile(r"async +")
# Patterns over whole lines start with the newline before the line: a literal first
# character lets the regex engine skip ahead quickly (a "^" would be tried everywhere).
_CONTENT = re.compile(r"\n( *+)[^ \n#]")
_DEEP = re.compile(r"\n {49}")  # indented deeper than the wrapper allows
_WORD = re.compile(r"\w*")
_F_STRING = re.compile(r"""(?<!\w)[rRbB]?[fF][rRbB]?['"]""")
# first words of the lines of compound statements: such a line is never kept alone
_COMPOUND = (
    *("if", "elif", "else", "for", "while", "try", "except", "finally"),
    *("with", "def", "class", "async", "match", "case"),
)
_MAX_STATEMENT_CHARS = 1000  # a blanked statement this long could nest deep enough to matter
_SHALLOW: dict[int, re.Pattern[str]] = {}
# The common shape of a def, matched in one go: a one-line header, an optional one-line
# docstring (any string: kept, it may be the docstring), the middle (lines indented at least
# as deep as the body, blank or comment lines), then the last statement at the body's
# indentation (see _tail_ok), followed by a line indented less (or the end). Only trusted
# when no statement of the text spans lines there (each line is then a whole statement).
_SIMPLE_DEF = re.compile(
    r"""(?P<def>[ ]*)(?:async[ ]+)?def[ ][^\n\#]*:[ ]*\n
    (?:[ ]*\n)*
    (?=(?P<body>(?P=def)[ ]+)[^ \n\#])
    (?>(?:(?P=body)[rRuUbBfF]{0,2}['"][^\n]*\n)?)
    (?P<middle>(?:(?P=body)[^\n]*\n|[ ]*\n|[ ]*\#[^\n]*\n)*)
    (?P=body)(?!(?:COMPOUND)\b|[rRuUbBfF]{0,2}['"]|@)[^ \n\#][^\n]*\n
    (?=(?:[ ]*(?:\#[^\n]*)?\n)*+(?!(?P=body)))""".replace("COMPOUND", "|".join(_COMPOUND)),
    re.VERBOSE,
)


def _shallower_than(indent: int) -> re.Pattern[str]:
    """A statement line indented by fewer than ``indent`` columns."""
    pattern = _SHALLOW.get(indent)
    if pattern is None:
        pattern = _SHALLOW[indent] = re.compile(f"\\n {{0,{indent - 1}}}[^ \\n#]")
    return pattern


Region = tuple[int, int, int]  # start and end offsets of a body's middle, its indentation


class _Fallback(Exception):
    """The scan cannot prove the skeleton right: parse the whole file."""


@dataclass(slots=True)
class Skeleton:
    """A source with function bodies' middles blanked, and what checks the blanked part."""

    text: str  # same lines as the source; the blanked ones are empty
    check: str  # the blanked statements, each function's wrapped in ``def _():``
    blanked: int  # how many lines were blanked


def _rest_of_line(line: str, pos: int, depth: int) -> tuple[int, str | None]:
    """Read ``line`` from ``pos`` outside strings; (bracket depth, open triple quote)."""
    n = len(line)
    match = _TOKEN.match
    while pos < n:
        m = match(line, pos)
        assert m is not None  # the last alternative matches any character
        kind = m.lastgroup
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth < 0:
                raise _Fallback
        elif kind == "comment":
            break
        elif kind == "triple":
            quote = m.group()
            end = _TRIPLE_END[quote].match(line, m.end())
            if end is None:
                return depth, quote
            pos = end.end()
            continue
        elif kind == "bad":  # a backslash continuation, or a quote left open
            raise _Fallback
        pos = m.end()
    return depth, None


def _complex_statement(text: str, start: int) -> int:
    """The end (after its last newline) of the statement starting at ``start`` that is not
    one simple line: it spans lines (brackets, a triple-quoted string) or needs a closer
    look (escapes, nested brackets)."""
    end = text.index("\n", start)
    line = text[start:end]
    depth, quote = _rest_of_line(line, len(line) - len(line.lstrip(" ")), 0)
    while depth or quote:
        start = end + 1
        if start >= len(text):
            raise _Fallback  # a bracket or string open at the end of the file
        end = text.index("\n", start)
        line = text[start:end]
        pos = 0
        if quote is not None:
            closing = _TRIPLE_END[quote].match(line)
            if closing is None:
                continue
            pos, quote = closing.end(), None
        depth, quote = _rest_of_line(line, pos, depth)
    return end + 1


class _Spans:
    """The statements that are not simple lines, as (start, end) offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] = []
        self.ends: list[int] = []
        run = _SIMPLE_RUN.match
        pos, n = 0, len(text)
        while True:
            m = run(text, pos)
            assert m is not None  # the pattern matches the empty string
            pos = m.end()
            if pos >= n:
                break
            self.starts.append(pos)
            pos = _complex_statement(text, pos)
            self.ends.append(pos)

    def containing(self, pos: int) -> int:
        """The index of the span ``pos`` is in (its first character included), or -1."""
        i = bisect_right(self.starts, pos) - 1
        return i if i >= 0 and pos < self.ends[i] else -1

    def inside(self, pos: int) -> bool:
        """Whether ``pos`` is in a span past its first character (a continuation line)."""
        i = self.containing(pos)
        return i >= 0 and pos != self.starts[i]

    def statement_end(self, pos: int) -> int:
        """The end of the statement starting at ``pos`` (a line start)."""
        i = self.containing(pos) if self.starts else -1
        return self.ends[i] if i >= 0 else self.text.index("\n", pos) + 1


def plan_skeleton(source: str, lines: list[str]) -> Skeleton | None:
    """The skeleton of ``source`` (whose lines are ``lines``), or None when there is
    nothing to blank or the scan cannot prove the blanking right."""
    if (
        "\t" in source
        or "\f" in source
        or "\0" in source
        or "\v" in source
        or "barry_as_FLUFL" in source
        or sys.getrecursionlimit() < 1000
        or (sys.version_info >= (3, 12) and _F_STRING.search(source) is not None)
        or max(map(len, lines), default=0) >= _MAX_STATEMENT_CHARS
        or _DEEP.search("\n" + source) is not None
    ):
        return None
    text = "\n".join(lines) + "\n" if "\r" in source or not source.endswith("\n") else source
    try:
        spans = _Spans(text)
    except _Fallback:
        return None
    regions = _regions(text, spans)
    if not regions:
        return None
    out: list[str] = []
    check: list[str] = []
    blanked = 0
    prev = 0
    for a, t, indent in regions:
        count = text.count("\n", a, t)
        out.append(text[prev:a])
        out.append("\n" * count)
        check.append(f"def _():\n{text[a:t]}{' ' * indent}pass\n")
        blanked += count
        prev = t
    out.append(text[prev:])
    return Skeleton("".join(out), "".join(check), blanked)


def _starts_string(text: str, pos: int) -> bool:
    """Whether a string literal starts at ``text[pos]`` (prefixes of up to two letters)."""
    for k in range(pos, min(pos + 3, len(text))):
        c = text[k]
        if c in "'\"":
            return True
        if c not in "rRuUbBfF":
            return False
    return False


def _first_word(text: str, pos: int) -> str:
    m = _WORD.match(text, pos)
    return m.group() if m else ""


def _last_statement(text: str, spans: _Spans, first_end: int, body_end: int) -> int:
    """Where the last statement before ``body_end`` starts (at or after ``first_end``), or -1."""
    end = body_end
    while end > first_end:
        start = text.rfind("\n", 0, end - 1) + 1
        stripped = text[start:end].lstrip(" ")
        if stripped[:1] not in ("\n", "#", ""):
            i = spans.containing(start) if spans.starts else -1
            return spans.starts[i] if i >= 0 else start
        end = start
    return -1


def _body_end(text: str, spans: _Spans, indent: int, pos: int) -> int:
    """The start of the first statement at or after ``pos`` indented by ``indent`` columns
    or fewer (the end of the body of a ``def`` at ``indent``), or the end of the text."""
    shallow = _shallower_than(indent + 1)
    while True:
        m = shallow.search(text, pos - 1)
        if m is None:
            return len(text)
        line = m.start() + 1
        if not (spans.starts and spans.inside(line)):
            return line
        pos = spans.ends[spans.containing(line)]


def _middle_ok(text: str, spans: _Spans, a: int, t: int, indent: int) -> bool:
    """Whether the statements in ``text[a:t]`` can be blanked (see the module docstring)."""
    if text.find("next", a, t) >= 0:
        return False
    shallow = _shallower_than(indent)
    pos = a - 1
    while (m := shallow.search(text, pos, t)) is not None:
        if not spans.inside(m.start() + 1):
            return False
        pos = m.end()
    if spans.starts:
        i = bisect_left(spans.starts, a)
        while i < len(spans.starts) and spans.starts[i] < t:
            if spans.ends[i] - spans.starts[i] >= _MAX_STATEMENT_CHARS:
                return False
            i += 1
    return True


def _defs(text: str) -> Iterator[tuple[int, int]]:
    """(line start, indentation) of each line that starts with ``def`` or ``async def``."""
    pos = text.find("def ")
    while pos >= 0:
        start = text.rfind("\n", 0, pos) + 1
        lead = text[start:pos]
        stripped = lead.lstrip(" ")
        if not stripped or _ASYNC.fullmatch(stripped):
            yield start, len(lead) - len(stripped)
        pos = text.find("def ", pos + 4)


def _tail_ok(text: str, tail_code: int) -> bool:
    """Whether the statement at ``tail_code`` can be kept alone as a body's last statement:
    not part of a compound statement, a decorator or a string (a lone string kept at the
    top of a skeleton body would read as a docstring)."""
    return not (
        text[tail_code] in " @"
        or _starts_string(text, tail_code)
        or _first_word(text, tail_code) in _COMPOUND
    )


def _simple_def(text: str, spans: _Spans, start: int) -> tuple[int, Region | None] | None:
    """(end of body, region or None) of the ``def`` at ``start`` when it has the common
    shape (see _SIMPLE_DEF) and no statement spanning lines; None otherwise."""
    m = _SIMPLE_DEF.match(text, start)
    if m is None:
        return None
    end = m.end()
    if spans.starts:
        i = bisect_left(spans.starts, start)
        if i < len(spans.starts) and spans.starts[i] < end:
            return None
    a, t = m.span("middle")
    if a == t or text.find("next", a, t) >= 0:
        return end, None
    return end, (a, t, len(m.group("body")))


def _any_def(text: str, spans: _Spans, start: int, indent: int) -> tuple[int, Region | None]:
    """(end of body, region or None) of the ``def`` at ``start``, whatever its shape."""
    header_end = spans.statement_end(start)
    body_end = _body_end(text, spans, indent, header_end)
    first = _CONTENT.search(text, header_end - 1, body_end)
    if first is None:  # a one-line def, or no body at all
        return body_end, None
    body_indent = len(first.group(1))
    first_end = spans.statement_end(first.start() + 1)
    tail = _last_statement(text, spans, first_end, body_end)
    if tail < 0:
        return body_end, None
    keep_first = _starts_string(text, first.end() - 1)
    a = first_end if keep_first else first.start() + 1
    tail_code = tail + body_indent
    if (
        a >= tail
        or text[tail:tail_code] != " " * body_indent
        or not _tail_ok(text, tail_code)
        or not _middle_ok(text, spans, a, tail, body_indent)
    ):
        return body_end, None
    return body_end, (a, tail, body_indent)


def _regions(text: str, spans: _Spans) -> list[Region]:
    """(start, end, body indentation) of each function body middle to blank."""
    regions: list[Region] = []
    done = 0  # defs before this offset are inside a body already handled
    for start, indent in _defs(text):
        if start < done or (spans.starts and spans.inside(start)):
            continue
        found = _simple_def(text, spans, start) or _any_def(text, spans, start, indent)
        done, region = found
        if region is not None:
            regions.append(region)
    return regions


def check_blanked(check: str, filename: str) -> bool:
    """Whether the statements a skeleton left out are valid syntax: ``symtable`` runs the C
    parser on them without building their AST (see the module docstring for why this is
    the same as parsing them in the file)."""
    try:
        symtable.symtable(check, filename, "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False
    return True
