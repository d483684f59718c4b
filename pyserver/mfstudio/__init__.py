"""Metaflow Studio: the tooling side (flow analysis, queries, launching, the language server)."""

from __future__ import annotations

__version__ = "0.1.0"
