"""Sources for the skeleton tests: a flow whose bodies hold what a line scanner can get
wrong, and small variants of one step, each made to hit one rule of skeleton.py."""

from __future__ import annotations

__all__ = ["TRICKY_FLOW", "step_flow"]

TRICKY_FLOW = '''\
"""A flow whose step bodies hold what a line scanner can get wrong."""
from metaflow import FlowSpec, Parameter, step, retry


def helper(x):
    y = x + 1
    z = [
1, 2,
    ]
    return y + len(z)


class TrickyFlow(FlowSpec):
    \'\'\'Class docstring.\'\'\'

    alpha = Parameter("alpha", default=1)

    @step
    def start(self):
        """Start.

        A docstring over several lines, with a def inside:
def fake(self):
    self.next(self.nowhere)
        """
        text = """
a multi-line string at column 0
        """
        data = {"a": [1, 2, (3, 4)],
"b": 2}
        # a comment
# a comment at column 0
        call(1,
             2)  # trailing comment with \'\'\' quotes
        if data:
            for k in data:
                print(k, 'it\\'s', "x\\\\y", r"\\d+", "naïve 🚀")
        else:
            pass
        def inner(a, b=(1,
2)):
            return a
        self.items = [1, 2, 3]
        self.next(self.middle, foreach="items")

    @retry(times=2)
    @step
    def middle(self):
        'single-quoted docstring'
        x = 1
        y = f"{x!r} and {{braces}}"
        try:
            z = x / 0
        except ZeroDivisionError:
            z = 0
        finally:
            w = 1
        self.next(
            self.join
        )

    @step
    def join(self, inputs):
        total = 0
        for i in inputs:
            total += 1
        self.total = total; self.next(self.branchy)

    @step
    def branchy(self):
        x = 1
        if x:
            self.next(self.end)
        else:
            self.next(self.end)

    @step
    def end(self):
        x = 1
        y = 2
        "not a docstring"

    async def helper_method(self):
        await something()
        return 1

    def one_liner(self): return 1


if __name__ == "__main__":
    TrickyFlow()
'''
"""Blanked by the skeleton: lines 6-9, 26-43, 50-57, 64-66 and 84 (see test_skeleton)."""


def step_flow(body: str, tail: str = "self.next(self.end)") -> str:
    """A two-step flow whose ``start`` has a docstring (line 7), then ``body`` from line 8
    (written without the body's indentation of 8 spaces, except lines that start with "|",
    written as they are after it) and ``tail``."""
    lines = "".join(
        f"{line[1:]}\n" if line.startswith("|") else f"        {line}\n" if line else "\n"
        for line in body.split("\n")
    )
    return (
        "from metaflow import FlowSpec, step\n"
        "\n"
        "\n"
        "class StepFlow(FlowSpec):\n"
        "    @step\n"
        "    def start(self):\n"
        '        """Start."""\n'
        f"{lines}"
        f"        {tail}\n"
        "\n"
        "    @step\n"
        "    def end(self):\n"
        "        pass\n"
    )
