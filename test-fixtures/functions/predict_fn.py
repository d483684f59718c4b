"""JSON functions over TrainFlow's model, for the Metaflow Functions tests and demo."""

import os
import time
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


class IrisRecord(TypedDict):
    sepal_length: float
    sepal_width: float
    petal_length: float
    petal_width: float


@json_function(batch=True)
def predict_batch(data: list[IrisRecord], params: FunctionParameters) -> list[Prediction]:
    """predict, for many records in one model call (the server's micro-batches)."""
    rows = [feature_vector(record, params.feature_names) for record in data]
    labels = [int(label) for label in params.model.predict(rows)]
    return [{"prediction": label, "label": str(params.class_names[label])} for label in labels]


@json_function(batch=True)
def batch_sizes(data: list[dict], params: FunctionParameters) -> list[dict]:
    """Tells each record the size of the batch it arrived in (to observe micro-batching)."""
    time.sleep(0.05)  # long enough for concurrent requests to queue behind a batch
    return [{"id": record.get("id"), "batch": len(data)} for record in data]


@json_function
def slow(data: dict, params: FunctionParameters) -> dict:
    time.sleep(float(data.get("seconds", 0)))
    return {"slept": data.get("seconds", 0)}


@json_function
def echo(data: dict, params: FunctionParameters) -> dict:
    """Trivial: for the cold-start bench (no model work)."""
    return data


@json_function
def noisy(data: dict, params: FunctionParameters) -> dict:
    """Prints (which must not corrupt the worker's protocol); raises or exits on request."""
    print("a line on stdout from inside the function")
    if data.get("exit") is not None:  # the worker process dies (a crash in native code)
        os._exit(int(data["exit"]))
    if data.get("fail"):
        raise ValueError(f"asked to fail with code {data['fail']}")
    if data.get("bad_result"):
        return {"not json": {1, 2}}
    return {"ok": True}


@json_function
def burn(data: dict, params: FunctionParameters) -> dict:
    """CPU-bound pure Python work per record (about 1 ms at rounds=20000): the Ray batch bench."""
    acc = 0
    for i in range(int(data.get("rounds", 20000))):
        acc = (acc * 31 + i) % 1_000_003
    return {"id": data.get("id"), "value": acc}
