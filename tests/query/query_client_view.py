"""What ``metaflow.client`` says about the runs of a flow, for parity tests.

The client runs in a subprocess pointed at the datastore under test (its configuration is
read at import time, so it cannot share the test process) and prints JSON: per run its
tags, finished/successful, the task counts per step, the failed tasks with their
exceptions, and the parameters (``repr`` of each value). The client's ``Task.finished`` is
False for a failed task, so a task counts as failed when it has an exception and is not
successful, as running when it has neither.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from client_probe import client_json

_BODY = r"""
runs = []
for run in Flow(FLOW):
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
        "created_ms": round(run.created_at.timestamp() * 1000),
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
result = runs
"""


@cache
def client_runs(root: Path, flow: str) -> list[dict[str, Any]]:
    """The client's view of every run of ``flow`` under ``root``, newest first (the
    client's own order). Cached: call it only on datastores that no longer change."""
    runs: list[dict[str, Any]] = client_json(root, f"FLOW = {flow!r}\n" + _BODY)
    return runs


def client_order(root: Path, flow: str) -> list[str]:
    """Run ids newest first by the client's creation times. The client keeps them in
    milliseconds, so it leaves runs started in the same millisecond in no defined order;
    among those, newer ids come first (the order list_runs promises)."""
    runs = sorted(client_runs(root, flow), key=lambda r: (-r["created_ms"], _id_key(r["id"])))
    return [run["id"] for run in runs]


def _id_key(run_id: str) -> tuple[int, int | str]:
    return (0, -int(run_id)) if run_id.isdigit() else (1, run_id)


def client_run(root: Path, pathspec: str) -> dict[str, Any]:
    flow, run_id = pathspec.split("/")
    return next(run for run in client_runs(root, flow) if run["id"] == run_id)
