from metaflow import FlowSpec, step


class BaseSteps(FlowSpec):
    """Shared steps."""

    @step
    def start(self):
        self.next(self.work)

    @step
    def end(self):
        pass


class InheritSameFileFlow(BaseSteps):
    """Only the middle step is here; start and end come from BaseSteps."""

    @step
    def work(self):
        self.next(self.end)


if __name__ == "__main__":
    InheritSameFileFlow()
