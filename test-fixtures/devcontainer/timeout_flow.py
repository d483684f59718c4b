"""Metaflow's @timeout fires inside the container."""

import time

from metaflow import FlowSpec, devcontainer, step, timeout


class DevcontainerTimeoutFlow(FlowSpec):
    @timeout(seconds=2)
    @devcontainer
    @step
    def start(self):
        time.sleep(60)
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    DevcontainerTimeoutFlow()
