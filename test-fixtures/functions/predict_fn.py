"""JSON functions over TrainFlow's model, for the Metaflow Functions tests and demo."""

from typing import TypedDict

from iris_features import feature_vector
from metaflow import FunctionParameters, json_function


class Prediction(TypedDict):
    prediction: int
    label: str


@json_function
def predict(data: dict, params: FunctionParameters) -> Prediction:
    features = feature_vector(data, params.feature_names)
    label = int(params.model.predict([features])[0])
    return {"prediction": label, "label": str(params.class_names[label])}


@json_function
def echo(data: dict, params: FunctionParameters) -> dict:
    """Trivial: for the cold-start bench (no model work)."""
    return data


@json_function
def noisy(data: dict, params: FunctionParameters) -> dict:
    """Prints (which must not corrupt the worker's protocol) and raises on request."""
    print("a line on stdout from inside the function")
    if data.get("fail"):
        raise ValueError(f"asked to fail with code {data['fail']}")
    if data.get("bad_result"):
        return {"not json": {1, 2}}
    return {"ok": True}
