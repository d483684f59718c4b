"""A container step that allocates more than its memory limit (64 MB)."""

from metaflow import FlowSpec, devcontainer, step


class DevcontainerOomFlow(FlowSpec):
    @devcontainer(memory=64)
    @step
    def start(self):
        blocks = []
        for _ in range(40):  # 40 x 16 MB, touched so the pages are really used
            blocks.append(bytearray(16 << 20))
        self.n = len(blocks)
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    DevcontainerOomFlow()
