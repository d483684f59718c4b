from metaflow import FlowSpec, step


class RecursiveSwitchFlow(FlowSpec):
    @step
    def start(self):
        self.count = 0
        self.next(self.poll)

    @step
    def poll(self):
        self.count += 1
        self.state = "done" if self.count > 2 else "again"
        self.next({"again": self.poll, "done": self.finish}, condition="state")

    @step
    def finish(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    RecursiveSwitchFlow()
