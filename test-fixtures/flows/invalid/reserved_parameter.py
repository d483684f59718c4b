# expect: mfstudio-reserved-parameter
from metaflow import FlowSpec, step, Parameter


class ReservedParamFlow(FlowSpec):
    tags = Parameter("tags", default="x")  # <-- here

    @step
    def start(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ReservedParamFlow()
