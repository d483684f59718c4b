"""Give a copy of the demo workspace real runs to browse: one that succeeds, one that fails.

    python scripts/demo_runs.py FOLDER [--if-missing]

Runs ``flows/training_flow.py`` twice in FOLDER, concurrently: ``baseline`` (default learning
rates: succeeds, with a card) and ``sweep`` (learning rate 50 diverges: train fails on both
attempts, so the run fails). With ``--if-missing`` nothing happens when FOLDER already has
TrainingFlow runs, so ``scripts/demo.sh`` stays quick after the first time. The runs land in
FOLDER/.metaflow, which git ignores.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

FLOW = "TrainingFlow"
RUNS = (
    ("baseline", ["--tag", "baseline"], True),
    ("sweep", ["--learning_rates", "0.01,0.1,50", "--tag", "sweep"], False),
)


def has_runs(folder: Path) -> bool:
    flow_dir = folder / ".metaflow" / FLOW
    return flow_dir.is_dir() and any(p.name.isdigit() for p in flow_dir.iterdir())


def make_runs(folder: Path) -> None:
    folder = folder.resolve()  # the runs start inside it: a relative path would not resolve there
    flow_file = folder / "flows" / "training_flow.py"
    if not flow_file.is_file():
        sys.exit(f"demo_runs: {flow_file} does not exist; pass a copy of test-fixtures/demo.")
    (folder / ".metaflow").mkdir(exist_ok=True)  # concurrent runs race on creating it
    env = dict(os.environ)
    env.setdefault("USERNAME", os.environ.get("USER") or "demo")
    env.setdefault("METAFLOW_CLIENT_CACHE_PATH", str(folder / ".metaflow" / ".client-cache"))
    procs = []
    for name, args, _ in RUNS:
        cmd = [sys.executable, str(flow_file), "--no-pylint", "run", *args]
        procs.append(
            subprocess.Popen(
                cmd,
                cwd=folder,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
        print(f"demo_runs: started the {name} run of {FLOW}", flush=True)
    for (name, _, should_succeed), proc in zip(RUNS, procs, strict=True):
        out, _ = proc.communicate(timeout=600)
        if (proc.returncode == 0) != should_succeed:
            sys.exit(f"demo_runs: the {name} run ended with {proc.returncode}:\n{out}")
        print(f"demo_runs: the {name} run {'succeeded' if should_succeed else 'failed'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--if-missing", action="store_true")
    args = parser.parse_args()
    if args.if_missing and has_runs(args.folder):
        return
    make_runs(args.folder)


if __name__ == "__main__":
    main()
