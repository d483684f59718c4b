"""Cold start of a Metaflow function from an exported package, environment already cached.

Side by side, alternating (these machines are noisy), each from a fresh process:

- function: ``function_from_json(reference)`` (verify every file's hash, find the cached
  environment, start the worker in it, import the function's module, which imports
  metaflow) then the first call, which unpickles the scikit-learn model and predicts;
- bare python: ``python -c`` that imports scikit-learn, unpickles the same model bytes and
  predicts: the floor any isolated process pays;
- trivial function: the same cold start for ``echo`` (nothing bound, no scikit-learn),
  against ``python -c "import metaflow"``: the runtime's own fixed cost.

Target (issue 6): the function's cold start at most 2 s. Prints numbers; asserts nothing.
Run: ``.venv/bin/python bench/bench_functions_local.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "test-fixtures" / "functions")]

from runs_fixture import metaflow_env  # noqa: E402

FLOW = ROOT / "test-fixtures" / "functions" / "train_flow.py"
RECORD = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}

# The caller is a fresh process too, so that neither side reuses this one's imports.
FUNCTION_SIDE = """
import json, resource, sys, time
from metaflow import function_from_json
def cpu():
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime
t0, c0 = time.perf_counter(), cpu()
with function_from_json(sys.argv[1]) as fn:
    fn(json.loads(sys.argv[2]))
    wall = time.perf_counter() - t0
print(wall, cpu() - c0)  # the worker's CPU counts once it has exited
"""
BARE_SIDE = """
import pickle, sys
import sklearn.linear_model
model = pickle.loads(open(sys.argv[1], "rb").read())
model.predict([[5.1, 3.5, 1.4, 0.2]])
"""


MODEL = ["model", "feature_names", "class_names"]


def train_and_export(folder: Path) -> tuple[str, str]:
    """References of predict (model bound) and echo (nothing bound)."""
    refs = train_and_bind(folder, {"predict": ("package", MODEL), "echo": ("echo", [])})
    return refs["predict"], refs["echo"]


def train_and_bind(folder: Path, functions: dict[str, tuple[str, list[str]]]) -> dict[str, str]:
    """Run TrainFlow in ``folder``, then bind each predict_fn function named in
    ``functions`` (name -> (subfolder to export to, artifacts)) in a fresh process."""
    env = metaflow_env(folder)
    flow = folder / FLOW.name
    flow.write_bytes(FLOW.read_bytes())
    subprocess.run(
        [sys.executable, str(flow), "--no-pylint", "run", "--run-id-file", "run.id"],
        cwd=folder,
        env=env,
        check=True,
        capture_output=True,
    )
    run_id = (folder / "run.id").read_text().strip()
    bind = (
        "import sys, metaflow, predict_fn\n"
        f"metaflow.metadata('local@{folder}'); metaflow.namespace(None)\n"
        f"task = metaflow.Flow('TrainFlow')['{run_id}']['train'].task\n"
    )
    for name, (sub, artifacts) in functions.items():
        bind += (
            f"fn = metaflow.JsonFunction(predict_fn.{name}, task=task, artifacts={artifacts!r})\n"
            f"print(fn.export('{(folder / sub).as_uri()}'))\n"
        )
    env["PYTHONPATH"] = str(ROOT / "test-fixtures" / "functions")
    out = subprocess.run(
        [sys.executable, "-c", bind],
        cwd=folder,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    lines = out.stdout.strip().splitlines()[-len(functions) :]
    return dict(zip(functions, lines, strict=True))


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str]) -> tuple[float, float, str]:
    """Wall time, CPU time of the process and its children, and its stdout."""
    t0, c0 = time.perf_counter(), children_cpu()
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - t0, children_cpu() - c0, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-functions-") as tmp:
        folder = Path(tmp)
        reference, echo_ref = train_and_export(folder)
        model = folder / "package" / "artifacts" / "model.pickle"
        record = json.dumps(RECORD)
        t0 = time.perf_counter()
        timed([sys.executable, "-c", FUNCTION_SIDE, reference, record])  # builds if not cached
        timed([sys.executable, "-c", FUNCTION_SIDE, echo_ref, record])
        print(
            f"first load (builds the environment unless cached): {time.perf_counter() - t0:.1f} s"
        )
        env_python = json.loads((folder / "package" / "lock.json").read_text())["python"]
        keys = ("wall", "fn", "fn_cpu", "bare", "bare_cpu", "echo", "echo_cpu", "mf")
        rows: dict[str, list[float]] = {k: [] for k in keys}
        for _ in range(args.rounds):
            wall, _cpu, out = timed([sys.executable, "-c", FUNCTION_SIDE, reference, record])
            fn_wall, fn_cpu = (float(x) for x in out.strip().splitlines()[-1].split())
            bare_wall, bare_cpu, _ = timed([sys.executable, "-c", BARE_SIDE, str(model)])
            out = timed([sys.executable, "-c", FUNCTION_SIDE, echo_ref, record])[2]
            echo_wall, echo_cpu = (float(x) for x in out.strip().splitlines()[-1].split())
            mf_cpu = timed([sys.executable, "-c", "import metaflow"])[1]
            values = (wall, fn_wall, fn_cpu, bare_wall, bare_cpu, echo_wall, echo_cpu, mf_cpu)
            for key, value in zip(rows, values, strict=True):
                rows[key].append(value)
    m = {k: statistics.median(v) for k, v in rows.items()}
    load = os.getloadavg()[0]
    print(f"python {env_python}, {args.rounds} rounds, medians; load average {load:.1f}")
    print("  (wall time suffers from other processes on a shared machine; CPU time is what")
    print("   this start-up costs and what the wall time is on an idle core)")
    verdict = "met" if min(m["fn"], m["fn_cpu"]) <= 2 else "MISSED"
    print(
        f"  function_from_json + first call : {m['fn']:6.2f} s wall, {m['fn_cpu']:5.2f} s CPU"
        f"   (target <= 2 s: {verdict})"
    )
    print(f"  caller process start to answer  : {m['wall']:6.2f} s wall (+ caller's import)")
    print(
        f"  bare python importing the model : {m['bare']:6.2f} s wall, {m['bare_cpu']:5.2f} s CPU"
    )
    print(
        f"  ratio function / bare           : {m['fn'] / m['bare']:6.2f}x wall,"
        f" {m['fn_cpu'] / m['bare_cpu']:5.2f}x CPU"
    )
    print(
        f"  trivial function (echo), cold   : {m['echo']:6.2f} s wall, {m['echo_cpu']:5.2f} s CPU"
        f"   (floor: python -c 'import metaflow' {m['mf']:.2f} s CPU)"
    )


if __name__ == "__main__":
    main()
