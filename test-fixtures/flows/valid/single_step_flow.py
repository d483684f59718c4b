from metaflow import FlowSpec, step


class SingleStepFlow(FlowSpec):
    @step
    def start(self):
        """The only step."""
        self.done = True


if __name__ == "__main__":
    SingleStepFlow()
