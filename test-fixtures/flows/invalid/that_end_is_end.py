# expect: check_that_end_is_end
from metaflow import FlowSpec, step


class EndJoinFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.a, self.b)

    @step
    def a(self):
        self.next(self.end)

    @step
    def b(self):
        self.next(self.end)

    @step
    def end(self, inputs):  # <-- here
        pass


if __name__ == "__main__":
    EndJoinFlow()
