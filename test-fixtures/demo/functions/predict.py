"""Serve the TrainingFlow's chosen model as a function ("Deploy as function" above `predict`).

The flow fits ``y = w * x + b`` and keeps the best ``(w, b)`` as the ``model`` artifact; bound
to a task of a TrainingFlow run, ``predict`` answers ``{"y": w * x + b}`` for ``{"x": ...}``.
The TypedDicts give the function its input and output schema (a field-level 422 for a body
without ``x``, and the OpenAPI document's fields).
"""

from typing import TypedDict

from metaflow import FunctionParameters, json_function


class Point(TypedDict):
    x: float


class Prediction(TypedDict):
    y: float


@json_function
def predict(data: Point, params: FunctionParameters) -> Prediction:
    """The fitted line at ``data["x"]``."""
    w, b = params.model
    return {"y": w * data["x"] + b}
