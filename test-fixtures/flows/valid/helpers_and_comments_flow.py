from metaflow import FlowSpec, step

THRESHOLD = 3


class HelpersAndCommentsFlow(FlowSpec):
    """Non-step members, nested functions and trailing comments are not steps."""

    label = "demo"

    def score(self, x):
        return x * 2

    @step
    def start(self):
        def inner():
            return [1, 2]

        self.items = inner()
        if self.score(1) > THRESHOLD:
            print("big")
        self.next(self.end)  # go straight to the end
        # a comment after the transition

    @step
    def end(self):
        """Finish."""
        # nothing to do


if __name__ == "__main__":
    HelpersAndCommentsFlow()
