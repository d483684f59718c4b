"""A small flow whose steps take a moment, so a watcher can see each state change:
start -> a foreach of ``width`` tasks (each sleeping ``pause`` seconds) -> join -> end."""

import time

from metaflow import FlowSpec, Parameter, step


class LiveFlow(FlowSpec):
    """Slow enough to watch: every step sleeps ``pause`` seconds."""

    pause = Parameter("pause", type=float, default=1.0, help="Seconds each step sleeps")
    width = Parameter("width", type=int, default=3, help="Tasks of the foreach")

    @step
    def start(self):
        time.sleep(self.pause)
        self.items = list(range(self.width))
        print("starting", self.width, "items", flush=True)
        self.next(self.work, foreach="items")

    @step
    def work(self):
        time.sleep(self.pause)
        self.value = self.input * 2
        self.next(self.join)

    @step
    def join(self, inputs):
        self.total = sum(i.value for i in inputs)
        self.next(self.end)

    @step
    def end(self):
        time.sleep(self.pause)
        print("total", self.total, flush=True)


if __name__ == "__main__":
    LiveFlow()
