# expect: check_for_acyclicity
from metaflow import FlowSpec, step


class LoopFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.a)

    @step
    def a(self):
        self.next(self.b)  # <-- here

    @step
    def b(self):
        self.next(self.a)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    LoopFlow()
