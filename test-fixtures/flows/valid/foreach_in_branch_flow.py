from metaflow import FlowSpec, step


class ForeachInBranchFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.fan, self.single)

    @step
    def fan(self):
        self.parts = [1, 2, 3]
        self.next(self.part, foreach="parts")

    @step
    def part(self):
        self.next(self.merge_parts)

    @step
    def merge_parts(self, inputs):
        self.next(self.join)

    @step
    def single(self):
        self.next(self.join)

    @step
    def join(self, inputs):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ForeachInBranchFlow()
