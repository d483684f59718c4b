from metaflow import FlowSpec, step


class DocstringHtmlFlow(FlowSpec):
    """Flow with <b>markup</b> in its docstring."""

    @step
    def start(self):
        """Hello <script>alert("x")</script> and <img src=x onerror="alert(1)"> & 'quotes'."""
        self.next(self.end)

    @step
    def end(self):
        """Plain."""


if __name__ == "__main__":
    DocstringHtmlFlow()
