"""Artifact listing and search from ``N.data.json`` metadata: never unpickles."""

from __future__ import annotations

from ..model import ArtifactList
from .layout import LocalLayout
from .reader import Reader


def artifacts(
    reader: Reader,
    layout: LocalLayout,
    scope: str,
    name: str | None,
    type: str | None,
    min_size: int | None,
    max_size: int | None,
    limit: int,
    include_private: bool,
) -> ArtifactList:
    raise NotImplementedError
