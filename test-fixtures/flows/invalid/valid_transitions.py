# expect: check_valid_transitions
from metaflow import FlowSpec, step


class InvalidNextFlow(FlowSpec):
    @step
    def start(self):
        self.items = [1]
        self.next(self.a, self.end, foreach="items")  # <-- here

    @step
    def a(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    InvalidNextFlow()
