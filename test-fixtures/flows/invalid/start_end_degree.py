# expect: check_start_end_degree
from metaflow import FlowSpec, step


class StartDegreeFlow(FlowSpec):
    @step
    def start(self):  # <-- here
        self.next(self.again)

    @step
    def again(self):
        self.next(self.start)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    StartDegreeFlow()
