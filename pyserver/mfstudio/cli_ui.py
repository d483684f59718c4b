"""``mfstudio ui``: the standalone UI server (see docs/standalone-ui.md). Registered by
cli.py; the server and its dependencies are imported only when the command runs."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def _ui(args: argparse.Namespace) -> int:
    from mfstudio.ui.serve import serve

    return serve(args.root, args.host, args.port, open_browser=not args.no_browser)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port (0 to 65535; 0: any free)")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ui = sub.add_parser(
        "ui",
        help="serve the run UI (runs, live DAG, compare, lineage) in the browser",
        description="Start the Metaflow Studio UI over the local datastore and open it in "
        "the browser. It binds 127.0.0.1 unless --host says otherwise; any other address "
        "needs the token that the printed address carries. Ctrl-C stops it.",
    )
    ui.add_argument(
        "--root",
        metavar="DIR",
        help="the folder that holds .metaflow "
        "(default: the nearest .metaflow in this folder or its parents)",
    )
    ui.add_argument(
        "--port",
        type=_port,
        metavar="P",
        help="port to listen on (default: 8324, or any free port when it is taken)",
    )
    ui.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="H",
        help="address to bind (default 127.0.0.1; others need the printed token)",
    )
    ui.add_argument("--no-browser", action="store_true", help="do not open a browser")
    ui.set_defaults(run=_ui)
