from metaflow import FlowSpec, project, schedule, step


@project(name="studio_demo")
@schedule(hourly=True)
class FlowDecoratorsFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    FlowDecoratorsFlow()
