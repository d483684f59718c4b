from metaflow import FlowSpec, step


class UnusedHelperFlow(FlowSpec):
    """A helper method that is not a step is not part of the graph."""

    def helper(self):
        return 1

    @step
    def start(self):
        self.value = self.helper()
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    UnusedHelperFlow()
