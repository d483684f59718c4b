"""The ``mfstudio`` command: the same operations as the editor, for scripts and agents.

A small dispatcher over argparse subcommands; each command is a function taking the parsed
arguments and returning the exit code. When a group of commands grows, it moves to its own
module (``mfstudio.cli_<group>``) and registers here.

Exit codes of ``mfstudio graph``: 0 no error diagnostics, 1 error diagnostics,
2 the input cannot be read (or the requested flow is not in it).

Exit codes of the query commands (``flows``, ``runs``, ``summary``, ``tasks``, ``failures``,
``logs``, ``artifacts``, ``show``, ``cards``; in :mod:`mfstudio.cli_query`; ``timeline``,
``compare``, ``lineage`` in :mod:`mfstudio.cli_insight`): 0 the query was
answered; 1 only from ``failures``, when the run has failed tasks (the answer is printed
all the same); 2 the question cannot be answered as asked: a malformed option or pathspec,
a flow/run/step/task/artifact that does not exist (the message names the nearest existing
ones), no ``.metaflow`` folder, an artifact too large to preview. The message goes to
stderr and nothing to stdout. ``mfstudio mcp`` exits 0 when its client closes stdin.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from mfstudio import __version__
from mfstudio.cli_devcontainer import register as register_devcontainer_command
from mfstudio.cli_function import register as register_function_command
from mfstudio.cli_insight import register as register_insight_commands
from mfstudio.cli_query import register as register_query_commands
from mfstudio.cli_ui import register as register_ui_command

__all__ = ["build_parser", "main"]

EXIT_OK = 0
EXIT_DIAGNOSTICS = 1
EXIT_UNREADABLE = 2


def _graph(args: argparse.Namespace) -> int:
    from mfstudio.flowgraph import SourceUnreadableError, analyze_file

    try:
        analysis = analyze_file(args.path)
    except SourceUnreadableError as err:
        print(f"mfstudio graph: {err}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.flow is not None and analysis.flow(args.flow) is None:
        found = ", ".join(f.name for f in analysis.flows) or "none"
        print(
            f"mfstudio graph: {args.path} has no flow named {args.flow!r} (flows found: "
            f"{found}). Pass one of those names to --flow, or omit --flow for the last flow.",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    payload = analysis.to_json(args.flow)
    if args.json:
        json.dump(payload, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        _print_tree(payload, sys.stdout)
    has_errors = any(d["severity"] == "error" for d in payload["diagnostics"])
    return EXIT_DIAGNOSTICS if has_errors else EXIT_OK


def _print_tree(payload: dict[str, object], out: TextIO) -> None:
    """A readable view of the ``--json`` payload: flow, parameters, steps, diagnostics."""
    flow = payload["flow"]
    out.write(f"{flow or '(no flow found)'}  {payload['file']}\n")
    params = payload["parameters"]
    assert isinstance(params, list)
    for p in params:
        kind = f": {p['type']}" if p["type"] else ""
        out.write(f"  {p['kind']} {p['name']}{kind} = {p['default']!r}"
                  f"{' (required)' if p['required'] else ''}\n")
    steps = payload["steps"]
    assert isinstance(steps, dict)
    for name, step in steps.items():
        nxt = ", ".join(step["next"]) or "-"
        extra = ""
        if step["foreach_artifact"]:
            extra = f"  foreach {step['foreach_artifact']}"
        elif step["num_parallel"] is not None:
            extra = f"  num_parallel {step['num_parallel']}"
        elif step["condition"]:
            extra = f"  switch on {step['condition']}"
        decos = " ".join(f"@{d['name']}" for d in step["decorators"])
        out.write(f"  {name} [{step['type']}] -> {nxt}{extra}"
                  f"{'  ' + decos if decos else ''}  (line {step['line']})\n")
    diagnostics = payload["diagnostics"]
    assert isinstance(diagnostics, list)
    for d in diagnostics:
        out.write(f"{payload['file']}:{d['line']}:{d['column'] + 1}: {d['severity']}: "
                  f"{d['message']} [{d['rule']}]\n")


def _lsp(args: argparse.Namespace) -> int:
    from mfstudio.lsp.server import main as serve  # imported lazily: pygls is heavy

    serve()
    return EXIT_OK


def _mcp(args: argparse.Namespace) -> int:
    from mfstudio.mcp_server import serve  # imported lazily: the MCP SDK is heavy

    serve(args.root)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mfstudio",
        description="Metaflow Studio: flow analysis, run queries, the language server and "
        "the MCP server.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    graph = sub.add_parser(
        "graph",
        help="print the graph and diagnostics of a flow file (without running it)",
        description="Analyse a flow file from its source (never imports it) and print its "
        "graph in Metaflow's output-raw vocabulary, with diagnostics. Exit 0: no errors; "
        "1: error diagnostics; 2: the file cannot be read.",
    )
    graph.add_argument("path", help="the Python file that defines the flow")
    graph.add_argument("--flow", help="the flow class to show (default: the last in the file)")
    graph.add_argument("--json", action="store_true", help="print the JSON payload")
    graph.set_defaults(run=_graph)

    lsp = sub.add_parser("lsp", help="run the language server over stdio")
    lsp.set_defaults(run=_lsp)

    register_query_commands(sub)
    register_insight_commands(sub)
    register_ui_command(sub)
    register_devcontainer_command(sub)
    register_function_command(sub)

    mcp = sub.add_parser(
        "mcp",
        help="serve the run queries as MCP tools over stdio (for coding agents)",
        description="An MCP server over stdio whose tools answer what ran, what failed and "
        "why, and where an artifact is, with bounded outputs. See docs/cli.md.",
    )
    mcp.add_argument("--root", metavar="DIR", help="the folder that holds .metaflow")
    mcp.set_defaults(run=_mcp)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except BrokenPipeError:  # e.g. `mfstudio graph f.py | head`
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
