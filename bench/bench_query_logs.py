"""Benchmark: the last 100 lines of a task's 1 GiB stdout log.

Ours: ``logs(task, tail=100)`` in this process (p50 after a first call) and in a fresh
process. The client: the last 100 lines of ``Task(task).stdout``, once, in a fresh process
(it reads and parses the whole log: ~17 min and 6 GB of memory here; its peak memory is
printed too). Target of issue #3: ours at most 20 ms. Numbers only, never assertions.
Run: ``.venv/bin/python bench/bench_query_logs.py``.
"""

from __future__ import annotations

from mfstudio.query import api
from query_fixtures import (
    CLIENT_IMPORTS,
    OURS_IMPORTS,
    big_log,
    fresh_client_cache,
    machine,
    p50,
    ratio_line,
    timed_subprocess,
    timings,
)

NAIVE = "Task(TASK).stdout.splitlines()[-100:]"


def main() -> None:
    fixture = big_log()
    task = fixture.target
    print(f"machine: {machine()}")
    print(f"fixture: {task} ({fixture.details}) in {fixture.root}")
    backend = api.open_backend(fixture.root)
    first = api.logs(task, tail=100, backend=backend)
    warm = p50(timings(lambda: api.logs(task, tail=100, backend=backend), 20))
    print(
        f"ours: {len(first.lines)} lines of {first.log_bytes:,} bytes; cost "
        f"{first.cost.to_json()}; p50 wall {warm[0]:.2f} ms, CPU {warm[1]:.2f} ms "
        "(target <= 20 ms)"
    )
    setup = f"TASK = {task!r}\nbackend = api.open_backend({str(fixture.root)!r})"
    ours = timed_subprocess(
        fixture.root, OURS_IMPORTS, setup, "api.logs(TASK, tail=100, backend=backend).lines"
    )
    client = timed_subprocess(
        fixture.root,
        CLIENT_IMPORTS,
        f"TASK = {task!r}",
        NAIVE,
        count=True,
        client_cache=fresh_client_cache(),
    )
    client_call = client["calls"][0]
    print(
        f"client: {client['result']} lines; read {client['reads']}; "
        f"peak memory {client['rss_kb'] / 1024:,.0f} MB (the hook's overhead: a few opens)"
    )
    print(ratio_line("warm (ours p50) vs the client's one call", warm, client_call, "-"))
    print(ratio_line("first call in a fresh process", ours["calls"][0], client_call, "-"))


if __name__ == "__main__":
    main()
