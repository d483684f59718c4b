"""The run insight commands of ``mfstudio``: timeline, compare, lineage.

Same plumbing as :mod:`mfstudio.cli_query` (``--root``, ``--json``, problems as warnings
on stderr, exit 2 when the question cannot be answered); the text form is an aligned table
built with :func:`mfstudio.cli_render.table`.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import TextIO

from mfstudio.cli_query import EXIT_OK, Command, _common, _emit, _query
from mfstudio.cli_render import clip, status_word, table
from mfstudio.humanize import format_duration, format_size
from mfstudio.query import api
from mfstudio.query.api import QueryBackend
from mfstudio.query.model import Comparison, Lineage, Timeline

__all__ = [
    "differences_only",
    "register",
    "render_comparison",
    "render_lineage",
    "render_timeline",
]

_BAR_WIDTH = 40
_SHA_CHARS = 10


def differences_only(found: Comparison) -> Comparison:
    """Parameters that differ and artifacts that are not the ``same``; steps all stay
    (their durations always differ a little)."""
    return replace(
        found,
        parameters=[p for p in found.parameters if p.differs],
        artifacts=[a for a in found.artifacts if a.status != "same"],
    )


def render_timeline(found: Timeline, out: TextIO) -> None:
    out.write(f"{found.run}\n")
    if not found.bars:
        out.write("No task has started yet.\n")
        return
    origin = found.started_at or min(b.started_at or 0.0 for b in found.bars)
    ends = [b.finished_at or b.started_at or origin for b in found.bars]
    span = max(max(ends) - origin, 1e-3)
    rows = []
    for bar in found.bars:
        start = (bar.started_at or origin) - origin
        took = (
            None
            if bar.finished_at is None or bar.started_at is None
            else (bar.finished_at - bar.started_at)
        )
        left = round(start / span * _BAR_WIDTH)
        width = max(1, round((took if took is not None else span - start) / span * _BAR_WIDTH))
        rows.append(
            [
                f"{bar.step}/{bar.task_id}",
                str(bar.attempt),
                status_word(bar.status, out),
                f"+{format_duration(start)}",
                format_duration(took),
                " " * left + "#" * min(width, _BAR_WIDTH - left + 1),
            ]
        )
    table(out, ["TASK", "ATTEMPT", "STATUS", "START", "TOOK", "TIMELINE"], rows)


def _short(value: str | None, chars: int = 30) -> str:
    return "-" if value is None else clip(value, chars)


def render_comparison(found: Comparison, out: TextIO) -> None:
    runs = [r.split("/", 1)[-1] for r in found.runs]
    out.write(f"Baseline {found.runs[0]}; compared: {', '.join(found.runs[1:])}\n")
    if found.parameters:
        out.write("\nParameters\n")
        rows = [
            [p.name, *(_short(v) for v in p.values), "differs" if p.differs else ""]
            for p in found.parameters
        ]
        table(out, ["NAME", *runs, ""], rows)
    if found.artifacts:
        out.write("\nArtifacts (values of small scalars, else sha or size)\n")
        rows = []
        for a in found.artifacts:
            cells = []
            for sha, value, size in zip(a.shas, a.values, a.sizes, strict=True):
                if sha is None:
                    cells.append("-")
                elif value is not None:
                    cells.append(_short(value))
                else:
                    cells.append(f"{sha[:_SHA_CHARS]} {format_size(size)}")
            rows.append([a.step, a.name, a.status, *cells])
        table(out, ["STEP", "ARTIFACT", "STATUS", *runs], rows)
    out.write("\nSteps\n")
    rows = [
        [
            s.name,
            *(
                f"{format_duration(d)} {status_word(st, out)}" if st else "-"
                for d, st in zip(s.durations, s.statuses, strict=True)
            ),
        ]
        for s in found.steps
    ]
    table(out, ["STEP", *runs], rows)


def render_lineage(found: Lineage, out: TextIO) -> None:
    out.write(f"{found.artifact} in {found.run}\n")
    rows = [[n.id, n.role, (n.sha or "-")[:_SHA_CHARS], str(n.tasks)] for n in found.nodes]
    table(out, ["STEP", "ROLE", "SHA", "TASKS"], rows)
    if found.edges:
        out.write("\n")
        for edge in found.edges:
            out.write(f"{edge.source} -> {edge.target} ({edge.kind})\n")


def _timeline(args: argparse.Namespace, backend: QueryBackend) -> int:
    found = api.timeline(args.run_pathspec, backend=backend)
    _emit(args, found, lambda: render_timeline(found, sys.stdout))
    return EXIT_OK


def _compare(args: argparse.Namespace, backend: QueryBackend) -> int:
    found = api.compare_runs(args.runs, backend=backend)
    if args.differences_only:
        found = differences_only(found)
    _emit(args, found, lambda: render_comparison(found, sys.stdout))
    return EXIT_OK


def _lineage(args: argparse.Namespace, backend: QueryBackend) -> int:
    found = api.lineage(args.run_pathspec, args.artifact, backend=backend)
    _emit(args, found, lambda: render_lineage(found, sys.stdout))
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``timeline``, ``compare`` and ``lineage`` to the ``mfstudio`` parser."""
    common = _common()

    def add(
        name: str, command: Command, help_text: str, description: str
    ) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, parents=[common], help=help_text, description=description)
        parser.set_defaults(run=_query(command))
        return parser

    timeline = add(
        "timeline",
        _timeline,
        "a run's tasks over time: one bar per attempt",
        "Every task attempt of RUN with its start, duration and status, from file names "
        "and status files only.",
    )
    timeline.add_argument("run_pathspec", metavar="RUN", help="Flow/run_id")

    compare = add(
        "compare",
        _compare,
        "compare 2 to 8 runs of a flow: parameters, artifacts, step durations",
        "RUNS side by side against the first: parameter values, artifacts by sha (small "
        "scalar values shown), step durations and statuses.",
    )
    compare.add_argument("runs", nargs="+", metavar="RUN", help="Flow/run_id (2 to 8)")
    compare.add_argument(
        "--differences-only",
        action="store_true",
        help="only parameters that differ and artifacts that changed, appeared or vanished",
    )

    lineage = add(
        "lineage",
        _lineage,
        "which steps produced, read and passed on an artifact (and resume origins)",
        "The steps of RUN that produced ARTIFACT, read it (from the flow's source) or "
        "passed it on, and the runs a resume cloned it from.",
    )
    lineage.add_argument("run_pathspec", metavar="RUN", help="Flow/run_id")
    lineage.add_argument("artifact", help="the artifact name, e.g. model")
