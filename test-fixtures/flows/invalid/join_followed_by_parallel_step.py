# expect: check_join_followed_by_parallel_step
from metaflow import FlowSpec, parallel, step


class ParallelNoJoinFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.train, num_parallel=2)

    @parallel
    @step
    def train(self):  # <-- here
        self.next(self.after)

    @step
    def after(self):
        self.next(self.j)

    @step
    def j(self, inputs):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ParallelNoJoinFlow()
