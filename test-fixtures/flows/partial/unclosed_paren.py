# expect-steps: start, a, end
from metaflow import FlowSpec, step


class UnclosedParenFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.a

    @step
    def a(self):
        self.next(self.end)

    @step
    def end(self):
        pass
