"""``mfstudio devcontainer generate``: write a devcontainer.json + Dockerfile that reproduce a
flow's @pypi/@conda environment offline (see docs/devcontainer.md). Registered by cli.py."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["register"]


def _generate(args: argparse.Namespace) -> int:
    import metaflow

    from mfstudio.devcontainer_capture import CaptureError, generate

    base = args.base_image or f"local/mfstudio-metaflow:{metaflow.__version__}"
    try:
        written = generate(Path(args.flow), args.step, base, download=not args.no_download)
    except CaptureError as ex:
        print(f"mfstudio devcontainer generate: {ex}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser(
        "devcontainer", help="devcontainer files for @devcontainer steps"
    ).add_subparsers(dest="devcontainer_command", required=True, metavar="COMMAND")
    gen = group.add_parser(
        "generate",
        help="capture a step's @pypi/@conda environment as .devcontainer/ files",
        description="Write .devcontainer/devcontainer.json and a Dockerfile next to the flow "
        "that reproduce its @pypi/@conda (and _base) environment, with the wheels downloaded "
        "into .devcontainer/wheels/ so the image builds offline. Exit 1: cannot capture.",
    )
    gen.add_argument("flow", help="the flow file")
    gen.add_argument("--step", help="capture this step only (default: every step, merged)")
    gen.add_argument("--base-image", help="the FROM image (default: local/mfstudio-metaflow)")
    gen.add_argument("--no-download", action="store_true", help="write the files only")
    gen.set_defaults(run=_generate)
