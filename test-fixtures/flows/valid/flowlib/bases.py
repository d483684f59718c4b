from metaflow import FlowSpec, retry, step


class SharedBase(FlowSpec):
    """A base flow kept in a workspace module."""

    @retry(times=1)
    @step
    def start(self):
        self.next(self.process)

    @step
    def end(self):
        """Shared end."""
