"""Run ``mfstudio`` in-process (``main(argv)``) and capture what it prints, plus small
finders for task pathspecs in the ``query_runs`` datastore."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from mfstudio.cli import main


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> Outcome:
    capsys.readouterr()  # drop anything printed before
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse rejects bad options by exiting
        code = exit_.code if isinstance(exit_.code, int) else 1
    captured = capsys.readouterr()
    return Outcome(code, captured.out, captured.err)


def task_ids(root: Path, run: str, step: str) -> list[str]:
    """Task ids of ``run``'s ``step``, read from the folder names (the test's own view)."""
    step_dir = root / ".metaflow" / run / step
    return sorted((p.name for p in step_dir.iterdir() if not p.name.startswith("_")), key=int)


def task_of(root: Path, run: str, step: str) -> str:
    """The first task of a step, as a pathspec."""
    return f"{run}/{step}/{task_ids(root, run, step)[0]}"
