from metaflow import FlowSpec, card, catch, environment, resources, retry, step, timeout


class DecoratorsFlow(FlowSpec):
    @card(type="blank")
    @retry(times=4, minutes_between_retries=0)
    @step
    def start(self):
        self.next(self.heavy)

    @catch(var="failure", print_exception=False)
    @resources(cpu=2, memory=2048, gpu=0)
    @timeout(minutes=5)
    @environment(vars={"MODE": "test", "LEVEL": "3"})
    @step
    def heavy(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    DecoratorsFlow()
