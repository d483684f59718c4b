"""Parsing that survives a file in mid-edit.

``ast.parse`` gives up at the first syntax error, but the user is typing: the half-written
``self.next(self.`` must not make the whole graph disappear. :func:`parse_tolerant` reports
the first error exactly where Python puts it, then neutralises the broken line (or the block
that became unparsable because of it) *without changing the line numbering* and parses
again, a bounded number of times (scaled to the file's size, so the same text always
gives the same result), so every step that is still
well-formed keeps its graph node and diagnostics keep their lines.
"""

from __future__ import annotations

import ast
import re
import time
import warnings
from dataclasses import dataclass

from .model import Diagnostic, Position, Severity, SourceRange
from .skeleton import plan_skeleton

__all__ = ["SOURCE_NAME", "ParseResult", "parse_source", "parse_tolerant", "split_lines"]

SOURCE_NAME = "<flow-source>"
"""The file name given to the parser: compile-time warnings about the *user's* code
(invalid escape sequences, ``assert (x, y)``) are silenced for it, so they neither reach
the server's stderr nor turn into errors where warnings are errors."""
for _category in (SyntaxWarning, DeprecationWarning):
    warnings.filterwarnings("ignore", category=_category, module=SOURCE_NAME)


def parse_source(source: str) -> ast.Module:
    """``ast.parse`` of user source under :data:`SOURCE_NAME`."""
    return ast.parse(source, filename=SOURCE_NAME)


