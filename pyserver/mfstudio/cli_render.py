"""Readable text for the query results of ``mfstudio runs/summary/failures/...``.

Pure functions from a typed result to lines on a stream: aligned tables, status words
with a symbol, times as "3 min ago", durations as "1m 12s", sizes as "2.1 MB". The
``--json`` form is the result's ``to_json()`` and is not built here. Symbols fall back to
ASCII when the stream cannot encode them (a Windows console, ``LANG=C``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TextIO

from mfstudio.humanize import format_ago, format_duration, format_size, format_time
from mfstudio.query.model import (
    ArtifactList,
    ArtifactPreview,
    CardList,
    FailureReport,
    RunInfo,
    RunPage,
    RunSummary,
    TaskFailure,
    TaskList,
    TaskStatus,
)

__all__ = [
    "render_artifacts",
    "render_cards",
    "render_failures",
    "render_flows",
    "render_preview",
    "render_runs",
    "render_summary",
    "render_tasks",
    "table",
]

_SYMBOLS = {"succeeded": "✓", "failed": "✗", "running": "●"}
_ASCII_SYMBOLS = {"succeeded": "+", "failed": "x", "running": "*"}
_CELL_MAX = 60  # longer cells (parameters, messages) are clipped in tables


def _symbols(out: TextIO) -> dict[str, str]:
    try:
        "".join(_SYMBOLS.values()).encode(out.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return _ASCII_SYMBOLS
    return _SYMBOLS


def status_word(status: str | None, out: TextIO) -> str:
    """``✓ succeeded``, ``✗ failed``, ``● running``; ``? unknown`` when not known."""
    if status is None:
        return "? unknown"
    return f"{_symbols(out).get(status, '?')} {status}"


def clip(text: str, width: int = _CELL_MAX) -> str:
    """One line, at most ``width`` characters (an ellipsis marks the cut)."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 3] + "..."


