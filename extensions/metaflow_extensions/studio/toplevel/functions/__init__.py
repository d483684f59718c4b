"""Metaflow Functions: relocatable compute bound to a task's artifacts (issue 6).

Public API, also exposed as ``from metaflow import ...`` through the toplevel extension:
``json_function``, ``FunctionParameters``, ``JsonFunction``, ``function_from_json``; here
also ``register_serializer`` (formats for the HTTP server) and the error classes.
Every module here imports only the standard library at import time, because this package
loads with ``import metaflow`` and an import error would break every flow.
"""

from __future__ import annotations

from .bind import JsonFunction
from .decorator import JsonFunctionSpec, json_function
from .errors import (
    ArtifactNotFoundError,
    BackendUnavailableError,
    EnvironmentBuildError,
    EnvironmentBuildWarning,
    FunctionCallError,
    FunctionReferenceError,
    FunctionsError,
    FunctionSignatureError,
    PackageError,
    PackageIntegrityError,
    PythonVersionMismatchError,
    WorkerError,
)
from .loader import function_from_json
from .local_backend import LocalFunction
from .parameters import FunctionParameters
from .ray_backend import RayFunction
from .serialization import register_serializer

__all__ = [
    "ArtifactNotFoundError",
    "BackendUnavailableError",
    "EnvironmentBuildError",
    "EnvironmentBuildWarning",
    "FunctionCallError",
    "FunctionParameters",
    "FunctionReferenceError",
    "FunctionSignatureError",
    "FunctionsError",
    "JsonFunction",
    "JsonFunctionSpec",
    "LocalFunction",
    "PackageError",
    "PackageIntegrityError",
    "PythonVersionMismatchError",
    "RayFunction",
    "WorkerError",
    "function_from_json",
    "json_function",
    "register_serializer",
]
