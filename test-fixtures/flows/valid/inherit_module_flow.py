from flowlib.bases import SharedBase
from metaflow import step


class InheritModuleFlow(SharedBase):
    @step
    def process(self):
        self.next(self.end)


if __name__ == "__main__":
    InheritModuleFlow()
