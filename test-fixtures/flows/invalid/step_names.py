# expect: check_step_names
from metaflow import FlowSpec, step


class BadNameFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.Upper)

    @step
    def Upper(self):  # <-- here
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    BadNameFlow()
