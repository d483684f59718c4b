from metaflow import FlowSpec, step


class MultilineNextFlow(FlowSpec):
    @step
    def start(self):
        self.next(
            self.first,
            self.second,
        )

    @step
    def first(self):
        self.next(self.joined)

    @step
    def second(self):
        self.next(self.joined)

    @step
    def joined(self, inputs):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    MultilineNextFlow()
