from metaflow import FlowSpec, step


class SwitchFlow(FlowSpec):
    @step
    def start(self):
        self.mode = "fast"
        self.next({"fast": self.fast, "slow": self.slow, 3: self.other}, condition="mode")

    @step
    def fast(self):
        self.next(self.end)

    @step
    def slow(self):
        self.next(self.end)

    @step
    def other(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    SwitchFlow()
