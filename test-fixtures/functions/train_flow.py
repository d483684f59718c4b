"""Trains a small scikit-learn classifier on the iris data that scikit-learn ships.

The Metaflow Functions tests bind predict_fn.predict to the ``train`` task of a real run.
"""

from metaflow import FlowSpec, step


class TrainFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.train)

    @step
    def train(self):
        from sklearn.datasets import load_iris
        from sklearn.linear_model import LogisticRegression

        iris = load_iris()
        self.feature_names = [n.replace(" (cm)", "").replace(" ", "_") for n in iris.feature_names]
        self.class_names = list(iris.target_names)
        self.model = LogisticRegression(max_iter=500).fit(iris.data, iris.target)
        self.accuracy = float(self.model.score(iris.data, iris.target))
        self.sample_rows = iris.data[::10].tolist()
        self.next(self.end)

    @step
    def end(self):
        print("accuracy", self.accuracy)


if __name__ == "__main__":
    TrainFlow()
