"""``metaflow/findFlow``: which workspace file defines a FlowSpec, and where a step of it is.

Runs only know their flow's name; "Reveal step in flow file" needs the source. Open
documents are asked first (their newest text), then the workspace folders are scanned:
a cheap text match for ``class <Flow>`` picks the candidates, and only those are analysed.
The scan skips hidden folders, virtual environments and ``node_modules``, and stops after
``MAX_FILES`` Python files, so a huge workspace costs a bounded amount of reading.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from pygls.uris import from_fs_path

from mfstudio.flowgraph import analyze_file
from mfstudio.flowgraph.errors import FlowgraphError
from mfstudio.flowgraph.model import FileAnalysis, SourceRange

from .positions import LineIndex

__all__ = ["MAX_FILES", "find_flow", "find_in_analysis"]

MAX_FILES = 5000
_MAX_FILE_BYTES = 2_000_000
_SKIPPED_DIRS = {"node_modules", "__pycache__", "site-packages", "venv", "env", "build", "dist"}


def _location(path: str, text: str, at: SourceRange, encoding: str) -> dict[str, object]:
    lsp_range = LineIndex(text, encoding).to_lsp_range(at)
    return {
        "uri": from_fs_path(path) or path,
        "range": {
            "start": {"line": lsp_range.start.line, "character": lsp_range.start.character},
            "end": {"line": lsp_range.end.line, "character": lsp_range.end.character},
        },
    }


def find_in_analysis(
    analysis: FileAnalysis, text: str, flow: str, step: str | None, encoding: str
) -> dict[str, object] | None:
    """The location of ``step``'s name (or the class name when ``step`` is None or not a
    step of it) if ``analysis`` defines ``flow``; None otherwise."""
    found = analysis.flow(flow)
    if found is None:
        return None
    target = found.steps.get(step) if step is not None else None
    if target is None:
        return _location(analysis.path, text, found.name_range, encoding)
    if target.source_file is not None:  # inherited: its lines are those of the base's file
        source = _read(Path(target.source_file))
        if source is not None:
            return _location(target.source_file, source, target.name_range, encoding)
        return _location(analysis.path, text, found.name_range, encoding)
    return _location(analysis.path, text, target.name_range, encoding)


def find_flow(
    flow: str, step: str | None, roots: Iterable[str], encoding: str = "utf-16"
) -> dict[str, object] | None:
    """Scan ``roots`` for the file that defines ``flow``; the first match wins."""
    pattern = re.compile(rf"^[ \t]*class[ \t]+{re.escape(flow)}\b", re.MULTILINE)
    for path in _python_files(roots):
        text = _read(path)
        if text is None or not pattern.search(text):
            continue
        try:
            analysis = analyze_file(path)
        except FlowgraphError:
            continue
        location = find_in_analysis(analysis, text, flow, step, encoding)
        if location is not None:
            return location
    return None


def _read(path: Path) -> str | None:
    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _python_files(roots: Iterable[str]) -> Iterator[Path]:
    seen = 0
    for root in dict.fromkeys(roots):
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
            for name in sorted(files):
                if name.endswith(".py"):
                    seen += 1
                    if seen > MAX_FILES:
                        return
                    yield Path(folder, name)
