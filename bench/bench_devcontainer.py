"""@devcontainer's per-task overhead: the same flow of short tasks run plain and in containers.

A foreach of ``--width`` short tasks (plus start, join, end) runs with ``--max-workers 1``
(tasks one after another, so the difference is per-task cost, not scheduling on 2 cores):

- local: ``python bench_flow.py run``;
- devcontainer: ``python bench_flow.py run --with devcontainer`` (every task in its own
  container, image cached);

alternating, ``--runs`` times each. Prints wall times, the per-task overhead
(devcontainer - local) / tasks, and the ratio. Target (issue 7): at most 1.5 s per task.
Then environment capture to a ready image (``mfstudio devcontainer generate`` + the image
@devcontainer would use), first time and cached; target: cached at most 2 s. Asserts nothing.
Run: ``.venv/bin/python bench/bench_devcontainer.py [--runs N] [--width W]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "pyserver")]

from runs_fixture import metaflow_env  # noqa: E402

FLOW = ROOT / "test-fixtures" / "devcontainer" / "bench_flow.py"
CAPTURE_FLOW = ROOT / "test-fixtures" / "devcontainer" / "capture" / "capture_flow.py"
TARGET_S = 1.5
CAPTURE_TARGET_S = 2.0


def docker_host() -> str:
    """The caller's DOCKER_HOST, or the engine scripts/setup-docker.sh starts (warm: ~1 s)."""
    if os.environ.get("DOCKER_HOST"):
        return os.environ["DOCKER_HOST"]
    out = subprocess.run(
        ["bash", str(ROOT / "scripts" / "setup-docker.sh")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.strip().rpartition("DOCKER_HOST=")[2]


def timed_run(folder: Path, width: int, *extra: str) -> float:
    env = {**metaflow_env(folder), "DOCKER_HOST": docker_host()}
    argv = [sys.executable, FLOW.name, "--no-pylint", "run", "--max-workers", "1"]
    argv += ["--width", str(width), *extra]
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=folder, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"run failed ({' '.join(extra) or 'local'}):\n{proc.stderr[-3000:]}")
    return elapsed


def capture_to_image(folder: Path) -> float:
    """generate + resolve the image, as a user re-running the command and then the flow."""
    import metaflow
    from metaflow_extensions.studio.plugins.devcontainer import config, engine
    from mfstudio.devcontainer_capture import generate

    started = time.perf_counter()
    base = f"local/mfstudio-metaflow:{metaflow.__version__}"
    generate(folder / CAPTURE_FLOW.name, "train", base)
    loaded = config.load_config(folder / ".devcontainer" / "devcontainer.json")
    engine.resolve_image(engine.connect(), None, loaded)
    return time.perf_counter() - started


def bench_capture() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-capture-") as tmp:
        folder = Path(tmp)
        shutil.copy(CAPTURE_FLOW, folder / CAPTURE_FLOW.name)
        first = capture_to_image(folder)
        cached = statistics.median(capture_to_image(folder) for _ in range(3))
    print("environment capture -> ready image (@pypi_base + @pypi, 2 packages)")
    print(f"  first time (pip download + docker build)  {first:6.2f} s")
    print(
        f"  cached (median of 3)                      {cached:6.2f} s   target <= "
        f"{CAPTURE_TARGET_S} s: {'met' if cached <= CAPTURE_TARGET_S else 'NOT met'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--width", type=int, default=10)
    args = parser.parse_args()
    os.environ["DOCKER_HOST"] = docker_host()
    tasks = args.width + 3
    local: list[float] = []
    boxed: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-devcontainer-") as tmp:
        folder = Path(tmp)
        shutil.copy(FLOW, folder / FLOW.name)
        timed_run(folder, 1, "--with", "devcontainer")  # warm-up: page cache, image layers
        for _ in range(args.runs):
            local.append(timed_run(folder, args.width))
            boxed.append(timed_run(folder, args.width, "--with", "devcontainer"))
    local_s, boxed_s = statistics.median(local), statistics.median(boxed)
    overhead = (boxed_s - local_s) / tasks
    print(
        f"flow of {tasks} tasks ({args.width} short foreach tasks), --max-workers 1, median of "
        f"{args.runs} runs each"
    )
    print(f"  local run          {local_s:6.2f} s   ({local_s / tasks:.2f} s per task)")
    print(f"  @devcontainer run  {boxed_s:6.2f} s   ({boxed_s / tasks:.2f} s per task)")
    print(
        f"  overhead per task  {overhead:6.2f} s   target <= {TARGET_S} s: "
        f"{'met' if overhead <= TARGET_S else 'NOT met'}"
    )
    print(f"  ratio devcontainer/local: {boxed_s / local_s:.2f}x")
    bench_capture()


if __name__ == "__main__":
    main()
