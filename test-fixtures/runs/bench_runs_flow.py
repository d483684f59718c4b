"""The smallest real flow (start -> end) for the many-runs query benchmarks.

bench/query_fixtures.py runs it a few times for real (succeeded and failed runs, with tags
and parameters), then clones those run folders under new run ids up to 5,000 / 50,000 runs.
"""

from metaflow import FlowSpec, Parameter, step


class BenchRunsFlow(FlowSpec):
    """Two steps; ``fail`` makes ``end`` raise, so the run fails after ``start`` succeeded."""

    alpha = Parameter("alpha", default=0.5, type=float, help="A number, shown in run lists.")
    fail = Parameter("fail", default=False, type=bool, help="Make the end step fail.")

    @step
    def start(self):
        self.value = self.alpha * 2
        print("value", self.value)
        self.next(self.end)

    @step
    def end(self):
        if self.fail:
            raise RuntimeError("end failed on purpose")
        print("done", self.value)


if __name__ == "__main__":
    BenchRunsFlow()
