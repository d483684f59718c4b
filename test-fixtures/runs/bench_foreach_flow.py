"""A wide foreach for the query benchmarks (bench/query_fixtures.py builds and caches it).

``work`` fans out over ``width`` items with a trivial body and a few artifacts of varied
size. The items listed in ``fail`` really fail (an exception in user code, return code 1):
Metaflow's local runtime stops the run at the first failed task and abandons what is still
queued, so the failing tasks first wait at a file barrier in ``barrier`` until every other
item has finished and all failing tasks are ready, then raise together. The run therefore
fails with exactly ``len(fail)`` failed tasks and ``width - len(fail)`` succeeded ones.
"""

import os
import time

from metaflow import FlowSpec, Parameter, step

_BARRIER_TIMEOUT_S = 3600


def _count(folder, prefix):
    return sum(1 for name in os.listdir(folder) if name.startswith(prefix))


def _wait_for(folder, prefix, wanted):
    deadline = time.time() + _BARRIER_TIMEOUT_S
    while _count(folder, prefix) < wanted and time.time() < deadline:
        time.sleep(0.5)


class BenchForeachFlow(FlowSpec):
    """start -> work (foreach over ``width`` items) -> join -> end."""

    width = Parameter("width", default=1000, type=int, help="Number of foreach items.")
    fail = Parameter("fail", default="", help="Comma-separated items that must fail.")
    barrier = Parameter("barrier", default="", help="Folder for the failure barrier.")

    @step
    def start(self):
        self.items = list(range(self.width))
        self.failing = [int(x) for x in self.fail.split(",") if x.strip()]
        self.next(self.work, foreach="items")

    @step
    def work(self):
        item = self.input
        self.score = item * 0.5
        self.label = f"item-{item}"
        self.vector = list(range((item % 50) * 40))  # serialized sizes from ~20 B to ~8 kB
        print(f"work item {item}")
        if item in self.failing:
            if self.barrier:
                open(os.path.join(self.barrier, f"fail-{item}"), "w").close()
                _wait_for(self.barrier, "ok-", self.width - len(self.failing))
                _wait_for(self.barrier, "fail-", len(self.failing))
                time.sleep(3)  # let the runtime record the last successful tasks first
            raise ValueError(f"item {item} failed on purpose")
        if self.barrier:
            open(os.path.join(self.barrier, f"ok-{item}"), "w").close()
        self.next(self.join)

    @step
    def join(self, inputs):
        self.total = sum(i.score for i in inputs)
        self.next(self.end)

    @step
    def end(self):
        print("total", self.total)


if __name__ == "__main__":
    BenchForeachFlow()
