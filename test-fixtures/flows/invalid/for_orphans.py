# expect: check_for_orphans
from metaflow import FlowSpec, step


class OrphanFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.end)

    @step
    def lonely(self):  # <-- here
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    OrphanFlow()
