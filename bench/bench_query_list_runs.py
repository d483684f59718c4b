"""Benchmark: the newest 20 runs of a flow with 5,000 runs and with 50,000 runs.

Ours: ``list_runs(flow, limit=20)`` in this process (p50 after a first call) and in a fresh
process. The client: ``list(islice(Flow(name), 20))`` in a fresh process, first call with an
emptied client cache (cold) and second call (warm). Targets of issue #3: ours at most
50 ms, and no slower with 50,000 runs. Numbers only, never assertions.
Run: ``.venv/bin/python bench/bench_query_list_runs.py``.
"""

from __future__ import annotations

from mfstudio.query import api
from query_fixtures import (
    CLIENT_IMPORTS,
    OURS_IMPORTS,
    Sample,
    fresh_client_cache,
    machine,
    many_runs,
    p50,
    ratio_line,
    timed_subprocess,
    timings,
)

SIZES = (5000, 50_000)
NAIVE = "list(islice(Flow(FLOW), 20))"


def measure(count: int) -> Sample:
    fixture = many_runs(count)
    flow = fixture.target
    backend = api.open_backend(fixture.root)
    page = api.list_runs(flow, limit=20, backend=backend)
    warm = p50(timings(lambda: api.list_runs(flow, limit=20, backend=backend), 20))
    print(f"\n{count:,} runs ({fixture.details}):")
    print(
        f"  ours: {len(page.runs)} runs, {page.scanned} examined; cost {page.cost.to_json()}; "
        f"p50 wall {warm[0]:.1f} ms, CPU {warm[1]:.1f} ms (target <= 50 ms)"
    )
    setup = f"FLOW = {flow!r}\nbackend = api.open_backend({str(fixture.root)!r})"
    ours = timed_subprocess(
        fixture.root, OURS_IMPORTS, setup, "api.list_runs(FLOW, limit=20, backend=backend).runs"
    )
    imports = CLIENT_IMPORTS + "\nfrom itertools import islice"
    setup = f"FLOW = {flow!r}"
    client = timed_subprocess(
        fixture.root, imports, setup, NAIVE, calls=2, client_cache=fresh_client_cache()
    )
    counted = timed_subprocess(
        fixture.root, imports, setup, NAIVE, count=True, client_cache=fresh_client_cache()
    )
    print(f"  client: {counted['result']} runs; read {counted['reads']}")
    print("  " + ratio_line("warm", warm, client["calls"][1], "-"))
    cold = ratio_line(
        "cold, first call in a fresh process", ours["calls"][0], client["calls"][0], "-"
    )
    print("  " + cold)
    return warm


def main() -> None:
    print(f"machine: {machine()}")
    small, large = (measure(n) for n in SIZES)
    print(
        f"\nours at 50,000 runs / at 5,000 runs: wall {large[0] / small[0]:.2f}x "
        f"({large[0]:.1f} vs {small[0]:.1f} ms), CPU {large[1] / small[1]:.2f}x "
        f"({large[1]:.1f} vs {small[1]:.1f} ms); target: no slower (~1.0x)"
    )


if __name__ == "__main__":
    main()
