"""``function_from_json(reference, backend=...)``: verify, prepare and start a function.

Backends: ``local`` (a ``LocalFunction``: a worker process in the package's environment)
``fastapi`` (a ``FunctionServer`` serving it over HTTP from this process) and ``ray``
(a ``RayFunction``: Ray actors, each hosting a worker process of the package's environment).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from .envbuild import ensure_env
from .local_backend import LocalFunction
from .package import FunctionInfo, read_info, unpack_verified
from .reference import FunctionReference
from .storage import store_for_url

if TYPE_CHECKING:
    from .fastapi_backend import FunctionServer
    from .ray_backend import RayFunction

__all__ = ["BACKENDS", "function_from_json", "load_package"]

BACKENDS = ("local", "fastapi", "ray")


@overload
def function_from_json(
    reference: str, backend: Literal["local"] = "local", **options: Any
) -> LocalFunction: ...


@overload
def function_from_json(
    reference: str, backend: Literal["fastapi"], **options: Any
) -> FunctionServer: ...


@overload
def function_from_json(reference: str, backend: Literal["ray"], **options: Any) -> RayFunction: ...


def function_from_json(
    reference: str, backend: str = "local", **options: Any
) -> LocalFunction | FunctionServer | RayFunction:
    """Load the function a reference names, to run in an isolated process of its own
    environment (``local``), to serve it over HTTP (``fastapi``, options: see
    ``fastapi_backend.ServeOptions``) or to run batches on Ray actors (``ray``, options: see
    ``ray_backend.RayOptions``).

    Checks, in order: the reference, every file's hash, the Python version, then builds (or
    reuses) the environment; ``local`` and ``ray`` start their workers now, ``fastapi`` when
    it serves.
    """
    if backend not in BACKENDS:
        raise ValueError(
            f"backend {backend!r} is not available yet; available: {', '.join(BACKENDS)}"
        )
    if backend == "local" and options:
        raise TypeError(f"the local backend takes no options, got: {', '.join(sorted(options))}")
    if backend == "fastapi":
        from .fastapi_backend import ServeOptions

        serve_options = ServeOptions.from_kwargs(options)  # bad options fail before any work
    if backend == "ray":
        from .ray_backend import RayFunction, RayOptions

        ray_options = RayOptions.from_kwargs(options)  # also: is Ray installed?
    package_dir, python, info = load_package(reference)
    if backend == "ray":
        return RayFunction(reference, info, ray_options)
    if backend == "fastapi":
        from .fastapi_backend import FunctionServer

        return FunctionServer(package_dir, python, info, serve_options)
    return LocalFunction(package_dir, python, info)


def load_package(reference: str) -> tuple[Path, Path, FunctionInfo]:
    """Verify the package a reference names and build (or reuse) its environment: returns
    the package's private verified copy, the environment's python and the function's info.
    Every backend starts here (Ray actors too, on their own node)."""
    ref = FunctionReference.parse(reference)
    package_dir = unpack_verified(store_for_url(ref.url), ref.sha256)
    info, lock = read_info(package_dir)
    return package_dir, ensure_env(lock), info
