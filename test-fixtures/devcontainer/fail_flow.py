"""A container step that raises: the run fails with the step's own traceback."""

from metaflow import FlowSpec, devcontainer, step


class DevcontainerFailFlow(FlowSpec):
    @devcontainer
    @step
    def start(self):
        print("about to fail", flush=True)
        raise ValueError("the input file has 3 columns, expected 4")
        self.next(self.end)  # unreachable; Metaflow's lint wants it

    @step
    def end(self):
        pass


if __name__ == "__main__":
    DevcontainerFailFlow()
