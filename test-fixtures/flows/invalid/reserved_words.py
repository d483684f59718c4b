# expect: check_reserved_words
from metaflow import FlowSpec, step


class ReservedWordsFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.index)

    @step
    def index(self):  # <-- here
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ReservedWordsFlow()
