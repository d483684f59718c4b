# expect: mfstudio-unknown-attribute
from metaflow import FlowSpec, step, retry


class BadAttributeFlow(FlowSpec):
    @retry(tims=2)  # <-- here
    @step
    def start(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    BadAttributeFlow()
