"""``mfstudio function serve``: serve a Metaflow function over HTTP (docs/functions.md,
"Serving"). Registered by cli.py; the server is imported only when the command runs."""

from __future__ import annotations

import argparse
import importlib

from mfstudio.cli_ui import _port

__all__ = ["register"]


def _serve(args: argparse.Namespace) -> int:
    # The server lives in the Metaflow extension (runtime side, shared with `metaflow function
    # serve`); imported by name because this package is type-checked without extensions/.
    serve_cli = importlib.import_module("metaflow_extensions.studio.toplevel.functions.serve_cli")
    code: int = serve_cli.serve_reference(
        args.reference,
        args.host,
        args.port,
        args.serializers,
        route=args.route,
        workers=args.workers,
        max_batch_size=args.max_batch_size,
        max_latency_ms=args.max_latency_ms,
        timeout_s=args.timeout,
        max_body_bytes=args.max_body_bytes,
        debug=args.debug,
    )
    return code


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser(
        "function", help="Metaflow Functions: serve a function over HTTP"
    ).add_subparsers(dest="function_command", required=True, metavar="COMMAND")
    serve = group.add_parser(
        "serve",
        help="serve a function (by its reference) over HTTP with FastAPI",
        description="Serve the function a reference names over HTTP: POST ROUTE with one "
        "record (JSON, Avro or a registered format), GET /health, /ready and /docs "
        "(OpenAPI from the function's types). The function runs in its own environment's "
        "worker processes. Exit 1: the function cannot be loaded or the port is taken.",
    )
    serve.add_argument(
        "reference", help="the reference's JSON, a file holding it, or - for standard input"
    )
    serve.add_argument(
        "--port", type=_port, default=8000, metavar="P", help="default 8000; 0: any free"
    )
    serve.add_argument("--host", default="127.0.0.1", metavar="H", help="default 127.0.0.1")
    serve.add_argument("--route", default="/predict", help="the function's path (default /predict)")
    serve.add_argument(
        "--workers", type=int, default=1, metavar="N", help="worker processes (default 1)"
    )
    serve.add_argument(
        "--max-batch-size",
        type=int,
        default=32,
        metavar="N",
        help="records per worker round trip (default 32; 1: no batching)",
    )
    serve.add_argument(
        "--max-latency-ms",
        type=float,
        default=None,
        metavar="MS",
        help="longest wait to fill a batch (default 5 for batch functions, else 0)",
    )
    serve.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="S",
        help="seconds per request before 504 (default 30)",
    )
    serve.add_argument(
        "--max-body-bytes",
        type=int,
        default=1024 * 1024,
        metavar="B",
        help="larger request bodies get 413 (default 1 MiB)",
    )
    serve.add_argument(
        "--serializers",
        action="append",
        default=[],
        metavar="MODULE",
        help="import MODULE first (it calls register_serializer); repeatable",
    )
    serve.add_argument("--debug", action="store_true", help="tracebacks in 500 answers")
    serve.set_defaults(run=_serve)
