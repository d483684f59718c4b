"""``metaflow ui``: the Metaflow Studio UI over the local datastore, the same server as
``mfstudio ui`` (mfstudio.ui.serve). Options and behaviour are those of ``mfstudio ui``;
see docs/standalone-ui.md."""

from __future__ import annotations

from metaflow._vendor import click


@click.group()
def cli() -> None:
    pass


@cli.command(
    help="Serve the Metaflow Studio UI (runs, live DAG, compare, lineage) over the local "
    "datastore, without a metadata service, and open it in the browser. Binds 127.0.0.1 "
    "unless --host says otherwise; any other address needs the token the printed address "
    "carries. Ctrl-C stops it."
)
@click.option(
    "--root",
    metavar="DIR",
    default=None,
    help="The folder that holds .metaflow (default: the nearest .metaflow in this "
    "folder or its parents).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    metavar="P",
    help="Port to listen on (default: 8324, or any free port when it is taken).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    metavar="H",
    help="Address to bind; others than loopback need the printed token.",
)
@click.option("--no-browser", is_flag=True, default=False, help="Do not open a browser.")
def ui(root: str | None, port: int | None, host: str, no_browser: bool) -> None:
    from mfstudio.ui.serve import serve  # the server's imports only when it starts

    code = serve(root, host, port, open_browser=not no_browser)
    if code:
        raise SystemExit(code)
