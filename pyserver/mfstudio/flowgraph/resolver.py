"""Finding base classes in workspace modules, by reading files and never importing them.

``from base import BaseFlow`` or ``from pkg.mod import X`` is looked up relative to the
importing file's folder first (relative imports by their dots), then under each workspace
root. A module found is read, parsed tolerantly and reduced to its classes and imports;
the result is cached per path and invalidated when the file's mtime or size changes.
"""

from __future__ import annotations

import threading
from pathlib import Path

from .parse import parse_tolerant
from .syntax import ImportedName, ModuleSyntax, extract_module

__all__ = ["ModuleResolver", "default_resolver"]

_MAX_BYTES = 2_000_000


class ModuleResolver:
    """Reads workspace modules that define base classes of flows (thread-safe, cached)."""

    def __init__(self, roots: list[str | Path] | tuple[str | Path, ...] = ()) -> None:
        self.roots = [Path(r) for r in roots]
        self._cache: dict[Path, tuple[int, int, ModuleSyntax]] = {}
        self._lock = threading.Lock()

    def find(self, importer: Path | None, module: str, level: int = 0) -> Path | None:
        """The file that ``import``ing ``module`` from ``importer`` would read, if any."""
        if level == 0 and (module == "metaflow" or module.startswith("metaflow.")):
            return None
        parts = [p for p in module.split(".") if p]
        bases: list[Path] = []
        if level > 0:
            if importer is None:
                return None
            folder = importer.parent
            for _ in range(level - 1):
                folder = folder.parent
            bases.append(folder)
        else:
            if importer is not None:
                bases.append(importer.parent)
            bases.extend(self.roots)
        for base in bases:
            target = base.joinpath(*parts) if parts else base
            for candidate in (target.with_suffix(".py") if parts else None, target / "__init__.py"):
                if candidate is not None and candidate.is_file():
                    return candidate
        return None

    def load(self, path: Path) -> ModuleSyntax | None:
        """The classes and imports of the module at ``path`` (None if unreadable)."""
        try:
            st = path.stat()
        except OSError:
            return None
        key = path.resolve() if not path.is_absolute() else path
        with self._lock:
            hit = self._cache.get(key)
            if hit and hit[0] == st.st_mtime_ns and hit[1] == st.st_size:
                return hit[2]
        if st.st_size > _MAX_BYTES:
            return None
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                source = fh.read()
        except OSError:
            return None
        parsed = parse_tolerant(source)
        syntax = extract_module(parsed.tree, parsed.lines)
        with self._lock:
            self._cache[key] = (st.st_mtime_ns, st.st_size, syntax)
        return syntax

    def resolve(
        self, importer: Path | None, imported: ImportedName
    ) -> tuple[Path, ModuleSyntax] | None:
        """The module an imported name comes from, parsed (None when not in the workspace)."""
        path = self.find(importer, imported.module, imported.level)
        if path is None:
            return None
        syntax = self.load(path)
        return (path, syntax) if syntax is not None else None

    def resolve_module(
        self, importer: Path | None, module: str
    ) -> tuple[Path, ModuleSyntax] | None:
        """A module referred to by its dotted name (``import pkg.mod as m``)."""
        path = self.find(importer, module, 0)
        if path is None:
            return None
        syntax = self.load(path)
        return (path, syntax) if syntax is not None else None


_DEFAULT = ModuleResolver()


def default_resolver() -> ModuleResolver:
    """The process-wide resolver used when none is given: it looks next to the importing
    file only (no workspace roots) and caches modules by mtime."""
    return _DEFAULT
