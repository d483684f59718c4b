"""Build (once) the Python environment a package's lock describes, cached by the lock's hash.

    <functions home>/envs/<lock hash>/          a virtual environment
    <functions home>/envs/<lock hash>/mfstudio-env.json   written last: the env is complete

Installer: ``uv`` when it is installed (next to this interpreter or on PATH), else
``python -m venv`` + pip. The base interpreter must have the lock's ``major.minor``: this
one, or ``pythonX.Y`` on PATH; otherwise PythonVersionMismatchError names both versions.
If the lock cannot be installed as a whole, each requirement is tried alone, pinned and then
unpinned, and every fallback is reported with an EnvironmentBuildWarning.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from .capture import python_version
from .errors import EnvironmentBuildError, EnvironmentBuildWarning, PythonVersionMismatchError
from .package import canonical_json, functions_home, sha256

__all__ = ["ensure_env", "env_key", "find_interpreter"]

log = logging.getLogger("metaflow.functions")
MARKER = "mfstudio-env.json"


def env_key(lock: dict[str, Any]) -> str:
    """The cache key: what determines the environment's contents (not the notes)."""
    return sha256(canonical_json({"python": lock["python"], "requirements": lock["requirements"]}))


def find_interpreter(version: str) -> str:
    """A base interpreter for Python ``version`` ("3.11"), never a virtual env's."""
    if version == python_version():
        return getattr(sys, "_base_executable", None) or sys.executable
    found = shutil.which(f"python{version}")
    if found:
        return found
    raise PythonVersionMismatchError(
        f"this function package was built for Python {version}, but this machine runs "
        f"Python {python_version()} and has no python{version} on PATH; install Python "
        f"{version} or re-bind the function under Python {python_version()}",
        version,
        python_version(),
    )


def ensure_env(lock: dict[str, Any]) -> Path:
    """The environment's python executable, building the environment if needed."""
    interpreter = find_interpreter(str(lock["python"]))  # fails fast, before any lock
    envs = functions_home() / "envs"
    key = env_key(lock)
    env_dir = envs / key[:24]
    python = env_dir / "bin" / "python"
    if (env_dir / MARKER).exists():
        return python
    envs.mkdir(parents=True, exist_ok=True)
    with open(envs / f"{key[:24]}.lock", "w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)  # one build per lock, across processes
        if not (env_dir / MARKER).exists():
            _build(lock, interpreter, env_dir)
    return python


def _build(lock: dict[str, Any], interpreter: str, env_dir: Path) -> None:
    started = time.monotonic()
    tmp = env_dir.with_name(f".{env_dir.name}-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    if env_dir.exists():
        shutil.rmtree(env_dir)  # an earlier build that never finished
    installer = _Installer.choose(interpreter, tmp)
    requirements = [str(r) for r in lock["requirements"]]
    log.warning(
        "building the function's environment (%d packages, %s) in %s; later loads reuse it",
        len(requirements),
        installer.name,
        env_dir,
    )
    try:
        installer.create()
        fallbacks = _install_all(installer, requirements)
        record = {
            "lock": lock,
            "installer": installer.name,
            "interpreter": interpreter,
            "fallbacks": fallbacks,
            "seconds": round(time.monotonic() - started, 1),
        }
        (tmp / MARKER).write_text(json.dumps(record, indent=2))
        os.replace(tmp, env_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _install_all(installer: _Installer, requirements: list[str]) -> list[str]:
    if not requirements:
        return []
    if installer.install(requirements) is None:
        return []
    fallbacks: list[str] = []
    missing = 0
    for req in requirements:
        error = installer.install([req])
        if error is None:
            continue
        name = req.split("==")[0]
        if name != req and installer.install([name]) is None:
            message = f"could not install {req} ({error}); installed {name} unpinned instead"
        else:
            missing += 1
            message = f"could not install {req} ({error}); the function may fail to import it"
        fallbacks.append(message)
        warnings.warn(message, EnvironmentBuildWarning, stacklevel=4)
    if missing == len(requirements):
        raise EnvironmentBuildError(
            "could not install any package of the function's lock; is the package index "
            f"reachable? First error: {fallbacks[0]}"
        )
    return fallbacks


class _Installer:
    """uv or venv + pip, behind the same two steps: create the env, install requirements."""

    def __init__(self, name: str, interpreter: str, env_dir: Path, uv: str | None) -> None:
        self.name = name
        self.interpreter = interpreter
        self.env_dir = env_dir
        self.uv = uv

    @classmethod
    def choose(cls, interpreter: str, env_dir: Path) -> _Installer:
        forced = os.environ.get("MFSTUDIO_FUNCTIONS_INSTALLER", "")
        uv = _find_uv()
        if uv and forced != "pip":
            return cls("uv", interpreter, env_dir, uv)
        return cls("venv+pip", interpreter, env_dir, None)

    @property
    def python(self) -> str:
        return str(self.env_dir / "bin" / "python")

    def create(self) -> None:
        if self.uv:
            cmd = [self.uv, "venv", "--quiet", "--python", self.interpreter, str(self.env_dir)]
        else:
            cmd = [self.interpreter, "-m", "venv", str(self.env_dir)]
        error = _run(cmd)
        if error is not None:
            raise EnvironmentBuildError(f"could not create the environment ({self.name}): {error}")

    def install(self, requirements: list[str]) -> str | None:
        """None on success, else the installer's last error line."""
        if self.uv:
            # Compiled now, so that the first worker start does not pay for it.
            cmd = [self.uv, "pip", "install", "--quiet", "--compile-bytecode"]
            cmd += ["--python", self.python]
            find_links = os.environ.get("PIP_FIND_LINKS", "")
            cmd += [a for d in find_links.split() if Path(d).is_dir() for a in ("--find-links", d)]
        else:
            cmd = [self.python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        return _run([*cmd, *requirements])


def _find_uv() -> str | None:
    beside = Path(sys.executable).parent / "uv"
    if beside.exists():
        return str(beside)
    return shutil.which("uv")


def _run(cmd: list[str]) -> str | None:
    proc = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode == 0:
        return None
    # uv and pip both end with the reason; keep its last lines, without uv's box drawing.
    lines = [ln.strip(" │╰─▶\u00d7\t") for ln in (proc.stderr or proc.stdout).splitlines()]
    lines = [ln for ln in lines if ln]
    return " ".join(lines[-3:]) if lines else f"exit code {proc.returncode}"
