"""The one exception tree of Metaflow Functions.

    FunctionsError                      base: catch this for any functions failure
    ├── FunctionSignatureError          @json_function on a function of the wrong shape (TypeError)
    ├── ArtifactNotFoundError           binding names an artifact the task does not have (KeyError)
    ├── FunctionReferenceError          a string that is not a valid reference (ValueError)
    ├── PackageError                    a package cannot be read or trusted
    │   ├── PackageIntegrityError       a file's sha256 differs from the manifest (tampering)
    │   └── PythonVersionMismatchError  the package needs another Python than is available here
    ├── EnvironmentBuildError           the function's environment could not be built
    ├── WorkerError                     the worker process died or spoke nonsense
    ├── BackendUnavailableError         a backend's optional library is not installed (ImportError)
    └── FunctionCallError               the function raised: carries the remote type and message

Every message says what failed, where (function, artifact, file) and what to do.
"""

from __future__ import annotations

__all__ = [
    "ArtifactNotFoundError",
    "BackendUnavailableError",
    "EnvironmentBuildError",
    "EnvironmentBuildWarning",
    "FunctionCallError",
    "FunctionReferenceError",
    "FunctionSignatureError",
    "FunctionsError",
    "PackageError",
    "PackageIntegrityError",
    "PythonVersionMismatchError",
    "WorkerError",
]


class FunctionsError(Exception):
    """Base class of every Metaflow Functions error."""


class FunctionSignatureError(FunctionsError, TypeError):
    """The decorated function does not have the ``(data, params: FunctionParameters)`` shape."""


class ArtifactNotFoundError(FunctionsError, KeyError):
    """An artifact named at bind time is not in the task."""

    def __init__(self, message: str, name: str) -> None:
        super().__init__(message)
        self.name = name

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


class FunctionReferenceError(FunctionsError, ValueError):
    """A reference string that is not JSON, or not a function reference of a known version."""


class PackageError(FunctionsError):
    """A function package cannot be read, or is not a function package."""


class PackageIntegrityError(PackageError):
    """A package file does not match the sha256 its manifest records."""

    def __init__(self, message: str, path: str, expected: str, found: str) -> None:
        super().__init__(message)
        self.path = path
        self.expected = expected
        self.found = found


class PythonVersionMismatchError(PackageError):
    """The package was built for a Python version that no interpreter here provides."""

    def __init__(self, message: str, package_python: str, local_python: str) -> None:
        super().__init__(message)
        self.package_python = package_python
        self.local_python = local_python


class EnvironmentBuildError(FunctionsError):
    """The environment described by the package's lock could not be created."""


class EnvironmentBuildWarning(UserWarning):
    """Part of the lock could not be installed as pinned; the environment fell back."""


class WorkerError(FunctionsError):
    """The worker process exited or answered outside the protocol."""


class BackendUnavailableError(FunctionsError, ImportError):
    """A backend needs a library that is not installed (e.g. ``ray`` for ``backend="ray"``)."""


class FunctionCallError(FunctionsError):
    """The function raised inside its worker; ``type`` and ``message`` are the remote ones."""

    def __init__(self, function: str, type_name: str, message: str, traceback: str = "") -> None:
        super().__init__(f"function '{function}' raised {type_name}: {message}")
        self.function = function
        self.type = type_name
        self.message = message
        self.remote_traceback = traceback
