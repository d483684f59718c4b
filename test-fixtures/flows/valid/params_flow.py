from metaflow import Config, FlowSpec, IncludeFile, Parameter, step


class ParamsFlow(FlowSpec):
    alpha = Parameter("alpha", default=0.5, help="Learning rate")
    epochs = Parameter("epochs", type=int, default=3)
    name_ = Parameter("run-name", help="A label", required=True)
    settings = Config("settings", default_value={"a": 1})
    data = IncludeFile("data", help="Input file", is_text=True, default="data.csv")

    @step
    def start(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ParamsFlow()
