"""The entry points: analyse a flow file's text or a file on disk.

Analysis never executes user code and never raises on bad source: every problem comes back
as a :class:`~mfstudio.flowgraph.model.Diagnostic`. Only an unreadable *file* raises
(:class:`~mfstudio.flowgraph.errors.SourceUnreadableError`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .build import build_analysis
from .errors import SourceUnreadableError
from .model import Diagnostic, FileAnalysis, Position, Severity, SourceRange
from .parse import parse_tolerant
from .resolver import ModuleResolver
from .syntax import extract_module

__all__ = ["MAX_SOURCE_CHARS", "analyze_file", "analyze_source", "paused_gc", "read_source"]

MAX_SOURCE_CHARS = 5_000_000
"""Longer sources are not analysed (a diagnostic says so): no editor file is that big."""


@contextmanager
def paused_gc() -> Iterator[None]:
    """Hold the cyclic garbage collector during one analysis.

    Parsing allocates tens of thousands of AST nodes, which triggers collections of the
    whole process heap (the language server's, too) in the middle of an analysis that
    creates no reference cycles. Callers drop the AST before the block ends, so reference
    counting frees it and the collector, re-enabled, finds little new to scan.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _too_big(path: str, size: int) -> FileAnalysis:
    where = SourceRange(Position(1, 0), Position(1, 0))
    msg = (
        f"This file has {size:,} characters, more than the {MAX_SOURCE_CHARS:,} that flow "
        "analysis reads; split the flow into smaller modules to get its graph."
    )
    return FileAnalysis(path, [], [Diagnostic(msg, where, Severity.WARNING, "mfstudio-too-large")])


def analyze_source(
    source: str, path: str = "<unknown>", *, resolver: ModuleResolver | None = None
) -> FileAnalysis:
    """Flows, steps, graph and diagnostics of a Python source text (never raises).

    ``path`` names the file in results and anchors imports of base classes, which
    ``resolver`` looks up in workspace modules without importing them (by default: next to
    ``path`` only, through a process-wide resolver that caches modules by mtime).
    """
    if len(source) > MAX_SOURCE_CHARS:
        return _too_big(path, len(source))
    with paused_gc():
        parsed = parse_tolerant(source)
        module = extract_module(parsed.tree, parsed.lines)
        lines, syntax_error = parsed.lines, parsed.syntax_error
        del parsed  # free the AST by reference counting while the collector is paused
        return build_analysis(path, module, lines, syntax_error, resolver)


def read_source(path: str | Path) -> str:
    """The text of ``path``; raises :class:`SourceUnreadableError` saying why and what to do."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise SourceUnreadableError(
            str(p), "no such file", "Check the path (relative paths start at the current folder)."
        ) from None
    except IsADirectoryError:
        raise SourceUnreadableError(
            str(p), "it is a folder", "Give the path of a Python file that defines a flow."
        ) from None
    except PermissionError:
        raise SourceUnreadableError(
            str(p), "permission denied", "Make the file readable by the current user."
        ) from None
    except OSError as err:
        raise SourceUnreadableError(str(p), err.strerror or str(err), "Check the path.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise SourceUnreadableError(
            str(p),
            f"not UTF-8 text (byte {err.start})",
            "Save the file as UTF-8, as Python source files should be.",
        ) from None


def analyze_file(path: str | Path, *, resolver: ModuleResolver | None = None) -> FileAnalysis:
    """:func:`analyze_source` of a file's contents; base classes are resolved next to it."""
    source = read_source(path)
    return analyze_source(source, str(path), resolver=resolver)
