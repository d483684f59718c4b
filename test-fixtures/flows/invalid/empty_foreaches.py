# expect: check_empty_foreaches
# metaflow-says: IndexError
from metaflow import FlowSpec, step


class EmptyForeachFlow(FlowSpec):
    @step
    def start(self):  # <-- here
        self.items = [1, 2]
        self.next(self.j, foreach="items")

    @step
    def j(self, inputs):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    EmptyForeachFlow()
