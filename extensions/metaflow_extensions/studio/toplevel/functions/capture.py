"""What binding captures: the function's code, and the lock of the environment it needs.

Code: the function's module and every local module it imports (transitively): a module is
local when its file lies under the function's source root and outside site-packages and the
standard library. Nothing is executed: imports are read from the source with ``ast``.

Lock: the Python version and pinned requirements. When the bound step declared @pypi/@conda
(read from the run's ``_graph_info``), its packages are the lock. Otherwise the lock holds the
distributions that provide (a) the third-party modules the code imports and (b) the modules
named inside the bound artifacts' pickles (read with ``pickletools``, without unpickling),
closed over their requirements and pinned to the versions installed here.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata as md
import importlib.util
import pickletools
import platform
import re
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = [
    "CapturedCode",
    "Lock",
    "capture_code",
    "lock_from_decorators",
    "lock_from_modules",
    "pickle_modules",
]

# The runtime itself (this extension) reaches the worker on its path, never through the lock.
RUNTIME_MODULES = frozenset({"metaflow_extensions"})
RUNTIME_DISTRIBUTIONS = frozenset({"metaflow-studio"})


@dataclass(frozen=True)
class CapturedCode:
    """The function's module name and the local source files, keyed by path under the root."""

    module: str
    files: dict[str, bytes]
    third_party: frozenset[str]  # top-level names of the non-local modules it imports


@dataclass
class Lock:
    """An environment: a Python version and pinned requirements (``name==version``)."""

    python: str  # "3.11"
    requirements: list[str]
    source: str  # "imports" | "pypi" | "conda"
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "python": self.python,
            "requirements": sorted(self.requirements, key=str.lower),
            "source": self.source,
            "notes": self.notes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Lock:
        return cls(
            python=str(data["python"]),
            requirements=[str(r) for r in data["requirements"]],
            source=str(data.get("source", "imports")),
            notes=[str(n) for n in data.get("notes", [])],
        )


def python_version() -> str:
    """This interpreter's ``major.minor``: what a lock pins."""
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


# ---------------------------------------------------------------- code


def capture_code(module: ModuleType) -> CapturedCode:
    """The module's file and the local modules it imports, relative to its source root."""
    path = _module_file(module)
    name = module.__name__
    if name == "__main__":  # a script: the worker imports it under its file name
        name = path.stem
    root = _source_root(path, name)
    files: dict[str, bytes] = {}
    third_party: set[str] = set()
    pending = [path]
    while pending:
        current = pending.pop()
        rel = current.relative_to(root).as_posix()
        if rel in files:
            continue
        files[rel] = current.read_bytes()
        _add_package_inits(current, root, files)
        for imported, maybe_module in _imports(current, root):
            found = _local_file(imported, root)
            if found is not None:
                pending.append(found)
            elif not maybe_module:
                top = imported.split(".")[0]
                if top and not _is_stdlib(top):
                    third_party.add(top)
    return CapturedCode(module=name, files=files, third_party=frozenset(third_party))


def _module_file(module: ModuleType) -> Path:
    file = getattr(module, "__file__", None)
    if not file or not file.endswith(".py"):
        raise ValueError(
            f"module '{module.__name__}' has no Python source file to package; define the "
            "function in a .py file (not a notebook cell or the REPL)"
        )
    return Path(file).resolve()


def _source_root(path: Path, module_name: str) -> Path:
    depth = module_name.count(".") + (1 if path.name == "__init__.py" else 0)
    return path.parents[depth]


def _add_package_inits(path: Path, root: Path, files: dict[str, bytes]) -> None:
    parent = path.parent
    while parent != root and root in parent.parents:
        init = parent / "__init__.py"
        if init.exists():
            files.setdefault(init.relative_to(root).as_posix(), init.read_bytes())
        parent = parent.parent


