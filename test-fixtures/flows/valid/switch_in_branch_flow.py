from metaflow import FlowSpec, step


class SwitchInBranchFlow(FlowSpec):
    @step
    def start(self):
        self.choice = "x"
        self.next({"x": self.x, "y": self.y}, condition="choice")

    @step
    def x(self):
        self.next(self.after)

    @step
    def y(self):
        self.next(self.after)

    @step
    def after(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    SwitchInBranchFlow()
