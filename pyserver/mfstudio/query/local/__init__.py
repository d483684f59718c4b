"""The local backend: Metaflow's local datastore and metadata, read directly."""

from .backend import LocalBackend
from .layout import LocalLayout, Pathspec

__all__ = ["LocalBackend", "LocalLayout", "Pathspec"]
