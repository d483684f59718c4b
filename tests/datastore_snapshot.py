"""A fingerprint of every file and folder under a datastore, to prove a query wrote nothing.

``snapshot(path)`` maps each relative path to (kind, size, mtime_ns, sha256 for files);
tests take one before and one after a query and assert equality.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

Fingerprint = tuple[str, int, int, str]


def snapshot(root: Path) -> dict[str, Fingerprint]:
    found: dict[str, Fingerprint] = {}
    for folder, dirs, files in os.walk(root):
        base = Path(folder)
        for name in dirs:
            st = (base / name).stat()
            found[str((base / name).relative_to(root))] = ("dir", 0, st.st_mtime_ns, "")
        for name in files:
            path = base / name
            st = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[str(path.relative_to(root))] = ("file", st.st_size, st.st_mtime_ns, digest)
    return found
