"""A safe preview of one artifact's value, only on explicit request."""

from __future__ import annotations

from ..model import ArtifactPreview
from .layout import LocalLayout
from .reader import Reader


def artifact_value(
    reader: Reader, layout: LocalLayout, task: str, name: str, max_bytes: int
) -> ArtifactPreview:
    raise NotImplementedError
