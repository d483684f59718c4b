"""The server's view of one open document: its text, its analysis, its pending re-analysis.

An analysis is only meaningful with the exact text it was made from (ranges index into
that text), so the two are kept together in ``Snapshot`` and features convert positions
with the snapshot's lines, never with newer text.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from mfstudio.flowgraph import IncrementalAnalyzer
from mfstudio.flowgraph.model import FileAnalysis, JSONValue
from mfstudio.lsp.positions import LineIndex

__all__ = ["OpenDocument", "Snapshot"]


@dataclass(slots=True)
class Snapshot:
    """An analysis together with the text (as lines) and version it was computed from."""

    version: int | None
    text: str
    encoding: str
    analysis: FileAnalysis
    _lines: LineIndex | None = None
    _payloads: dict[str | None, dict[str, JSONValue]] = field(default_factory=dict)

    @property
    def lines(self) -> LineIndex:
        """The text's lines, split on first use (``metaflow/flowGraph`` never needs them)."""
        if self._lines is None:
            self._lines = LineIndex(self.text, self.encoding)
        return self._lines

    def payload(self, flow: str | None) -> dict[str, JSONValue]:
        """``FileAnalysis.to_json(flow)``, computed once per snapshot and flow."""
        cached = self._payloads.get(flow)
        if cached is None:
            cached = self._payloads[flow] = self.analysis.to_json(flow)
        return cached

    def fingerprint(self) -> object:
        """A value equal for two snapshots exactly when their ``metaflow/flowGraph``
        payloads (for every flow, diagnostics included) are equal."""
        names: list[str | None] = [f.name for f in self.analysis.flows] or [None]
        return [self.payload(name) for name in names]


@dataclass(slots=True)
class OpenDocument:
    """State kept per open document between notifications."""

    uri: str
    path: str
    version: int
    text: str
    analyzer: IncrementalAnalyzer
    snapshot: Snapshot | None = None  # analysis of the newest text once it has been made
    last_with_flows: Snapshot | None = None  # completion falls back to it mid-edit
    pending: asyncio.TimerHandle | None = None  # the debounced publish, if one is due
    published: object = None  # fingerprint of the last analysis announced to the client

    @property
    def stale(self) -> bool:
        return self.snapshot is None or self.snapshot.version != self.version

    def cancel_pending(self) -> None:
        if self.pending is not None:
            self.pending.cancel()
            self.pending = None
