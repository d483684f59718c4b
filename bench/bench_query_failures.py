"""Benchmark: the failed tasks of a real 1,000-task foreach run (3 failed).

Ours: ``failures(run)``, in this process after a first call (warm) and in a fresh process
(cold: interpreter already started, import + call timed). The client:
``[t for s in run for t in s if not t.successful]`` in a fresh process, its first call
with an emptied METAFLOW_CLIENT_CACHE_PATH (cold) and a second call in the same process
(warm). Prints ratios next to the targets of issue #3 and what each side read. Numbers
only, never assertions. Run: ``.venv/bin/python bench/bench_query_failures.py``.
"""

from __future__ import annotations

from mfstudio.query import api
from query_fixtures import (
    CLIENT_IMPORTS,
    OURS_IMPORTS,
    foreach_failures,
    fresh_client_cache,
    machine,
    p50,
    plus,
    ratio_line,
    timed_subprocess,
    timings,
)

COLD_RUNS = 3
NAIVE = "[t.pathspec for s in Run(RUN) for t in s if not t.successful]"


def main() -> None:
    fixture = foreach_failures()
    run = fixture.target
    print(f"machine: {machine()}")
    print(f"fixture: {run} ({fixture.details}) in {fixture.root}")
    backend = api.open_backend(fixture.root)

    first = api.failures(run, backend=backend)
    warm = p50(timings(lambda: api.failures(run, backend=backend), 10))
    cost, tasks = first.cost, first.tasks_examined
    print(
        f"ours: {len(first.failures)} failures among {tasks} tasks; cost {cost.to_json()}; "
        f"per task {cost.files_read / tasks:.3f} files read, {cost.dirs_listed / tasks:.2f} "
        f"folders listed, {cost.bytes_read / tasks:,.0f} bytes"
    )
    ours_setup = f"backend = api.open_backend({str(fixture.root)!r})"
    ours_expr = f"api.failures({run!r}, backend=backend).failures"
    ours_cold = [
        timed_subprocess(fixture.root, OURS_IMPORTS, ours_setup, ours_expr)
        for _ in range(COLD_RUNS)
    ]

    setup = f"RUN = {run!r}"
    client = [
        timed_subprocess(
            fixture.root, CLIENT_IMPORTS, setup, NAIVE, calls=3, client_cache=fresh_client_cache()
        )
        for _ in range(COLD_RUNS)
    ]
    counted = timed_subprocess(
        fixture.root, CLIENT_IMPORTS, setup, NAIVE, count=True, client_cache=fresh_client_cache()
    )
    reads = counted["reads"]
    print(
        f"client: {counted['result']} failed tasks; read {reads}; per task "
        f"{reads['files_read'] / tasks:.1f} files opened, {reads['bytes_read'] / tasks:,.0f} bytes"
    )
    client_warm = p50([t for c in client for t in c["calls"][1:]])
    print(ratio_line("warm (p50, same process)", warm, client_warm, ">= 10x"))
    cold = ("cold, first call in a fresh process", lambda c: c["calls"][0])
    cold_import = ("cold, import + first call", lambda c: plus(c["import"], c["calls"][0]))
    for label, pick in (cold, cold_import):
        ours, theirs = p50([pick(c) for c in ours_cold]), p50([pick(c) for c in client])
        print(ratio_line(label, ours, theirs, ">= 40x"))


if __name__ == "__main__":
    main()
