# expect: check_ambiguous_joins
from metaflow import FlowSpec, step


class SwitchToJoinFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.a, self.b)

    @step
    def a(self):
        self.mode = "x"
        self.next({"x": self.j, "y": self.c}, condition="mode")

    @step
    def c(self):
        self.next(self.j)

    @step
    def b(self):
        self.next(self.j)

    @step
    def j(self, inputs):  # <-- here
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    SwitchToJoinFlow()
