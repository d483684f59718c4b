"""``@json_function``: checks a function's shape and derives its input and output schema.

A JSON function has exactly two positional parameters, ``(data, params: FunctionParameters)``:
``data`` is one JSON record, ``params`` the artifacts bound to it. The hints on ``data`` and
on the return value become JSON Schemas (a missing hint means "any JSON").

``@json_function(batch=True)`` declares a function that takes a LIST of records and returns
a list of results, one per record, in order (``data: list[T]`` -> ``list[R]``). Its schemas
describe ONE record and ONE result (``T`` and ``R``): callers still send single records, and
backends group them (the FastAPI server's micro-batching) so a model predicts many at once.
"""

from __future__ import annotations

import collections.abc
import functools
import inspect
import sys
import typing
from collections.abc import Callable
from typing import Any

from .errors import FunctionSignatureError
from .parameters import FunctionParameters
from .schema import JsonSchema, UnsupportedTypeError, schema_for

__all__ = ["JsonFunctionSpec", "json_function"]

UserFunction = Callable[[Any, FunctionParameters], Any]


class JsonFunctionSpec:
    """A checked JSON function: still callable as ``spec(data, params)``."""

    def __init__(self, fn: UserFunction, batch: bool = False) -> None:
        if not callable(fn) or not inspect.isfunction(inspect.unwrap(fn)):
            raise FunctionSignatureError(
                f"@json_function applies to a plain function, not {type(fn).__name__}"
            )
        self.fn = fn
        self.name: str = fn.__name__
        self.module: str = fn.__module__
        self.qualname: str = fn.__qualname__
        self.batch = batch
        hints = _check_signature(fn, self.qualname)
        if batch:
            hints = _element_hints(hints, self.qualname)
        self.input_schema: JsonSchema = _schema(hints, "data", self.qualname)
        self.output_schema: JsonSchema = _schema(hints, "return", self.qualname)
        functools.update_wrapper(self, fn)

    def __call__(self, data: Any, params: FunctionParameters) -> Any:
        return self.fn(data, params)

    def call_one(self, record: Any, params: FunctionParameters) -> Any:
        """The result for one record, whether the function takes records or batches."""
        if self.batch:
            return self.call_many([record], params)[0]
        return self.fn(record, params)

    def call_many(self, records: list[Any], params: FunctionParameters) -> list[Any]:
        """Results for ``records`` in order: one call for a batch function, else one each."""
        if not self.batch:
            return [self.fn(r, params) for r in records]
        results = self.fn(records, params)
        if not isinstance(results, list) or len(results) != len(records):
            got = f"{len(results)} results" if isinstance(results, list) else type(results).__name__
            raise TypeError(
                f"batch function '{self.qualname}' must return a list with one result per "
                f"record: got {got} for {len(records)} records"
            )
        return results

    def __repr__(self) -> str:
        return f"<json_function {self.module}.{self.qualname}>"


@typing.overload
def json_function(fn: UserFunction, *, batch: bool = False) -> JsonFunctionSpec: ...


@typing.overload
def json_function(
    fn: None = None, *, batch: bool = False
) -> Callable[[UserFunction], JsonFunctionSpec]: ...


def json_function(
    fn: UserFunction | None = None, *, batch: bool = False
) -> JsonFunctionSpec | Callable[[UserFunction], JsonFunctionSpec]:
    """Mark ``fn(data, params: FunctionParameters)`` as a JSON function (checked now).

    ``@json_function`` or ``@json_function(batch=True)`` (the function takes a list of
    records and returns a list of results).
    """
    if fn is None:
        return lambda f: json_function(f, batch=batch)
    if isinstance(fn, JsonFunctionSpec):
        return fn
    return JsonFunctionSpec(fn, batch=batch)


def _check_signature(fn: UserFunction, where: str) -> dict[str, Any]:
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    expected = "expected (data, params: FunctionParameters)"
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if len(params) != 2 or any(p.kind not in positional for p in params):
        found = f"({', '.join(str(p) for p in params)})"
        raise FunctionSignatureError(
            f"@json_function '{where}': {expected}, found {found}: a JSON function takes one "
            "record and the bound artifacts"
        )
    hints = _resolve_hints(fn, where)
    data_name, params_name = params[0].name, params[1].name
    params_hint = hints.get(params_name, params[1].annotation)
    if params_hint is not FunctionParameters and not _names_function_parameters(params_hint):
        shown = "no annotation" if params_hint is inspect.Parameter.empty else repr(params_hint)
        raise FunctionSignatureError(
            f"@json_function '{where}': parameter '{params_name}' must be annotated "
            f"FunctionParameters ({expected}), found {shown}"
        )
    # Re-key by role so schema errors can name the user's parameter name.
    out: dict[str, Any] = {}
    if data_name in hints:
        out["data"] = hints[data_name]
    if "return" in hints:
        out["return"] = hints["return"]
    out["_data_name"] = data_name
    return out


def _element_hints(hints: dict[str, Any], where: str) -> dict[str, Any]:
    """A batch function's hints, unwrapped to one record (``list[T]`` -> ``T``)."""
    out = dict(hints)
    for role in ("data", "return"):
        if role not in hints:
            continue
        hint = hints[role]
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if hint is list:
            out[role] = Any
        elif origin in (list, typing.Sequence, collections.abc.Sequence) and args:
            out[role] = args[0]
        else:
            what = "the return value" if role == "return" else f"parameter '{hints['_data_name']}'"
            raise FunctionSignatureError(
                f"@json_function(batch=True) '{where}': {what} must be a list (list[...]): a "
                f"batch function takes a list of records and returns one result per record, "
                f"found {hint!r}"
            )
    return out


def _resolve_hints(fn: UserFunction, where: str) -> dict[str, Any]:
    module = sys.modules.get(fn.__module__)
    try:
        return typing.get_type_hints(fn, globalns=getattr(module, "__dict__", None))
    except Exception as exc:  # a NameError in a string annotation, usually
        raise FunctionSignatureError(
            f"@json_function '{where}': cannot resolve its type hints ({exc}); import the "
            "types it names at module level"
        ) from exc


def _names_function_parameters(hint: Any) -> bool:
    # A string annotation that could not be evaluated to our class (e.g. a re-export).
    return isinstance(hint, str) and hint.rsplit(".", 1)[-1] == "FunctionParameters"


def _schema(hints: dict[str, Any], role: str, where: str) -> JsonSchema:
    if role not in hints:
        return {}
    try:
        return schema_for(hints[role])
    except UnsupportedTypeError as exc:
        what = "the return value" if role == "return" else f"parameter '{hints['_data_name']}'"
        raise FunctionSignatureError(
            f"@json_function '{where}': type hint of {what}: {exc}"
        ) from None
