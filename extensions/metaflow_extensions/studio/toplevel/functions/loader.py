"""``function_from_json(reference, backend="local")``: verify, prepare and start a function."""

from __future__ import annotations

from typing import Any

from .envbuild import ensure_env
from .local_backend import LocalFunction
from .package import read_info, unpack_verified
from .reference import FunctionReference
from .storage import store_for_url

__all__ = ["BACKENDS", "function_from_json"]

BACKENDS = ("local",)  # "ray" and "fastapi" plug in here in later increments


def function_from_json(reference: str, backend: str = "local", **options: Any) -> LocalFunction:
    """Load the function a reference names, in an isolated process of its own environment.

    Checks, in order: the reference, every file's hash, the Python version, then builds (or
    reuses) the environment and starts the worker.
    """
    if backend not in BACKENDS:
        raise ValueError(
            f"backend {backend!r} is not available yet; available: {', '.join(BACKENDS)}"
        )
    if options:
        raise TypeError(f"the local backend takes no options, got: {', '.join(sorted(options))}")
    ref = FunctionReference.parse(reference)
    package_dir = unpack_verified(store_for_url(ref.url), ref.sha256)
    info, lock = read_info(package_dir)
    python = ensure_env(lock)
    return LocalFunction(package_dir, python, info)