_MAX_ATTEMPTS = 40
_PARSE_BUDGET_CHARS = 600_000  # repairs re-parse at most this much text: ~0.1 s at worst
_SAFETY_NET_S = 2.0  # never reached in practice; the character budget decides
_HEADER_COLON = re.compile(r"^(.*:)(\s*(#.*)?)$")
_BLOCK_AFTER = re.compile(r"expected an indented block after .* on line (\d+)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(slots=True)
class ParseResult:
    """A module tree (possibly of a repaired copy of the source) and the first syntax error."""

    tree: ast.Module
    lines: list[str]  # the ORIGINAL source lines, without line endings
    syntax_error: Diagnostic | None
    # statements left out of ``tree`` and not yet syntax-checked (see skeleton.py), for
    # :func:`~mfstudio.flowgraph.skeleton.check_blanked`; None when every line was parsed
    unchecked: str | None = None


def split_lines(source: str) -> list[str]:
    """Split like Python's tokenizer does (``\\n``, ``\\r\\n`` and ``\\r`` end a line)."""
    if "\r" not in source:
        return source.split("\n")
    return _LINE_BREAK.split(source)


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _syntax_diagnostic(err: SyntaxError, lines: list[str]) -> Diagnostic:
    line = err.lineno or len(lines) or 1
    line = max(1, min(line, max(len(lines), 1)))
    text = lines[line - 1] if line - 1 < len(lines) else ""
    col = max((err.offset or 1) - 1, 0)
    col = min(col, len(text))
    end_line = err.end_lineno if err.end_lineno and err.end_lineno >= line else line
    end_col = (err.end_offset or 0) - 1
    if end_line == line and end_col <= col:
        end_col = min(col + 1, max(len(text), col + 1))
    if end_line != line and end_col < 0:
        end_col = 0
    message = err.msg or "invalid syntax"
    kind = "Indentation error" if isinstance(err, IndentationError) else "Syntax error"
    return Diagnostic(
        message=(
            f"{kind}: {message}. The graph shows what could be read; "
            "complete or fix this line to see the whole flow."
        ),
        range=SourceRange(Position(line, col), Position(end_line, max(end_col, 0))),
        severity=Severity.ERROR,
        rule="syntax",
    )


def _neutralise(work: list[str], err: SyntaxError) -> bool:
    """Blank out the statement Python choked on; False when nothing could be changed."""
    n = len(work)
    msg = err.msg or ""
    header = _BLOCK_AFTER.search(msg)
    if header:
        k = int(header.group(1)) - 1
        if 0 <= k < n:
            m = _HEADER_COLON.match(work[k])
            if m and not work[k].rstrip().endswith(" pass"):
                work[k] = m.group(1) + " pass" + m.group(2)
                return True
            if work[k].strip() != "pass":
                work[k] = _indent_of(work[k]) + "pass"
                return True
        return False
    line = (err.lineno or n) - 1
    if line >= n:
        line = n - 1
    if line < 0:
        return False
    if isinstance(err, IndentationError) or "indent" in msg:
        # The line (and the block it opens) sits at an impossible indentation: drop it all.
        depth = len(_indent_of(work[line]))
        changed = work[line] != ""
        work[line] = ""
        j = line + 1
        while j < n and (not work[j].strip() or len(_indent_of(work[j])) >= depth > 0):
            if work[j]:
                changed = True
            work[j] = ""
            j += 1
        return changed
    replacement = _indent_of(work[line]) + "pass"
    changed = work[line] != replacement
    work[line] = replacement
    # decorators right above a neutralised statement would decorate "pass": drop them too
    j = line - 1
    while j >= 0 and (not work[j].strip() or work[j].lstrip().startswith("@")):
        if work[j].strip():
            work[j] = _indent_of(work[j]) + "pass"
            changed = True
        j -= 1
    return changed


def _parse(lines: list[str]) -> ast.Module:
    return parse_source("\n".join(lines))


def parse_tolerant(source: str, *, defer_body_check: bool = False) -> ParseResult:
    """Parse ``source``; on syntax errors, repair a copy line by line and parse again.

    Never raises. The tree's line numbers always match ``source``'s lines; at worst (no
    repair found within the budget) the tree is the longest parsable prefix or empty.

    With ``defer_body_check``, the tree may be a skeleton's (function bodies' middles left
    out, see skeleton.py): the result's ``unchecked`` then holds the left-out statements,
    which the caller must syntax-check later and, if they fail, parse again without
    deferring. A file whose skeleton does not parse takes the full path at once.
    """
    lines = split_lines(source)
    if defer_body_check:
        skeleton = plan_skeleton(source, lines)
        if skeleton is not None:
            try:
                tree = parse_source(skeleton.text)
            except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
                pass  # the full parse below finds the error where Python puts it
            else:
                return ParseResult(tree, lines, None, skeleton.check)
    try:
        return ParseResult(parse_source(source), lines, None)
    except SyntaxError as err:
        first: SyntaxError = err
    except (ValueError, RecursionError, MemoryError, OverflowError) as err:
        first = SyntaxError(str(err) or type(err).__name__, ("<unknown>", 1, 1, "", 1, 2))
    diagnostic = _syntax_diagnostic(first, lines)
    work = [ln.replace("\0", " ") for ln in lines]
    # a deterministic budget (same input, same result), scaled to the size of the file
    attempts = max(4, min(_MAX_ATTEMPTS, _PARSE_BUDGET_CHARS // max(len(source), 1)))
    deadline = time.perf_counter() + _SAFETY_NET_S
    err2: BaseException = first
    for _ in range(attempts):
        if isinstance(err2, SyntaxError) and not _neutralise(work, err2):
            break
        if time.perf_counter() > deadline:
            break
        try:
            return ParseResult(_parse(work), lines, diagnostic)
        except SyntaxError as again:
            err2 = again
        except (ValueError, RecursionError, MemoryError, OverflowError):
            break
    return ParseResult(_prefix_tree(work, first.lineno or 1), lines, diagnostic)


def _prefix_tree(work: list[str], error_line: int) -> ast.Module:
    """The longest prefix before the error that parses (top-level cut points only)."""
    cut = max(0, min(error_line - 1, len(work)))
    for _ in range(8):
        try:
            return _parse(work[:cut])
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            # back up to the previous line that starts at column 0
            cut -= 1
            while cut > 0 and (not work[cut].strip() or work[cut][:1] in (" ", "\t")):
                cut -= 1
            if cut <= 0:
                break
    return ast.Module(body=[], type_ignores=[])
