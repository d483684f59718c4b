# expect-steps: start, end
from metaflow import FlowSpec, step


class HalfNextFlow(FlowSpec):
    @step
    def start(self):
        self.x = 1
        self.next(self.

    @step
    def end(self):
        pass
