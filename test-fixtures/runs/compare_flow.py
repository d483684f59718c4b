"""A flow whose runs differ in known ways, for compare, lineage and timeline tests.

Run with ``--alpha 0.5`` and ``--alpha 2.0``: ``score`` (a float computed from alpha)
changes, ``bonus`` exists only when alpha > 1, ``constant`` and ``base`` stay the same,
the foreach step ``fan`` makes one ``part`` per item. With COMPARE_FLOW_FAIL=1 in the
environment the ``join`` step fails, so a ``resume`` without it clones ``start`` and
``fan`` from the failed run. Run by tests/insight_fixture.py; never imported by the tools.
"""

import os

from metaflow import FlowSpec, Parameter, step


class CompareFlow(FlowSpec):
    """Score a grid of parts scaled by alpha."""

    alpha = Parameter("alpha", default=0.5, type=float, help="Scales every part.")
    label = Parameter("label", default="plain", help="A string that never changes.")

    @step
    def start(self):
        """Make the items and the artifacts every run shares."""
        self.base = [1, 2, 3]
        self.constant = "same in every run"
        self.items = [0, 1, 2]
        self.next(self.fan, foreach="items")

    @step
    def fan(self):
        """One part per item."""
        self.part = self.input * self.alpha
        self.next(self.join)

    @step
    def join(self, inputs):
        """Add the parts up; fail on purpose when asked to."""
        if os.environ.get("COMPARE_FLOW_FAIL") == "1":
            raise RuntimeError("join failed on purpose (COMPARE_FLOW_FAIL=1)")
        self.score = sum(i.part for i in inputs) + sum(inputs[0].base)
        self.merge_artifacts(inputs, exclude=["part"])
        if self.alpha > 1:
            self.bonus = "big alpha"
        self.next(self.end)

    @step
    def end(self):
        """Report the score."""
        self.summary = f"{self.label}: {self.score:.2f}"
        print(self.summary)


if __name__ == "__main__":
    CompareFlow()
