# expect: mfstudio-decorator-order
from metaflow import FlowSpec, step, retry


class DecoratorOrderFlow(FlowSpec):
    @step
    @retry(times=1)  # <-- here
    def start(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    DecoratorOrderFlow()
