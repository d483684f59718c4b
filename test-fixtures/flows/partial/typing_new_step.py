# expect-steps: start, end
from metaflow import FlowSpec, step


class TypingNewStepFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.end)

    @step
    def end(self):
        pass

    @step
    def ne
