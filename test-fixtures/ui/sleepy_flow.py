"""A flow for the UI's live tests: start -> a foreach of two ``work`` tasks -> join -> end,
every step sleeping ``pause`` seconds, so each state change can be seen as it happens.
Run by tests/ui/test_ui_live.py and bench/bench_ui_server.py; never imported by the tools."""

import time

from metaflow import FlowSpec, Parameter, step


class SleepyFlow(FlowSpec):
    pause = Parameter("pause", type=float, default=1.0, help="Seconds each step sleeps")

    @step
    def start(self):
        time.sleep(self.pause)
        self.items = ["a", "b"]
        self.next(self.work, foreach="items")

    @step
    def work(self):
        time.sleep(self.pause)
        print(f"worked on {self.input}")
        self.next(self.join)

    @step
    def join(self, inputs):
        time.sleep(self.pause)
        self.next(self.end)

    @step
    def end(self):
        time.sleep(self.pause)
        print("done")


if __name__ == "__main__":
    SleepyFlow()
