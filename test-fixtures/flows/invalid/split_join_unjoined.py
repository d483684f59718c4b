# expect: check_split_join_balance
from metaflow import FlowSpec, step


class UnjoinedSplitFlow(FlowSpec):
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
    def end(self):  # <-- here
        pass


if __name__ == "__main__":
    UnjoinedSplitFlow()
