"""What ``metaflow.client`` says about the runs of a flow, for parity tests.

The client runs in a subprocess pointed at the datastore under test (its configuration is
read at import time, so it cannot share the test process) and prints JSON: per run its
tags, finished/successful, the task counts per step, the failed tasks with their
exceptions, and the parameters (``repr`` of each value). The client's ``Task.finished`` is
False for a failed task, so a task counts as failed when it has an exception and is not
successful, as running when it has neither.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

from runs_fixture import metaflow_env

_SCRIPT = r"""
import json, sys
from metaflow import Flow, Task, namespace

namespace(None)
runs = []
for run in Flow(sys.argv[1]):
    steps, failed = {}, []
    for step in run:
        counts = {"running": 0, "succeeded": 0, "failed": 0}
        for task in step:
            if task.successful:
                counts["succeeded"] += 1
                continue
            exc = task.exception
            if exc is None:
                counts["running"] += 1
                continue
            counts["failed"] += 1
            failed.append({
                "pathspec": task.pathspec,
                "attempt": task.current_attempt,
                "type": exc.type,
                "message": exc.exception,
            })
        steps[step.id] = counts
    params = Task(run.pathspec + "/_parameters/0", _namespace_check=False)
    runs.append({
        "id": run.id,
        "user_tags": sorted(run.user_tags),
        "system_tags": sorted(run.system_tags),
        "finished": run.finished,
        "successful": run.successful,
        "steps": steps,
        "failed": failed,
        "parameters": {
            a.id: repr(a.data) for a in params if not a.id.startswith("_") and a.id != "name"
        },
    })
print(json.dumps(runs))
"""


@cache
def client_runs(root: Path, flow: str) -> list[dict[str, Any]]:
    """The client's view of every run of ``flow`` under ``root``, newest first (the
    client's own order). Cached: call it only on datastores that no longer change."""
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, flow],
        cwd=root,
        env=metaflow_env(root),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"metaflow.client failed:\n{done.stderr}")
    runs: list[dict[str, Any]] = json.loads(done.stdout)
    return runs


def client_run(root: Path, pathspec: str) -> dict[str, Any]:
    flow, run_id = pathspec.split("/")
    return next(run for run in client_runs(root, flow) if run["id"] == run_id)
