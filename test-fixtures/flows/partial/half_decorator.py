# expect-steps: start, end
from metaflow import FlowSpec, retry, step


class HalfDecoratorFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.end)

    @retry(times=
    @step
    def middle(self):
        self.next(self.end)

    @step
    def end(self):
        pass
