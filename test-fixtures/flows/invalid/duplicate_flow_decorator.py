# expect: mfstudio-duplicate-decorator
from metaflow import FlowSpec, step, project


@project(name="a")
@project(name="b")  # <-- here
class DuplicateProjectFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    DuplicateProjectFlow()
