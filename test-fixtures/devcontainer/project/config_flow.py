"""@devcontainer with no arguments: the project's .devcontainer/devcontainer.json decides."""

import os
from pathlib import Path

from metaflow import FlowSpec, devcontainer, step


class DevcontainerConfigFlow(FlowSpec):
    @devcontainer
    @step
    def start(self):
        self.greeting = Path("/opt/greeting.txt").read_text().strip()
        self.post_create = Path("/opt/post-create.txt").read_text().strip()
        self.mode = os.environ.get("PROJECT_MODE")
        self.workspace = os.environ.get("WS")
        self.answer = Path("/data/answer.txt").read_text().strip()
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    DevcontainerConfigFlow()
