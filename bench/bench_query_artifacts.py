"""Benchmark: find artifacts by name and size across the 10,000 foreach tasks of ten runs.

Ours: ``artifacts(flow, name="vector", min_size=2000)`` (every task examined: ``limit`` at
its cap), in this process and in a fresh one, where audit hooks also count the blob files
opened (zero: nothing is unpickled). The client: the loop over every run, step and task
reading ``task.artifacts``, once, in a fresh process; its reads are counted in a second
process over the newest run only (1,000 tasks). Target of issue #3: at most 2 s, no
unpickling. Numbers only, never assertions.
Run: ``.venv/bin/python bench/bench_query_artifacts.py``.
"""

from __future__ import annotations

from mfstudio.query import api
from mfstudio.query.model import ArtifactList
from query_fixtures import (
    CLIENT_IMPORTS,
    OURS_IMPORTS,
    artifact_tasks,
    fresh_client_cache,
    machine,
    p50,
    ratio_line,
    timed_subprocess,
    timings,
)

NAME, MIN_SIZE, LIMIT = "vector", 2000, 100_000
LOOP = (
    "[(t.pathspec, a.size) for r in {runs} for s in r for t in s for a in t.artifacts"
    " if a.id == NAME and a.size >= MIN_SIZE]"
)


def main() -> None:
    fixture = artifact_tasks()
    flow = fixture.target
    print(f"machine: {machine()}")
    print(f"fixture: {flow} ({fixture.details}) in {fixture.root}")
    backend = api.open_backend(fixture.root)

    def search() -> ArtifactList:
        return api.artifacts(flow, name=NAME, min_size=MIN_SIZE, limit=LIMIT, backend=backend)

    first = search()
    warm = p50(timings(search, 3))
    tasks = first.tasks_examined
    print(
        f"ours: {len(first.artifacts)} artifacts in {tasks} tasks; cost {first.cost.to_json()}; "
        f"{first.cost.files_read / tasks:.2f} files read per task; p50 wall {warm[0]:,.0f} ms, "
        f"CPU {warm[1]:,.0f} ms (target <= 2,000 ms)"
    )
    setup = f"backend = api.open_backend({str(fixture.root)!r})"
    expr = (
        f"api.artifacts({flow!r}, name={NAME!r}, min_size={MIN_SIZE}, limit={LIMIT}, "
        "backend=backend).artifacts"
    )
    ours = timed_subprocess(fixture.root, OURS_IMPORTS, setup, expr, count=True)
    print(f"ours in a fresh process: read {ours['reads']} (blob_files_read 0 = no unpickling)")

    setup = f"FLOW, NAME, MIN_SIZE = {flow!r}, {NAME!r}, {MIN_SIZE}"
    client = timed_subprocess(
        fixture.root,
        CLIENT_IMPORTS,
        setup,
        LOOP.format(runs="Flow(FLOW)"),
        client_cache=fresh_client_cache(),
    )
    counted = timed_subprocess(
        fixture.root,
        CLIENT_IMPORTS,
        setup,
        LOOP.format(runs="[Flow(FLOW).latest_run]"),
        count=True,
        client_cache=fresh_client_cache(),
    )
    client_call = client["calls"][0]
    print(f"client: {client['result']} artifacts in {client_call[0]:,.0f} ms")
    print(f"client, newest run only ({counted['result']} artifacts): read {counted['reads']}")
    print(ratio_line("ours p50 vs the client's one call", warm, client_call, "ours <= 2,000 ms"))


if __name__ == "__main__":
    main()
