# expect: check_switch_splits
from metaflow import FlowSpec, step


class OneCaseSwitchFlow(FlowSpec):
    @step
    def start(self):  # <-- here
        self.mode = "a"
        self.next({"a": self.end}, condition="mode")

    @step
    def end(self):
        pass


if __name__ == "__main__":
    OneCaseSwitchFlow()
