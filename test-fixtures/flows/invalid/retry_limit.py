# expect: mfstudio-retry-limit
from metaflow import FlowSpec, step, retry


class TooManyRetriesFlow(FlowSpec):
    @retry(times=5)  # <-- here
    @step
    def start(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    TooManyRetriesFlow()