def _imports(path: Path, root: Path) -> set[tuple[str, bool]]:
    """Imported module names; True marks ``pkg.name`` from ``from pkg import name``, which
    is a module only sometimes (and never a distribution of its own)."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    package = ".".join(path.relative_to(root).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    names: set[tuple[str, bool]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update((alias.name, False) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                keep = len(parts) - (node.level - 1)
                base = ".".join([*parts[: max(keep, 0)], *([base] if base else [])])
            names.add((base, False))
            names.update((f"{base}.{alias.name}", True) for alias in node.names if base)
    return {(n, maybe) for n, maybe in names if n}


def _local_file(module_name: str, root: Path) -> Path | None:
    module = sys.modules.get(module_name)
    file = getattr(module, "__file__", None) if module else None
    if file is None:
        try:
            spec = importlib.util.find_spec(module_name)
        except (ImportError, ValueError, AttributeError):
            return None
        file = spec.origin if spec else None
    if not file or not file.endswith(".py"):
        return None
    resolved = Path(file).resolve()
    if root not in resolved.parents or _in_installation(resolved):
        return None
    return resolved


@functools.cache
def _installation_dirs() -> tuple[Path, ...]:
    keys = ("stdlib", "platstdlib", "purelib", "platlib")
    return tuple({Path(p).resolve() for p in (sysconfig.get_paths().get(k) for k in keys) if p})


def _in_installation(path: Path) -> bool:
    return "site-packages" in path.parts or any(d in path.parents for d in _installation_dirs())


def _is_stdlib(top: str) -> bool:
    return top in sys.stdlib_module_names or top in sys.builtin_module_names


# ---------------------------------------------------------------- artifacts


def pickle_modules(blob: bytes) -> set[str]:
    """Modules a pickle refers to (the classes and functions it would import), not unpickled."""
    modules: set[str] = set()
    memo: dict[int, str] = {}
    strings: list[str] = []
    try:
        for opcode, arg, _pos in pickletools.genops(blob):
            name = opcode.name
            if name in ("GLOBAL", "INST") and isinstance(arg, str):
                modules.add(arg.split(" ", 1)[0])
            elif isinstance(arg, str) and "UNICODE" in name:
                strings.append(arg)
            elif name == "MEMOIZE" and strings:
                memo[len(memo)] = strings[-1]
            elif name in ("BINPUT", "LONG_BINPUT", "PUT") and strings and isinstance(arg, int):
                memo[arg] = strings[-1]
            elif name in ("BINGET", "LONG_BINGET", "GET") and isinstance(arg, int):
                if arg in memo:
                    strings.append(memo[arg])
            elif name == "STACK_GLOBAL" and len(strings) >= 2:
                modules.add(strings[-2])
    except Exception:  # a truncated or non-pickle blob: keep what was found
        pass
    return modules


# ---------------------------------------------------------------- locks


def lock_from_modules(top_level_modules: set[str]) -> Lock:
    """Pinned distributions providing these modules, closed over their requirements."""
    notes: list[str] = []
    roots: set[str] = set()
    mapping = md.packages_distributions()
    for top in sorted(top_level_modules):
        if _is_stdlib(top) or top in RUNTIME_MODULES:
            continue
        dists = mapping.get(top)
        if not dists:
            notes.append(f"module '{top}' comes from no installed distribution; not locked")
            continue
        roots.update(_canonical(d) for d in dists)
    pinned = _closure(roots - RUNTIME_DISTRIBUTIONS, notes)
    return Lock(python=python_version(), requirements=pinned, source="imports", notes=notes)


def lock_from_decorators(graph_info: dict[str, Any], step: str) -> Lock | None:
    """The lock declared by @pypi/@conda (or their flow-level _base forms), if any."""
    step_decos = graph_info.get("steps", {}).get(step, {}).get("decorators", [])
    flow_decos = graph_info.get("decorators", [])
    for kind in ("pypi", "conda"):
        packages: dict[str, str] = {}
        python: str | None = None
        found = False
        for deco in [*flow_decos, *step_decos]:  # the step's own decorator wins
            if deco.get("name") in (kind, f"{kind}_base"):
                found = True
                attrs = deco.get("attributes", {}) or {}
                packages.update({str(k): str(v) for k, v in (attrs.get("packages") or {}).items()})
                if kind == "conda":
                    packages.update(
                        {str(k): str(v) for k, v in (attrs.get("libraries") or {}).items()}
                    )
                python = str(attrs["python"]) if attrs.get("python") else python
        if found:
            reqs = [_requirement(n, v) for n, v in packages.items()]
            notes = [f"packages from the step's @{kind}"]
            if kind == "conda":
                notes.append("conda packages are installed from PyPI under the same names")
            # The function's code imports metaflow; the environment needs the version bound here.
            reqs.append(f"metaflow=={md.version('metaflow')}")
            version = ".".join((python or python_version()).split(".")[:2])
            return Lock(python=version, requirements=reqs, source=kind, notes=notes)
    return None


def _requirement(name: str, version: str) -> str:
    version = version.strip()
    if not version:
        return name
    return f"{name}{version}" if version[0] in "<>=!~" else f"{name}=={version}"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _closure(roots: set[str], notes: list[str]) -> list[str]:
    from metaflow._vendor.packaging.requirements import Requirement

    seen: dict[str, str] = {}
    stack = sorted(roots)
    while stack:
        name = stack.pop()
        if name in seen or name in RUNTIME_DISTRIBUTIONS:
            continue
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            notes.append(f"requirement '{name}' is not installed here; not locked")
            continue
        seen[name] = dist.version
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is not None and not req.marker.evaluate({"extra": ""}):
                continue
            stack.append(_canonical(req.name))
    return [f"{n}=={v}" for n, v in sorted(seen.items())]


def python_full_version() -> str:
    return platform.python_version()
