# expect-steps: start, a, end
from metaflow import FlowSpec, step


class EmptyBodyFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.a)

    @step
    def a(self):

    @step
    def end(self):
        pass
