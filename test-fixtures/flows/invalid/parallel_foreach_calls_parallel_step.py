# expect: check_parallel_foreach_calls_parallel_step
from metaflow import FlowSpec, parallel, step


class ParallelWithoutNumFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.a, self.b)

    @step
    def a(self):
        self.next(self.train)

    @parallel
    @step
    def train(self):  # <-- here
        self.next(self.j)

    @step
    def b(self):
        self.next(self.j)

    @step
    def j(self, inputs):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ParallelWithoutNumFlow()
