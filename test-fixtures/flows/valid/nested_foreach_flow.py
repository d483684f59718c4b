from metaflow import FlowSpec, step


class NestedForeachFlow(FlowSpec):
    @step
    def start(self):
        self.rows = [1, 2]
        self.next(self.row, foreach="rows")

    @step
    def row(self):
        self.cols = [1, 2, 3]
        self.next(self.cell, foreach="cols")

    @step
    def cell(self):
        self.next(self.join_cols)

    @step
    def join_cols(self, inputs):
        self.next(self.join_rows)

    @step
    def join_rows(self, inputs):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    NestedForeachFlow()
