"""What a long-lived backend remembers about runs that have ended well.

A run whose ``end`` task succeeded never changes again, except its user tags (Metaflow
rewrites ``_meta/_self.json`` when they change). So its metadata, status, parameters and
origin are kept, and checked with two stats (the run folder and ``_self.json``) instead of
the six files and five listings a run costs to read. Running and failed runs are always
read afresh: a failed run may still retry.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import RunStatus
from .run_info import RunMeta

__all__ = ["CachedRun", "FinishedRunCache"]

Stamp = tuple[int, int]


@dataclass(frozen=True, slots=True)
class CachedRun:
    meta: RunMeta
    status: RunStatus
    finished_at: float | None
    parameters: dict[str, str]
    origin_run_id: str | None


class FinishedRunCache:
    """``(flow, run_id)`` -> :class:`CachedRun`, valid while its stamp is unchanged. Holds
    at most ``max_runs`` runs; the oldest entries go first (a page of a 50,000-run flow
    reuses what the previous pages read)."""

    __slots__ = ("_entries", "max_runs")

    def __init__(self, max_runs: int = 20_000) -> None:
        self.max_runs = max_runs
        self._entries: dict[tuple[str, str], tuple[Stamp, CachedRun]] = {}

    def get(self, flow: str, run_id: str, stamp: Stamp) -> CachedRun | None:
        entry = self._entries.get((flow, run_id))
        if entry is None or entry[0] != stamp:
            return None
        return entry[1]

    def put(self, flow: str, run_id: str, stamp: Stamp, run: CachedRun) -> None:
        if run.status != "succeeded":
            return
        self._entries.pop((flow, run_id), None)
        self._entries[(flow, run_id)] = (stamp, run)
        while len(self._entries) > self.max_runs:
            del self._entries[next(iter(self._entries))]
