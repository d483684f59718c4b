"""The flow corpus (test-fixtures/flows) and Metaflow's own answers for it.

``valid/`` flows Metaflow accepts, ``invalid/`` flows it rejects (first line
``# expect: <rule>``; the offending line carries ``# <-- here``), ``partial/`` sources in
mid-edit (``# expect-steps: a, b`` lists the steps still found).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CORPUS",
    "MetaflowAnswer",
    "corpus_files",
    "expected_rule",
    "expected_steps",
    "marked_line",
    "metaflow_phrase",
    "run_metaflow",
]

CORPUS = Path(__file__).resolve().parents[2] / "test-fixtures" / "flows"
_LINE = re.compile(r"on line (\d+):")


def corpus_files(kind: str) -> list[Path]:
    return sorted((CORPUS / kind).glob("*.py"))


def expected_rule(path: Path) -> str:
    first = path.read_text().splitlines()[0]
    assert first.startswith("# expect: "), f"{path} lacks '# expect: <rule>'"
    return first.removeprefix("# expect: ").strip()


def metaflow_phrase(path: Path) -> str | None:
    """``# metaflow-says: <phrase>``: Metaflow stops at an earlier check (or crashes) first."""
    for line in path.read_text().splitlines()[:3]:
        if line.startswith("# metaflow-says: "):
            return line.removeprefix("# metaflow-says: ").strip()
    return None


def expected_steps(path: Path) -> list[str]:
    first = path.read_text().splitlines()[0]
    assert first.startswith("# expect-steps: "), f"{path} lacks '# expect-steps:'"
    return [s.strip() for s in first.removeprefix("# expect-steps: ").split(",")]


def marked_line(path: Path) -> int | None:
    for i, line in enumerate(path.read_text().splitlines(), 1):
        if "# <-- here" in line:
            return i
    return None


@dataclass(frozen=True)
class MetaflowAnswer:
    returncode: int
    stdout: str
    stderr: str

    @property
    def line(self) -> int | None:
        m = _LINE.search(self.stderr + self.stdout)
        return int(m.group(1)) or None if m else None  # Metaflow prints "line 0" for none


def run_metaflow(
    path: Path, command: list[str], workdir: Path, timeout: float = 90
) -> MetaflowAnswer:
    """``python <flow> --quiet <command>`` in a scratch folder, with the house environment."""
    env = dict(
        os.environ,
        USERNAME="mfstudio-test",
        METAFLOW_CLIENT_CACHE_PATH=str(workdir / "client-cache"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    try:
        proc = subprocess.run(
            [sys.executable, str(path), "--quiet", *command],
            capture_output=True,
            text=True,
            cwd=workdir,
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return MetaflowAnswer(-1, "", f"timed out after {timeout} s")
    return MetaflowAnswer(proc.returncode, proc.stdout, proc.stderr)
