from metaflow import FlowSpec, step


class BasePipeline(FlowSpec):
    @step
    def start(self):
        self.next(self.train)

    @step
    def train(self):
        self.next(self.end)

    @step
    def end(self):
        pass


class OverrideFlow(BasePipeline):
    """Overrides train to add an evaluation step after it."""

    @step
    def train(self):
        """Train, then evaluate."""
        self.next(self.evaluate)

    @step
    def evaluate(self):
        self.next(self.end)


if __name__ == "__main__":
    OverrideFlow()
