"""Names this extension adds to ``metaflow``: ``from metaflow import json_function, ...``.

Metaflow copies every public global of this module into its namespace, so it defines only
the API (no ``from __future__`` import, no helpers left behind). Importing the functions
package is guarded: a failure there must never break ``import metaflow`` for every flow, so
the names then raise the original error when used instead.
"""

try:
    from .functions import FunctionParameters, JsonFunction, function_from_json, json_function
except Exception as _error:  # pragma: no cover - only when the extension itself is broken

    class FunctionParameters:  # type: ignore[no-redef]
        why = f"Metaflow Functions could not load ({type(_error).__name__}: {_error})"

        def __init__(self, *_args: object, **_kwargs: object) -> None:
            raise ImportError(self.why)

    class JsonFunction(FunctionParameters):  # type: ignore[no-redef]
        pass

    def json_function(*_args: object, **_kwargs: object) -> None:  # type: ignore[no-redef]
        raise ImportError(FunctionParameters.why)  # type: ignore[attr-defined]

    function_from_json = json_function  # type: ignore[assignment]

__mf_extensions__ = "studio"
