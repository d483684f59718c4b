"""The function package: its layout, its manifest, and verification on load.

    manifest.json            {"format", "version", "files": {path: sha256}}: every other file
    function.json            name, module, qualname, schemas, task, bound artifacts, python
    lock.json                the environment lock (capture.Lock)
    code/<module path>.py    the function's module and the local modules it imports
    artifacts/<name>.pickle  each bound artifact: the pickle bytes Metaflow stored

The package's identity is the sha256 of manifest.json, which covers every file by hash; a
reference names a package by it. Loading checks the manifest against the reference, every
file against the manifest, and refuses files the manifest does not list.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import PackageError, PackageIntegrityError
from .storage import PackageStore

__all__ = [
    "FORMAT",
    "MANIFEST",
    "VERSION",
    "FunctionInfo",
    "build_files",
    "functions_home",
    "sha256",
    "unpack_verified",
]

FORMAT = "metaflow-function-package"
VERSION = 1
MANIFEST = "manifest.json"
FUNCTION = "function.json"
LOCK = "lock.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), indent=None).encode()


def functions_home() -> Path:
    """The per-user cache (packages and environments); MFSTUDIO_FUNCTIONS_HOME overrides it."""
    home = os.environ.get("MFSTUDIO_FUNCTIONS_HOME")
    if home:
        return Path(home).expanduser()
    return Path.home() / ".cache" / "metaflow-studio" / "functions"


@dataclass(frozen=True)
class FunctionInfo:
    """function.json: what the worker needs to find, call and describe the function."""

    name: str
    module: str
    qualname: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    task: str
    artifacts: list[str]
    python: str  # "3.11"
    python_full: str

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "module": self.module,
            "qualname": self.qualname,
            "input_schema": self.input_schema,
            "output_schema": self.output_schema,
            "task": self.task,
            "artifacts": {n: f"artifacts/{n}.pickle" for n in self.artifacts},
            "python": {"version": self.python, "full": self.python_full},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FunctionInfo:
        return cls(
            name=data["name"],
            module=data["module"],
            qualname=data["qualname"],
            input_schema=data.get("input_schema", {}),
            output_schema=data.get("output_schema", {}),
            task=data.get("task", ""),
            artifacts=list(data.get("artifacts", {})),
            python=data["python"]["version"],
            python_full=data["python"].get("full", data["python"]["version"]),
        )


def build_files(
    info: FunctionInfo,
    lock: dict[str, Any],
    code: dict[str, bytes],
    artifacts: dict[str, bytes],
) -> tuple[dict[str, bytes], str]:
    """Every file of the package, manifest included, and the package hash."""
    files: dict[str, bytes] = {
        FUNCTION: json.dumps(info.to_json(), indent=2, sort_keys=True).encode(),
        LOCK: json.dumps(lock, indent=2, sort_keys=True).encode(),
    }
    files.update({f"code/{rel}": data for rel, data in code.items()})
    files.update({f"artifacts/{name}.pickle": blob for name, blob in artifacts.items()})
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "files": {rel: sha256(data) for rel, data in sorted(files.items())},
    }
    files[MANIFEST] = canonical_json(manifest)
    return files, sha256(files[MANIFEST])


def verify(store: PackageStore, expected_hash: str) -> dict[str, bytes]:
    """Every file of the package at ``store``, checked; PackageIntegrityError otherwise."""
    raw = store.read(MANIFEST)
    _check(store, MANIFEST, expected_hash, sha256(raw), "the reference")
    try:
        manifest = json.loads(raw)
        listed: dict[str, str] = manifest["files"]
        fmt, version = manifest["format"], manifest["version"]
    except (ValueError, KeyError, TypeError) as exc:
        raise PackageError(
            f"package {store.url}: manifest.json is not a manifest ({exc})"
        ) from None
    if fmt != FORMAT or version != VERSION:
        raise PackageError(
            f"package {store.url}: format {fmt!r} version {version!r} is not supported "
            f"(this runtime reads {FORMAT} version {VERSION})"
        )
    extra = sorted(set(store.list()) - set(listed) - {MANIFEST})
    if extra:
        raise PackageIntegrityError(
            f"package {store.url} was modified: '{extra[0]}' is not in its manifest "
            "(files were added after export); re-export the function",
            extra[0],
            "absent",
            "present",
        )
    files = {MANIFEST: raw}
    for rel, digest in listed.items():
        data = store.read(rel)
        _check(store, rel, digest, sha256(data), "the manifest")
        files[rel] = data
    return files


def unpack_verified(store: PackageStore, package_hash: str) -> Path:
    """Verify the package and return a private local copy of it, shared by its hash."""
    files = verify(store, package_hash)
    target = functions_home() / "packages" / package_hash
    if (target / MANIFEST).exists():
        return target  # written only after a verification like the one just done
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{package_hash[:12]}-"))
    try:
        for rel, data in files.items():
            if rel == MANIFEST:
                continue
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp / rel).write_bytes(data)
        (tmp / MANIFEST).write_bytes(files[MANIFEST])  # last: marks the copy complete
        os.replace(tmp, target)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not (target / MANIFEST).exists():
            raise
    return target


def read_info(package_dir: Path) -> tuple[FunctionInfo, dict[str, Any]]:
    """function.json and lock.json of an unpacked package."""
    info = FunctionInfo.from_json(json.loads((package_dir / FUNCTION).read_text()))
    lock: dict[str, Any] = json.loads((package_dir / LOCK).read_text())
    return info, lock


def _check(store: PackageStore, rel: str, expected: str, found: str, source: str) -> None:
    if expected != found:
        raise PackageIntegrityError(
            f"package {store.url} was modified: '{rel}' has sha256 {found}, but {source} "
            f"expects {expected}; refusing to load it (re-export the function)",
            rel,
            expected,
            found,
        )