def table(out: TextIO, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Left-aligned columns two spaces apart; the last column is not padded."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, *rows]:
        cells = [str(c).ljust(w) for c, w in zip(row[:-1], widths, strict=False)]
        out.write("  ".join([*cells, str(row[-1])]).rstrip() + "\n")


def _parameters(params: dict[str, str]) -> str:
    return " ".join(f"{k}={v}" for k, v in params.items()) or "-"


def render_flows(flows: Sequence[str], where: str, out: TextIO) -> None:
    if not flows:
        out.write(f"No flows in {where}.\n")
    for flow in flows:
        out.write(flow + "\n")


def render_runs(page: RunPage, flow: str, out: TextIO) -> None:
    if not page.runs:
        out.write(f"No runs of {flow} match ({page.scanned} examined).\n")
    else:
        rows = [
            [
                status_word(r.status, out),
                r.pathspec,
                format_ago(r.started_at),
                format_duration(r.duration_s),
                r.user or "-",
                clip(" ".join(r.tags) or "-", 30),
                clip(_parameters(r.parameters)),
            ]
            for r in page.runs
        ]
        headers = ["STATUS", "RUN", "STARTED", "DURATION", "USER", "TAGS", "PARAMETERS"]
        table(out, headers, rows)
    if page.next_cursor:
        out.write(f"\nOlder runs: add --cursor {page.next_cursor} (with the same filters).\n")


def _run_header(run: RunInfo, out: TextIO) -> None:
    took = "running for" if run.status == "running" else "took"
    out.write(
        f"{run.pathspec}  {status_word(run.status, out)}  started {format_ago(run.started_at)}"
        f" ({format_time(run.started_at)}), {took} {format_duration(run.duration_s)}\n"
    )
    out.write(
        f"user {run.user or '-'}  tags {' '.join(run.tags) or '-'}  "
        f"parameters {_parameters(run.parameters)}\n"
    )
    if run.origin_run_id:
        out.write(f"resumed from {run.flow}/{run.origin_run_id}\n")


def _counts(tasks: Mapping[TaskStatus, int]) -> str:
    shown = [f"{n} {state}" for state, n in tasks.items() if n]
    return ", ".join(shown) or "no tasks"


def _exception(failure: TaskFailure) -> str:
    kind = failure.exception_type or "unknown error"
    return f"{kind}: {failure.message}" if failure.message else kind


def render_summary(summary: RunSummary, out: TextIO) -> None:
    _run_header(summary.run, out)
    out.write("\n")
    rows = []
    for step in summary.steps:
        failure = step.first_failure
        rows.append(
            [
                step.name,
                _counts(step.tasks),
                format_duration(step.duration_s),
                clip(f"task {failure.task_id}: {_exception(failure)}") if failure else "",
            ]
        )
    table(out, ["STEP", "TASKS", "DURATION", "FIRST FAILURE"], rows)


def render_tasks(found: TaskList, out: TextIO) -> None:
    rows = [
        [status_word(t.status, out), t.pathspec, "-" if t.attempt is None else str(t.attempt),
         format_ago(t.finished_at)]
        for t in found.tasks
    ]  # fmt: skip
    if rows:
        table(out, ["STATUS", "TASK", "ATTEMPT", "FINISHED"], rows)
        out.write("\n")
    count = len(found.tasks)
    out.write(f"{count} task{'' if count == 1 else 's'} of {found.step}.\n")
    if found.truncated:
        out.write(f"{found.tasks_examined - count} more not shown; raise --limit.\n")


def _indent(text: str, prefix: str = "    ") -> str:
    return "".join(prefix + line + "\n" for line in text.rstrip("\n").splitlines())


def render_failures(report: FailureReport, out: TextIO) -> None:
    symbol = _symbols(out)["failed"]
    for f in report.failures:
        out.write(f"{symbol} {f.pathspec} (attempt {f.attempt})  {_exception(f)}\n")
        if f.traceback:
            out.write(_indent(f.traceback))
        if f.stderr_tail:
            out.write(f"    stderr, last {len(f.stderr_tail)} lines:\n")
            out.write(_indent("\n".join(f.stderr_tail), "      "))
        out.write("\n")
    count = len(report.failures)
    if count == 0:
        out.write(f"No failed tasks in {report.run} ({report.tasks_examined} tasks examined).\n")
    else:
        noun = "task" if count == 1 else "tasks"
        out.write(f"{count} failed {noun} in {report.run} ({report.tasks_examined} examined).\n")
    if report.truncated:
        out.write("More failed tasks than --limit; raise it to see them.\n")


def render_artifacts(found: ArtifactList, out: TextIO) -> None:
    if found.artifacts:
        rows = [
            [a.name, a.type, format_size(a.size), a.pathspec, str(a.attempt), a.sha[:12]]
            for a in found.artifacts
        ]
        table(out, ["NAME", "TYPE", "SIZE", "TASK", "ATTEMPT", "SHA"], rows)
        out.write("\n")
    count = len(found.artifacts)
    out.write(
        f"{count} artifact{'' if count == 1 else 's'} in {found.scope} "
        f"({found.tasks_examined} task{'' if found.tasks_examined == 1 else 's'} examined).\n"
    )
    if found.truncated:
        out.write("More artifacts match than --limit; narrow the search or raise --limit.\n")


def render_preview(preview: ArtifactPreview, out: TextIO) -> None:
    facts = [preview.type, format_size(preview.size), preview.kind]
    if preview.shape is not None and preview.kind in ("dataframe", "array"):
        facts.append("shape " + " x ".join(str(n) for n in preview.shape))
    elif preview.shape is not None and len(preview.shape) == 1:
        facts.append(f"length {preview.shape[0]}")
    if preview.dtype:
        facts.append(f"dtype {preview.dtype}")
    out.write(f"{preview.pathspec}/{preview.name}  " + "  ".join(facts) + "\n")
    if preview.columns:
        out.write("columns: " + ", ".join(preview.columns) + "\n")
    out.write(preview.preview.rstrip("\n") + "\n")
    if preview.truncated:
        out.write("(preview truncated)\n")


def render_cards(cards: CardList, out: TextIO) -> None:
    if not cards.cards:
        out.write(f"No cards for {cards.pathspec}.\n")
        return
    rows = [[c.type, c.id or "-", format_size(c.size), c.hash] for c in cards.cards]
    table(out, ["TYPE", "ID", "SIZE", "HASH"], rows)
    out.write("\nWrite them as HTML files with --output DIR.\n")
