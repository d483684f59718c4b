# expect-steps: start, end
from metaflow import FlowSpec, step


class BadIndentFlow(FlowSpec):
    @step
    def start(self):
        self.x = 1
          self.y = 2
        self.next(self.end)

    @step
    def end(self):
        pass
