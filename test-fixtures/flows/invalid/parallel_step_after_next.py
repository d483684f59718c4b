# expect: check_parallel_step_after_next
from metaflow import FlowSpec, step


class NotParallelFlow(FlowSpec):
    @step
    def start(self):  # <-- here
        self.next(self.train, num_parallel=2)

    @step
    def train(self):
        self.next(self.j)

    @step
    def j(self, inputs):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    NotParallelFlow()
