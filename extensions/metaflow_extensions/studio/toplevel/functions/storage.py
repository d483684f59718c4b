"""Where packages live: a small store interface, one implementation per URL scheme.

A store holds the files of ONE package under a base URL: ``file:///dir`` (``LocalDirStore``)
or ``s3://bucket/prefix`` (``storage_s3.S3Store``). Packages are written whole and read whole;
integrity is checked by the package layer, not here.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlparse

from .errors import PackageError

__all__ = ["LocalDirStore", "PackageStore", "store_for_url"]


class PackageStore(Protocol):
    url: str

    def write(self, files: dict[str, bytes]) -> None:
        """Write every file (relative POSIX paths); a re-export replaces the old files."""
        ...

    def read(self, path: str) -> bytes:
        """One file's bytes; PackageError when it is missing."""
        ...

    def list(self) -> list[str]:
        """Every file's relative path, so that added files are noticed too."""
        ...

    def local_dir(self) -> Path | None:
        """The folder holding the files when the store is local, else None."""
        ...


class LocalDirStore:
    """A package as a folder on this machine (``file:///abs/dir`` or a plain path)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.url = root.as_uri()

    def write(self, files: dict[str, bytes]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        for rel, data in files.items():
            target = self.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a reader never sees half a file.
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, target)

    def read(self, path: str) -> bytes:
        target = self.root / path
        try:
            return target.read_bytes()
        except FileNotFoundError:
            raise PackageError(
                f"package {self.url}: file '{path}' is missing; re-export the function"
            ) from None

    def list(self) -> list[str]:
        if not self.root.is_dir():
            raise PackageError(f"package {self.url}: no such folder")
        return sorted(
            p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file()
        )

    def local_dir(self) -> Path | None:
        return self.root


def store_for_url(url: str) -> PackageStore:
    """The store for ``url``; a clear error for schemes not supported yet."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            raise PackageError(f"{url}: file URLs name a local folder (file:///abs/path)")
        return LocalDirStore(Path(unquote(parsed.path)).resolve())
    if parsed.scheme == "":
        return LocalDirStore(Path(url).expanduser().resolve())
    if parsed.scheme == "s3":
        from .storage_s3 import S3Store

        return S3Store(parsed.netloc, unquote(parsed.path))
    raise PackageError(
        f"{url}: unsupported package location (use file:///dir or s3://bucket/prefix)"
    )
