"""Steps with @pypi/@pypi_base environments, for `mfstudio devcontainer generate`."""

from metaflow import FlowSpec, pypi, pypi_base, step


@pypi_base(packages={"six": "1.17.0"}, python="3.11")
class DevcontainerCaptureFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.train)

    @pypi(packages={"idna": "3.20"})
    @step
    def train(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    DevcontainerCaptureFlow()
