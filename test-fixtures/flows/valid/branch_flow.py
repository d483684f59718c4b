from metaflow import FlowSpec, step


class BranchFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.left, self.right)

    @step
    def left(self):
        self.side = "l"
        self.next(self.join)

    @step
    def right(self):
        self.side = "r"
        self.next(self.join)

    @step
    def join(self, inputs):
        self.sides = [i.side for i in inputs]
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    BranchFlow()
