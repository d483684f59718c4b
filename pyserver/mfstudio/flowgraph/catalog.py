"""What Metaflow itself knows about its decorators: names, default attributes, flags.

Metaflow fills every default attribute into ``output-raw``; to match it we read the
defaults from Metaflow's own decorator classes. The metaflow *library* is imported lazily,
once per process, and the answer cached (user code is never imported). If Metaflow cannot
be imported the catalog is empty and decorators keep only the attributes written.

The same catalog serves the language server's completion and hover: the registry includes
every installed Metaflow extension's decorators, so the editor offers exactly what the
user's Metaflow accepts.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import sys
import threading
import warnings
from dataclasses import dataclass
from typing import Any, Literal

from .model import JSONValue

__all__ = ["DecoratorCatalog", "DecoratorInfo", "DecoratorKind", "catalog", "to_pod"]

logger = logging.getLogger(__name__)

DecoratorKind = Literal["step", "flow"]


@dataclass(frozen=True, slots=True)
class DecoratorInfo:
    """One Metaflow decorator class, as far as static analysis needs it."""

    name: str
    kind: DecoratorKind
    defaults: dict[str, JSONValue]
    allow_multiple: bool
    is_parallel: bool
    doc: str

    @property
    def internal(self) -> bool:
        """Decorators Metaflow attaches itself when deploying (``argo_workflows_internal``)."""
        return self.name.endswith("_internal")


@dataclass(frozen=True, slots=True)
class DecoratorCatalog:
    step: dict[str, DecoratorInfo]
    flow: dict[str, DecoratorInfo]
    max_attempts: int

    def decorators(self, kind: DecoratorKind) -> list[DecoratorInfo]:
        """The decorators a user may write above a step or a flow class."""
        table = self.step if kind == "step" else self.flow
        return [info for info in table.values() if not info.internal]

    def find(self, name: str) -> DecoratorInfo | None:
        return self.step.get(name) or self.flow.get(name)


def to_pod(value: Any) -> JSONValue:
    """Metaflow's ``util.to_pod``: what ``output-raw`` prints for an attribute value."""
    if isinstance(value, (str, int, float)):
        return value
    if isinstance(value, dict):
        return {to_pod(k): to_pod(v) for k, v in value.items()}
    if isinstance(value, (list, set, tuple)):
        return [to_pod(v) for v in value]
    if callable(value):
        return getattr(value, "__qualname__", str(value))
    return str(value)


_lock = threading.Lock()
_cached: DecoratorCatalog | None = None


def _info(cls: Any, kind: DecoratorKind) -> DecoratorInfo:
    defaults = dict(getattr(cls, "defaults", {}) or {})
    return DecoratorInfo(
        name=str(cls.name),
        kind=kind,
        defaults=defaults,
        allow_multiple=bool(getattr(cls, "allow_multiple", False)),
        is_parallel=bool(getattr(cls, "IS_PARALLEL", False)),
        doc=inspect.cleandoc(cls.__doc__ or ""),
    )


def _load() -> DecoratorCatalog:
    try:
        # Metaflow or an extension may print while importing; in the language server
        # stdout is the JSON-RPC channel. Deprecation warnings raised inside the import (e.g.
        # PyYAML's `_yaml` shim, reached by Metaflow's vendored yaml) are the libraries'
        # business: under `-W error` they would otherwise cost the user every default.
        with contextlib.redirect_stdout(sys.stderr), warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from metaflow import metaflow_config
            from metaflow.plugins import FLOW_DECORATORS, STEP_DECORATORS
    except Exception:  # Metaflow missing or broken: analyse without defaults
        logger.exception("Could not load Metaflow's decorators: no defaults, no completion")
        return DecoratorCatalog({}, {}, 6)
    step = {str(c.name): _info(c, "step") for c in STEP_DECORATORS}
    flow = {str(c.name): _info(c, "flow") for c in FLOW_DECORATORS}
    return DecoratorCatalog(step, flow, int(getattr(metaflow_config, "MAX_ATTEMPTS", 6)))


def catalog() -> DecoratorCatalog:
    """The decorator catalog; the first call imports metaflow (about 0.5 s), later ones are free."""
    global _cached
    if _cached is None:
        with _lock:
            if _cached is None:
                _cached = _load()
    return _cached
