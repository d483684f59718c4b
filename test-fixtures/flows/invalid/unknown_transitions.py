# expect: check_unknown_transitions
from metaflow import FlowSpec, step


class UnknownNextFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.nowhere)  # <-- here

    @step
    def end(self):
        pass


if __name__ == "__main__":
    UnknownNextFlow()
