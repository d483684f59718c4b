"""A flow without @devcontainer, run with `--with devcontainer[:...]` by the tests."""

import os
import time

from metaflow import FlowSpec, Parameter, step


class DevcontainerPlainFlow(FlowSpec):
    sleep = Parameter("sleep", default=0.0, type=float)

    @step
    def start(self):
        self.start_in_container = os.environ.get("MFSTUDIO_IN_DEVCONTAINER") == "1"
        print("start sleeping", self.sleep, flush=True)
        time.sleep(self.sleep)
        self.next(self.end)

    @step
    def end(self):
        self.end_in_container = os.environ.get("MFSTUDIO_IN_DEVCONTAINER") == "1"


if __name__ == "__main__":
    DevcontainerPlainFlow()
