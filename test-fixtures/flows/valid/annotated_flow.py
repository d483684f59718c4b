from metaflow import FlowSpec, step


class AnnotatedFlow(FlowSpec):
    @step(start=True)
    def begin(self):
        self.next(self.middle)

    @step
    def middle(self):
        self.next(self.finish)

    @step(end=True)
    def finish(self):
        pass


if __name__ == "__main__":
    AnnotatedFlow()
