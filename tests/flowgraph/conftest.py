"""Test setup: the repository root (for bench/) and pyserver/ (the checkout's own mfstudio,
whatever the venv's install mode) are importable."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for folder in (ROOT, ROOT / "pyserver"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
