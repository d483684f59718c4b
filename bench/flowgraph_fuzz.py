"""Fuzzing: random truncations and edits of the corpus flows never break the analysis.

Every case must return without an exception in under 100 ms. Prints the number of cases,
the slowest case in ms and any failure; never asserts. 10,000 cases by default:
``.venv/bin/python bench/flowgraph_fuzz.py [N]``. tests/flowgraph/test_fuzz.py runs the
same strategy with a few hundred cases.
"""

from __future__ import annotations

import sys
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mfstudio.flowgraph import IncrementalAnalyzer, analyze_source
from mfstudio.flowgraph.catalog import catalog

__all__ = ["CORPUS_SOURCES", "edited_sources"]

CORPUS = Path(__file__).resolve().parents[1] / "test-fixtures" / "flows"
CORPUS_SOURCES = [p.read_text() for p in sorted(CORPUS.rglob("*.py"))]

_FRAGMENTS = [
    "self.next(", "self.", ")", "(", "@step", "@retry(times=", "def ", "class X(FlowSpec):",
    "\n", "\n    ", "\n        ", ":", "'", '"""', "inputs", "foreach=", "{", "}", ",",
    "condition=", "\t", "#", "\\", "lambda", "é", "\0",
]


@st.composite
def edited_sources(draw: st.DrawFn) -> str:
    """A corpus flow, truncated or with a few random insertions and deletions."""
    source = draw(st.sampled_from(CORPUS_SOURCES))
    if draw(st.booleans()):
        return source[: draw(st.integers(0, len(source)))]
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(source)))
        cut = draw(st.integers(0, 20))
        piece = draw(
            st.one_of(
                st.sampled_from(_FRAGMENTS),
                st.text(max_size=8),
                st.lists(st.sampled_from(_FRAGMENTS), max_size=4).map("".join),
            )
        )
        source = source[:pos] + piece + source[pos + cut :]
    return source


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    catalog()
    timed: list[tuple[float, str]] = []
    failures: list[str] = []
    count = [0]

    @settings(max_examples=n, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(edited_sources())
    def case(source: str) -> None:
        count[0] += 1
        t = time.perf_counter()
        try:
            analyze_source(source, "fuzz.py")
            IncrementalAnalyzer("fuzz.py").update(source)
        except Exception:
            failures.append(f"{traceback.format_exc()}\nsource={source!r}")
        timed.append(((time.perf_counter() - t) * 1000, source))

    start = time.perf_counter()
    case()
    total = time.perf_counter() - start
    timed.sort(key=lambda x: x[0])
    ms = [m for m, _ in timed]
    # the slowest cases again, best of three: tells a slow input from a stalled machine
    again = []
    for _, source in timed[-10:]:
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            analyze_source(source, "fuzz.py")
            IncrementalAnalyzer("fuzz.py").update(source)
            runs.append((time.perf_counter() - t) * 1000)
        again.append(min(runs))
    print(f"cases: {count[0]}  total {total:.1f} s  failures: {len(failures)}")
    print(f"ms per file (analyze_source + IncrementalAnalyzer.update): p50 {ms[len(ms) // 2]:.2f}"
          f"  p99 {ms[int(len(ms) * 0.99)]:.2f}  max {ms[-1]:.2f}  (limit 100 ms)")
    print(f"the 10 slowest cases re-run, best of 3: max {max(again):.2f} ms")
    for failure in failures[:5]:
        print(failure)


if __name__ == "__main__":
    main()
