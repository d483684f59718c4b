"""A small training flow that shows every shape Metaflow Studio draws."""

from metaflow import FlowSpec, Parameter, card, catch, retry, step


class TrainingFlow(FlowSpec):
    """Train one model per learning rate and keep the best."""

    learning_rates = Parameter(
        "learning_rates", default="0.01,0.1,0.5", help="Comma-separated learning rates to try"
    )
    epochs = Parameter("epochs", default=3, type=int, help="Training epochs per model")

    @step
    def start(self):
        """Prepare the data set and the grid of learning rates."""
        self.data = [(x, 2 * x + 1) for x in range(20)]
        self.grid = [float(lr) for lr in self.learning_rates.split(",")]
        self.next(self.train, foreach="grid")

    @retry(times=1, minutes_between_retries=0)
    @step
    def train(self):
        """Fit y = w*x + b by gradient descent with this learning rate."""
        lr, w, b = self.input, 0.0, 0.0
        for epoch in range(self.epochs * 50):
            gw = sum((w * x + b - y) * x for x, y in self.data) / len(self.data)
            gb = sum(w * x + b - y for x, y in self.data) / len(self.data)
            w, b = w - lr * gw / 100, b - lr * gb
            if abs(w) > 1e6:
                raise FloatingPointError(f"training diverged at learning rate {lr} (epoch {epoch})")
        print(f"lr={lr}: w={w:.3f} b={b:.3f}")
        self.lr, self.model = lr, (w, b)
        self.loss = sum((w * x + b - y) ** 2 for x, y in self.data) / len(self.data)
        self.next(self.choose)

    @step
    def choose(self, inputs):
        """Keep the model with the lowest loss."""
        best = min(inputs, key=lambda i: i.loss)
        self.model, self.lr, self.loss = best.model, best.lr, best.loss
        self.next(self.publish)

    @step
    def publish(self):
        """Evaluate and report the chosen model in parallel branches."""
        self.next(self.evaluate, self.report)

    @catch(var="eval_error")
    @step
    def evaluate(self):
        """Check the chosen model on held-out points."""
        w, b = self.model
        self.test_error = max(abs(w * x + b - (2 * x + 1)) for x in range(20, 25))
        self.next(self.summarize)

    @card
    @step
    def report(self):
        """Describe the chosen model."""
        self.summary = f"lr={self.lr} loss={self.loss:.4f}"
        self.next(self.summarize)

    @step
    def summarize(self, inputs):
        """Bring the evaluation and the report together."""
        self.merge_artifacts(inputs, include=["model", "lr", "loss"])
        self.test_error = inputs.evaluate.test_error
        self.summary = inputs.report.summary
        self.next(self.end)

    @step
    def end(self):
        """Done."""
        print(self.summary, "test error", self.test_error)


if __name__ == "__main__":
    TrainingFlow()
