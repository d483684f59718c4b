# expect: check_split_join_balance
from metaflow import FlowSpec, step


class JoinWithoutSplitFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.a)

    @step
    def a(self):
        self.next(self.j)

    @step
    def j(self, inputs):  # <-- here
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    JoinWithoutSplitFlow()
