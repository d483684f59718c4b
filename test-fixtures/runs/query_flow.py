"""A flow whose runs exercise the query layer: a foreach with a retried task, an optional
permanent failure, artifacts of several types (including HTML in a string), logs on both
streams, and a card. Run by tests/query/conftest.py; never imported by the tools."""

import sys

import numpy
import pandas
from metaflow import FlowSpec, Parameter, card, current, retry, step


class QueryFlow(FlowSpec):
    """Foreach over six items; work[2] fails on its first attempt and succeeds on retry."""

    alpha = Parameter("alpha", default=0.5, type=float, help="Scales every item.")
    label = Parameter("label", default="plain", help="A string parameter.")
    fail = Parameter("fail", default=False, type=bool, help="Make work[4] fail for good.")

    @step
    def start(self):
        self.items = list(range(6))
        self.config = {"layers": [64, 32], "dropout": 0.1}
        self.note = "<script>alert('x')</script> <b>not bold</b>"
        self.blob = b"\x00" * 200_000
        self.frame = pandas.DataFrame({"item": range(50), "score": [i / 10 for i in range(50)]})
        self.matrix = numpy.arange(12, dtype=numpy.float32).reshape(3, 4)
        print("starting with", len(self.items), "items")
        self.next(self.work, foreach="items")

    @retry(times=1, minutes_between_retries=0)
    @step
    def work(self):
        self.x = self.input * self.alpha
        print(f"work item {self.input}")
        print(f"work item {self.input} on stderr", file=sys.stderr)
        if self.input == 2 and current.retry_count == 0:
            raise ValueError("transient failure on item 2")
        if self.input == 4 and self.fail:
            raise RuntimeError("item 4 cannot be processed")
        self.next(self.join)

    @step
    def join(self, inputs):
        self.total = sum(i.x for i in inputs)
        self.next(self.end)

    @card
    @step
    def end(self):
        self.result = {"total": self.total, "label": self.label}
        print("total", self.total)


if __name__ == "__main__":
    QueryFlow()
