# expect: mfstudio-duplicate-decorator
from metaflow import FlowSpec, step, retry


class DuplicateDecoFlow(FlowSpec):
    @retry(times=1)
    @retry(times=2)  # <-- here
    @step
    def start(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    DuplicateDecoFlow()
