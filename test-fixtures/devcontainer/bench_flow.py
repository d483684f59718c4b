"""Ten short tasks (a foreach) for bench/bench_devcontainer.py: run plain and with
`--with devcontainer`, the difference is @devcontainer's per-task overhead."""

from metaflow import FlowSpec, Parameter, step


class DevcontainerBenchFlow(FlowSpec):
    width = Parameter("width", default=10, type=int)

    @step
    def start(self):
        self.items = list(range(self.width))
        self.next(self.work, foreach="items")

    @step
    def work(self):
        self.squared = self.input * self.input
        self.next(self.join)

    @step
    def join(self, inputs):
        self.total = sum(i.squared for i in inputs)
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    DevcontainerBenchFlow()
