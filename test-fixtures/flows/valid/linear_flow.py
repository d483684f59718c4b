from metaflow import FlowSpec, step


class LinearFlow(FlowSpec):
    """A straight line: start, one step, end."""

    @step
    def start(self):
        """Begin here."""
        self.x = 1
        self.next(self.middle)

    @step
    def middle(self):
        self.x += 1
        self.next(self.end)

    @step
    def end(self):
        """All done."""
        print(self.x)


if __name__ == "__main__":
    LinearFlow()
