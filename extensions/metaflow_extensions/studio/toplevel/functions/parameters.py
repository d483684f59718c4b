"""FunctionParameters: lazy, read-only access to the artifacts bound to a function.

The same class serves the binding process (artifacts read through Metaflow's client from
the task) and the worker (artifacts read from the package's blobs): both are an
``ArtifactSource``. An artifact is loaded on first access and kept for later calls.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Iterator
from typing import Any, Protocol

__all__ = ["ArtifactSource", "FunctionParameters"]


class ArtifactSource(Protocol):
    """Where bound artifacts come from: a task (bind time) or a package (in the worker)."""

    def load(self, name: str) -> Any:
        """The unpickled value of artifact ``name`` (only called for bound names)."""
        ...


class FunctionParameters:
    """The bound task's artifacts, as attributes (``params.model``) or items (``params["model"]``).

    Read-only: assigning or deleting an attribute raises. Artifacts load lazily, once.
    """

    __slots__ = ("_function", "_lock", "_names", "_source", "_values")

    def __init__(self, source: ArtifactSource, names: list[str], function: str = "") -> None:
        object.__setattr__(self, "_source", source)
        object.__setattr__(self, "_names", tuple(names))
        object.__setattr__(self, "_function", function)
        object.__setattr__(self, "_values", {})
        object.__setattr__(self, "_lock", threading.Lock())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(str(exc.args[0])) from None

    def __getitem__(self, name: str) -> Any:
        values: dict[str, Any] = self._values
        if name in values:
            return values[name]
        if name not in self._names:
            raise KeyError(self._not_bound(name))
        with self._lock:
            if name not in values:
                values[name] = self._source.load(name)
        return values[name]

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"FunctionParameters are read-only: cannot set '{name}'")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"FunctionParameters are read-only: cannot delete '{name}'")

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __dir__(self) -> list[str]:
        return sorted(self._names)

    def __repr__(self) -> str:
        return f"FunctionParameters({', '.join(self._names)})"

    def _not_bound(self, name: str) -> str:
        owner = f" to function '{self._function}'" if self._function else ""
        near = difflib.get_close_matches(name, self._names, n=1)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        bound = ", ".join(self._names) or "none"
        return f"artifact '{name}' is not bound{owner} (bound: {bound}){hint}"
