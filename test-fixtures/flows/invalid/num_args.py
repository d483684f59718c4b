# expect: check_num_args
from metaflow import FlowSpec, step


class TooManyArgsFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.a)

    @step
    def a(self, x, y):  # <-- here
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    TooManyArgsFlow()
