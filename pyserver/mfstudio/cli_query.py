"""The query commands of ``mfstudio``: flows, runs, summary, tasks, failures, logs,
artifacts, show, cards.

Each command calls one function of :mod:`mfstudio.query` and prints its result as an
aligned table (for people) or its ``to_json()`` (``--json``, for scripts and agents).
Problems met on the way (damaged or half-written files) go to stderr as warnings; the
answer still prints. Exit codes are in :mod:`mfstudio.cli`. Quantities are typed as people
say them (``--since 24h``, ``--min-size 100MB``; see :mod:`mfstudio.humanize`); a value
that cannot be understood stops the command before anything is read.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mfstudio import cli_render as render
from mfstudio.humanize import format_size, parse_size, parse_time
from mfstudio.query import api
from mfstudio.query.api import Limits, QueryBackend
from mfstudio.query.errors import BadQueryError, QueryError
from mfstudio.query.model import CardInfo, CardList, Problem

__all__ = ["EXIT_BAD_ANSWER", "EXIT_BAD_INPUT", "EXIT_OK", "register"]

EXIT_OK = 0
EXIT_BAD_ANSWER = 1  # `failures` found failed tasks
EXIT_BAD_INPUT = 2

Command = Callable[[argparse.Namespace, QueryBackend], int]


def _time_arg(text: str) -> float:
    try:
        return parse_time(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _size_arg(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _emit(args: argparse.Namespace, result: Any, show: Callable[[], None]) -> None:
    """Print ``result`` as JSON or through ``show``; its problems as warnings on stderr."""
    if args.json:
        json.dump(result.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        show()
    _warn(args, getattr(result, "problems", []))


def _warn(args: argparse.Namespace, problems: list[Problem]) -> None:
    for problem in problems:
        print(
            f"mfstudio {args.command}: warning: {problem.pathspec}: {problem.message}",
            file=sys.stderr,
        )


def _flows(args: argparse.Namespace, backend: QueryBackend) -> int:
    flows = backend.list_flows()
    if args.json:
        json.dump({"flows": flows, "where": backend.where}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        render.render_flows(flows, backend.where, sys.stdout)
    return EXIT_OK


def _runs(args: argparse.Namespace, backend: QueryBackend) -> int:
    page = api.list_runs(
        args.flow,
        status=args.status,
        since=args.since,
        until=args.until,
        tags=args.tag,
        user=args.user,
        limit=args.limit,
        cursor=args.cursor,
        backend=backend,
    )
    _emit(args, page, lambda: render.render_runs(page, args.flow, sys.stdout))
    return EXIT_OK


def _summary(args: argparse.Namespace, backend: QueryBackend) -> int:
    summary = api.run_summary(args.run_pathspec, backend=backend)
    _emit(args, summary, lambda: render.render_summary(summary, sys.stdout))
    return EXIT_OK


def _tasks(args: argparse.Namespace, backend: QueryBackend) -> int:
    found = api.tasks(args.step, limit=args.limit, backend=backend)
    _emit(args, found, lambda: render.render_tasks(found, sys.stdout))
    return EXIT_OK


def _failures(args: argparse.Namespace, backend: QueryBackend) -> int:
    report = api.failures(
        args.run_pathspec, limit=args.limit, stderr_lines=args.stderr_lines, backend=backend
    )
    _emit(args, report, lambda: render.render_failures(report, sys.stdout))
    return EXIT_BAD_ANSWER if report.failures else EXIT_OK


def _logs(args: argparse.Namespace, backend: QueryBackend) -> int:
    excerpt = api.logs(
        args.task,
        "stderr" if args.stderr else "stdout",
        tail=args.tail,
        head=args.head,
        grep=args.grep,
        max_bytes=args.max_bytes,
        attempt=args.attempt,
        backend=backend,
    )

    def show() -> None:
        # stdout carries only the log's own lines, so it can be piped; notes go to stderr.
        for line in excerpt.lines:
            sys.stdout.write(line.text + "\n")
        notes = []
        if not excerpt.available:
            notes.append(
                "the log is not written yet (Metaflow writes a local task's log when the task ends)"
            )
        if excerpt.attempt > 0 and args.attempt is None:
            notes.append(f"showing attempt {excerpt.attempt}, the latest; --attempt N for others")
        if excerpt.truncated:
            notes.append(
                f"showing {len(excerpt.lines)} lines of a {format_size(excerpt.log_bytes)} "
                "log; use --tail N, --head N, --grep P or --max-bytes for others"
            )
        for note in notes:
            print(f"mfstudio logs: {note}", file=sys.stderr)

    _emit(args, excerpt, show)
    return EXIT_OK


def _artifacts(args: argparse.Namespace, backend: QueryBackend) -> int:
    found = api.artifacts(
        args.pathspec,
        name=args.name,
        type=args.type,
        min_size=args.min_size,
        max_size=args.max_size,
        limit=args.limit,
        include_private=args.private,
        backend=backend,
    )
    _emit(args, found, lambda: render.render_artifacts(found, sys.stdout))
    return EXIT_OK


def split_artifact_pathspec(text: str) -> tuple[str, str]:
    """``Flow/run/step/task/name`` -> (task pathspec, artifact name)."""
    parts = text.strip().strip("/").split("/")
    if len(parts) != 5 or not all(parts):
        raise BadQueryError(
            f"{text!r} is not an artifact pathspec; expected Flow/run_id/step/task_id/name, "
            "e.g. TrainFlow/1712345678901234/train/7/model (mfstudio artifacts TASK lists "
            "the names)."
        )
    return "/".join(parts[:4]), parts[4]


def _show(args: argparse.Namespace, backend: QueryBackend) -> int:
    task, name = split_artifact_pathspec(args.artifact)
    preview = api.artifact_value(task, name, max_bytes=args.max_bytes, backend=backend)
    _emit(args, preview, lambda: render.render_preview(preview, sys.stdout))
    return EXIT_OK


_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def card_file_name(task: str, index: int, card: CardInfo) -> str:
    """``<task_id>-<type>[-<id>]-<hash12>.html``: unique per card, safe on every OS."""
    parts = [task.rsplit("/", 1)[-1], card.type, card.id, card.hash[:12] or str(index)]
    return "-".join(_UNSAFE_FILE_CHARS.sub("_", p) for p in parts if p) + ".html"


def _cards(args: argparse.Namespace, backend: QueryBackend) -> int:
    if args.output is None:
        listed = api.cards(args.task, include_html=False, backend=backend)
        _emit(args, listed, lambda: render.render_cards(listed, sys.stdout))
        return EXIT_OK
    if args.json:
        raise BadQueryError(
            "--output and --json do not go together: --json lists the cards, --output DIR "
            "writes their HTML files and prints their paths."
        )
    folder = Path(args.output).expanduser().resolve()
    _refuse_datastore_folder(folder, backend)
    found = api.cards(args.task, include_html=True, max_bytes=args.max_bytes, backend=backend)
    for path in _write_cards(found, folder):
        sys.stdout.write(f"{path}\n")
    if not found.cards:
        print(f"mfstudio cards: no cards for {found.pathspec}", file=sys.stderr)
    _warn(args, found.problems)
    return EXIT_OK


def _write_cards(found: CardList, folder: Path) -> list[Path]:
    written = []
    for index, card in enumerate(found.cards):
        if card.html is None:  # too large: the result's problems say so
            continue
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / card_file_name(found.pathspec, index, card)
        path.write_text(card.html, encoding="utf-8")
        written.append(path)
    return written


def _refuse_datastore_folder(folder: Path, backend: QueryBackend) -> None:
    """Queries never write into the datastore; neither does ``cards --output``."""
    from mfstudio.query.local.backend import LocalBackend  # lazily: every command pays imports

    if not isinstance(backend, LocalBackend):
        return
    metaflow_dir = backend.layout.metaflow_dir
    if folder.is_relative_to(metaflow_dir.resolve()):
        raise BadQueryError(
            f"--output {folder} is inside the datastore {metaflow_dir}; Metaflow Studio never "
            "writes there. Pick a folder outside it."
        )


def _query(command: Command) -> Callable[[argparse.Namespace], int]:
    """Open the datastore, run ``command``; a :class:`QueryError` becomes its message on
    stderr and exit code 2, with nothing on stdout."""

    def run(args: argparse.Namespace) -> int:
        try:
            return command(args, api.open_backend(args.root))
        except QueryError as err:
            print(f"mfstudio {args.command}: {err}", file=sys.stderr)
            return EXIT_BAD_INPUT

    return run


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--root",
        metavar="DIR",
        help="the folder that holds .metaflow (default: $METAFLOW_DATASTORE_SYSROOT_LOCAL, "
        "else the nearest .metaflow in the current folder or its parents)",
    )
    common.add_argument("--json", action="store_true", help="print the result as JSON")
    return common


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the query commands to the ``mfstudio`` parser."""
    common = _common()

    def add(name: str, command: Command, help_text: str, description: str) -> Any:
        parser = sub.add_parser(name, parents=[common], help=help_text, description=description)
        parser.set_defaults(run=_query(command))
        return parser

    add("flows", _flows, "list the flows that have runs", "Flows in the datastore, by name.")

    runs = add(
        "runs",
        _runs,
        "list the runs of a flow, newest first",
        "Runs of FLOW, newest first, one page at a time. The cost of a page does not grow "
        "with the number of runs the flow has.",
    )
    runs.add_argument("flow", help="the flow name, e.g. TrainFlow")
    runs.add_argument("--status", choices=["running", "succeeded", "failed"])
    runs.add_argument(
        "--since",
        type=_time_arg,
        metavar="T",
        help="started at or after T: 90s, 15m, 24h, 7d, 2w ago, or an ISO date",
    )
    runs.add_argument("--until", type=_time_arg, metavar="T", help="started at or before T")
    runs.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="T",
        help="has tag T (repeat: all must match; user or system tags)",
    )
    runs.add_argument("--user", metavar="U", help="started by user U")
    runs.add_argument(
        "--limit",
        type=int,
        default=Limits.runs_page,
        metavar="N",
        help=f"runs per page (default {Limits.runs_page})",
    )
    runs.add_argument("--cursor", metavar="C", help="the next page, as printed by the last one")

    summary = add(
        "summary",
        _summary,
        "a run's steps, task counts, durations and first failures",
        "Steps of RUN with task counts per state, durations and the first failure of each.",
    )
    summary.add_argument("run_pathspec", metavar="RUN", help="Flow/run_id")

    tasks = add(
        "tasks",
        _tasks,
        "tasks of a step with their latest attempt and status",
        "Tasks of STEP, failed first, then running, then succeeded, with their latest "
        "attempt: one small status file per task.",
    )
    tasks.add_argument("step", help="Flow/run_id/step")
    tasks.add_argument(
        "--limit",
        type=int,
        default=Limits.tasks_page,
        metavar="N",
        help=f"tasks to list (default {Limits.tasks_page})",
    )

    failures = add(
        "failures",
        _failures,
        "failed tasks of a run with exception, traceback and stderr tail",
        "Failed tasks of RUN (their latest attempt failed), oldest first, with exception, "
        "traceback and the last lines of stderr. Exit 1 when there are any.",
    )
    failures.add_argument("run_pathspec", metavar="RUN", help="Flow/run_id")
    failures.add_argument(
        "--limit",
        type=int,
        default=Limits.failures,
        metavar="N",
        help=f"failed tasks to show (default {Limits.failures})",
    )
    failures.add_argument(
        "--stderr-lines",
        type=int,
        default=Limits.stderr_tail,
        metavar="N",
        help=f"stderr lines per failure (default {Limits.stderr_tail})",
    )

    logs = add(
        "logs",
        _logs,
        "a task's log: the last lines, the first lines or the lines matching a pattern",
        "Lines of a task's stdout (or --stderr), read by seeking from the end: never the "
        "whole of a large log. stdout gets the log lines only; notes go to stderr.",
    )
    logs.add_argument("task", help="Flow/run_id/step/task_id")
    logs.add_argument("--stderr", action="store_true", help="stderr instead of stdout")
    which = logs.add_mutually_exclusive_group()
    which.add_argument(
        "--tail", type=int, metavar="N", help=f"the last N lines (default {Limits.log_lines})"
    )
    which.add_argument("--head", type=int, metavar="N", help="the first N lines")
    logs.add_argument(
        "--grep", metavar="P", help="only lines matching the regular expression P (newest last)"
    )
    logs.add_argument(
        "--max-bytes",
        type=_size_arg,
        default=Limits.log_bytes,
        metavar="SIZE",
        help="read at most this much of the log (default 1MB)",
    )
    logs.add_argument("--attempt", type=int, metavar="N", help="attempt N (default: the latest)")

    artifacts = add(
        "artifacts",
        _artifacts,
        "artifacts (name, type, size, sha) of a task, step, run or flow",
        "Artifacts of PATHSPEC (Flow, Flow/run, Flow/run/step or Flow/run/step/task) from "
        "metadata only: nothing is unpickled.",
    )
    artifacts.add_argument("pathspec", help="Flow[/run_id[/step[/task_id]]]")
    artifacts.add_argument("--name", metavar="GLOB", help="artifact name pattern, e.g. 'model*'")
    artifacts.add_argument(
        "--type", metavar="GLOB", help="type pattern, full or short: 'DataFrame', 'numpy.*'"
    )
    artifacts.add_argument(
        "--min-size",
        type=_size_arg,
        metavar="SIZE",
        help="at least SIZE: 100, 10KB, 100MB, 1.5GB (1 KB = 1000 bytes)",
    )
    artifacts.add_argument("--max-size", type=_size_arg, metavar="SIZE", help="at most SIZE")
    artifacts.add_argument(
        "--private", action="store_true", help="include names starting with _ (Metaflow's own)"
    )
    artifacts.add_argument(
        "--limit",
        type=int,
        default=Limits.artifacts,
        metavar="N",
        help=f"artifacts to list (default {Limits.artifacts})",
    )

    show = add(
        "show",
        _show,
        "a preview of one artifact's value (unpickles it)",
        "A bounded preview of an artifact's value: truncated repr, DataFrame head, array "
        "shape and dtype. This is the one command that unpickles, and only this artifact: "
        "run it on datastores you trust.",
    )
    show.add_argument("artifact", help="Flow/run_id/step/task_id/name")
    show.add_argument(
        "--max-bytes",
        type=_size_arg,
        default=Limits.preview_bytes,
        metavar="SIZE",
        help="refuse artifacts larger than this (default 100MB)",
    )

    cards = add(
        "cards",
        _cards,
        "a task's cards: list them, or write them as HTML files",
        "Cards of TASK. Without --output: a list (type, id, size, hash). With --output DIR: "
        "each card is written to DIR as an HTML file and its path printed.",
    )
    cards.add_argument("task", help="Flow/run_id/step/task_id")
    cards.add_argument("--output", metavar="DIR", help="write the cards' HTML files here")
    cards.add_argument(
        "--max-bytes",
        type=_size_arg,
        default=Limits.card_bytes,
        metavar="SIZE",
        help="skip cards larger than this (default 20MB)",
    )
