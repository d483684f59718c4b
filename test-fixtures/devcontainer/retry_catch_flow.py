"""@retry and @catch around container steps: one branch succeeds on its second attempt, the
other fails every attempt and @catch records the exception; the run succeeds."""

from metaflow import FlowSpec, catch, current, devcontainer, retry, step


class DevcontainerRetryCatchFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.flaky, self.broken)

    @retry(times=1, minutes_between_retries=0)
    @devcontainer
    @step
    def flaky(self):
        print("flaky attempt", current.retry_count, flush=True)
        if current.retry_count == 0:
            raise RuntimeError("first attempt fails on purpose")
        self.attempt = current.retry_count
        self.next(self.join)

    @catch(var="failure")
    @devcontainer
    @step
    def broken(self):
        raise ValueError("broken on purpose")
        self.next(self.join)  # unreachable; Metaflow's lint wants it

    @step
    def join(self, inputs):
        self.attempt = inputs.flaky.attempt
        self.failure_text = str(inputs.broken.failure)
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    DevcontainerRetryCatchFlow()
