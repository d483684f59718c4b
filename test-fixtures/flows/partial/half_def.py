# expect-steps: start, end
from metaflow import FlowSpec, step


class HalfDefFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.end)

    @step
    def b(self

    @step
    def end(self):
        pass
