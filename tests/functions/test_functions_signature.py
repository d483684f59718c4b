"""@json_function: signature checks, schemas from type hints, FunctionParameters access."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from typing import Any, Literal, Optional, TypedDict

import pydantic
import pytest
from metaflow import FunctionParameters, JsonFunction, function_from_json, json_function
from metaflow_extensions.studio.toplevel import functions
from metaflow_extensions.studio.toplevel.functions import FunctionSignatureError
from metaflow_extensions.studio.toplevel.functions.schema import schema_for


def test_functions_api_is_exposed_through_metaflow() -> None:
    assert json_function is functions.json_function
    assert FunctionParameters is functions.FunctionParameters
    assert JsonFunction is functions.JsonFunction
    assert function_from_json is functions.function_from_json


def test_functions_package_exports_are_complete() -> None:
    public = {n for n in dir(functions) if not n.startswith("_")} - {"annotations"}
    modules = {n for n in public if type(getattr(functions, n)).__name__ == "module"}
    assert public - modules == set(functions.__all__)


class Item(TypedDict):
    sku: str
    qty: int


class Quote(pydantic.BaseModel):
    price: float
    currency: str = "EUR"


def test_functions_schema_from_typeddict_and_pydantic() -> None:
    @json_function
    def price(data: Item, params: FunctionParameters) -> Quote:
        return Quote(price=1.0)

    assert price.input_schema == {
        "title": "Item",
        "type": "object",
        "properties": {"sku": {"type": "string"}, "qty": {"type": "integer"}},
        "required": ["qty", "sku"],
    }
    assert price.output_schema["properties"]["price"] == {"title": "Price", "type": "number"}
    assert price.output_schema["required"] == ["price"]


def test_functions_schema_of_plain_types() -> None:
    @dataclasses.dataclass
    class Point:
        x: float
        label: str = ""

    assert schema_for(dict[str, list[int]]) == {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "integer"}},
    }
    assert schema_for(Optional[str]) == {"anyOf": [{"type": "string"}, {"type": "null"}]}  # noqa: UP045
    assert schema_for(Literal["a", "b"]) == {"enum": ["a", "b"]}
    assert schema_for(Any) == {}
    assert schema_for(Point)["required"] == ["x"]


def test_functions_missing_hints_mean_any_json() -> None:
    @json_function
    def anything(data, params: FunctionParameters):  # type: ignore[no-untyped-def]
        return data

    assert anything.input_schema == {} and anything.output_schema == {}
    assert anything({"a": 1}, None) == {"a": 1}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("source", "needle"),
    [
        ("def f(data): ...", "found (data)"),
        ("def f(data, params, extra): ...", "found (data, params, extra)"),
        ("def f(data, *, params: FunctionParameters): ...", "expected (data, params"),
        ("def f(data, params): ...", "parameter 'params' must be annotated FunctionParameters"),
        ("def f(data, params: dict): ...", "found <class 'dict'>"),
    ],
)
def test_functions_signature_errors_name_function_and_parameter(source: str, needle: str) -> None:
    scope: dict[str, Any] = {"FunctionParameters": FunctionParameters}
    exec(source, scope)
    with pytest.raises(FunctionSignatureError) as info:
        json_function(scope["f"])
    assert "'f'" in str(info.value)
    assert needle in str(info.value)
    assert isinstance(info.value, TypeError)


def test_functions_unsupported_hint_names_the_parameter() -> None:
    def f(record: set[int], params: FunctionParameters) -> dict[str, Any]:
        return {}

    with pytest.raises(FunctionSignatureError, match=r"'.*f': type hint of parameter 'record'"):
        json_function(f)

    def g(data: dict[str, Any], params: FunctionParameters) -> bytes:
        return b""

    with pytest.raises(FunctionSignatureError, match="type hint of the return value: bytes"):
        json_function(g)


def test_functions_decorator_rejects_non_functions() -> None:
    with pytest.raises(FunctionSignatureError, match="plain function"):
        json_function(len)  # type: ignore[arg-type]  (not print: importing Ray wraps it)


class _CountingSource:
    def __init__(self) -> None:
        self.loads: list[str] = []

    def load(self, name: str) -> Any:
        self.loads.append(name)
        return {"model": [1, 2], "threshold": 0.5}[name]


def test_functions_parameters_are_lazy_and_read_only() -> None:
    source = _CountingSource()
    params = FunctionParameters(source, ["model", "threshold"], "predict")
    assert source.loads == []  # nothing loaded until used
    assert params.threshold == 0.5 and params["threshold"] == 0.5
    assert source.loads == ["threshold"]  # loaded once
    assert "model" in params and sorted(params) == ["model", "threshold"]
    with pytest.raises(AttributeError, match="read-only"):
        params.threshold = 1  # type: ignore[misc]
    with pytest.raises(AttributeError, match="'modle' is not bound to function 'predict'"):
        _ = params.modle
    with pytest.raises(KeyError, match="did you mean 'model'"):
        _ = params["modle"]


def test_functions_broken_extension_never_breaks_import_metaflow() -> None:
    """If the functions package cannot import, `import metaflow` still works and the API
    names raise that error when used."""
    script = (
        "import sys\n"
        "sys.modules['metaflow_extensions.studio.toplevel.functions'] = None\n"
        "import metaflow\n"
        "assert not hasattr(metaflow, '_error')\n"
        "try:\n"
        "    metaflow.json_function(lambda data, params: data)\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Metaflow Functions could not load (ModuleNotFoundError" in proc.stdout


class _Row(TypedDict):
    x: float


def test_functions_batch_function_schemas_describe_one_record() -> None:
    @json_function(batch=True)
    def double(data: list[_Row], params: FunctionParameters) -> list[float]:
        return [2 * r["x"] for r in data]

    assert double.batch
    assert double.input_schema["properties"] == {"x": {"type": "number"}}
    assert double.output_schema == {"type": "number"}
    assert double.call_one({"x": 2.0}, None) == 4.0  # type: ignore[arg-type]
    assert double.call_many([{"x": 1.0}, {"x": 3.0}], None) == [2.0, 6.0]  # type: ignore[arg-type]

    @json_function(batch=True)
    def short(data: list[dict], params: FunctionParameters) -> list[dict]:
        return data[:1]

    with pytest.raises(TypeError, match="one result per record: got 1 results for 2 records"):
        short.call_many([{}, {}], None)  # type: ignore[arg-type]


def test_functions_batch_function_must_take_and_return_lists() -> None:
    with pytest.raises(
        FunctionSignatureError, match=r"batch=True\) .*parameter 'rows' must be a list"
    ):

        @json_function(batch=True)
        def f(rows: dict, params: FunctionParameters) -> list[dict]:
            return [rows]

    with pytest.raises(FunctionSignatureError, match="the return value must be a list"):

        @json_function(batch=True)
        def g(rows: list[dict], params: FunctionParameters) -> dict:
            return {}
