"""``metaflow function serve``: the same command as ``mfstudio function serve`` (options and
behaviour in docs/functions.md, "Serving"); the server is imported only when it runs."""

from __future__ import annotations

from metaflow._vendor import click


@click.group()
def cli() -> None:
    pass


@cli.group(help="Metaflow Functions: serve a function over HTTP.")
def function() -> None:
    pass


@function.command(
    help="Serve the function REFERENCE names over HTTP with FastAPI: POST ROUTE with one "
    "record, GET /health, /ready and /docs (OpenAPI from the function's types). REFERENCE is "
    "the reference's JSON, a file holding it, or - for standard input. The function runs in "
    "its own environment's worker processes."
)
@click.argument("reference")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--route", default="/predict", show_default=True, help="The function's path.")
@click.option(
    "--workers", type=click.IntRange(1), default=1, show_default=True, help="Worker processes."
)
@click.option(
    "--max-batch-size",
    type=click.IntRange(1),
    default=32,
    show_default=True,
    help="Records per worker round trip (1: no batching).",
)
@click.option(
    "--max-latency-ms",
    type=float,
    default=None,
    help="Longest wait to fill a batch (default 5 for batch functions, else 0).",
)
@click.option(
    "--timeout", type=float, default=30.0, show_default=True, help="Seconds per request before 504."
)
@click.option(
    "--max-body-bytes",
    type=click.IntRange(1),
    default=1024 * 1024,
    show_default=True,
    help="Larger request bodies get 413.",
)
@click.option(
    "--serializers",
    multiple=True,
    metavar="MODULE",
    help="Import MODULE first (it calls register_serializer); repeatable.",
)
@click.option("--debug", is_flag=True, default=False, help="Tracebacks in 500 answers.")
def serve(
    reference: str,
    port: int,
    host: str,
    route: str,
    workers: int,
    max_batch_size: int,
    max_latency_ms: float | None,
    timeout: float,
    max_body_bytes: int,
    serializers: tuple[str, ...],
    debug: bool,
) -> None:
    from ..toplevel.functions.serve_cli import serve_reference

    code = serve_reference(
        reference,
        host,
        port,
        list(serializers),
        route=route,
        workers=workers,
        max_batch_size=max_batch_size,
        max_latency_ms=max_latency_ms,
        timeout_s=timeout,
        max_body_bytes=max_body_bytes,
        debug=debug,
    )
    if code:
        raise SystemExit(code)
