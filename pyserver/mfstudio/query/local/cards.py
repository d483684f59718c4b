"""A task's cards (``mf.cards/...``) and their HTML."""

from __future__ import annotations

from ..model import CardList
from .layout import LocalLayout
from .reader import Reader


def cards(
    reader: Reader, layout: LocalLayout, task: str, include_html: bool, max_bytes: int
) -> CardList:
    raise NotImplementedError
