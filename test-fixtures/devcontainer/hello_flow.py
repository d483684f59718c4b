"""A two-step flow whose middle step runs in a container: artifacts, logs, where it ran."""

import os
import platform

from metaflow import FlowSpec, devcontainer, step


class DevcontainerHelloFlow(FlowSpec):
    @step
    def start(self):
        self.host_node = platform.node()
        self.next(self.inside)

    @devcontainer
    @step
    def inside(self):
        self.node = platform.node()
        self.in_container = os.environ.get("MFSTUDIO_IN_DEVCONTAINER") == "1"
        self.uid = os.getuid()
        self.doubled = [x * 2 for x in range(3)]
        print("hello from the container", flush=True)
        print("a line on stderr", file=__import__("sys").stderr, flush=True)
        self.next(self.end)

    @step
    def end(self):
        self.total = sum(self.doubled)


if __name__ == "__main__":
    DevcontainerHelloFlow()
