"""The exceptions raised by flow analysis.

Analysis itself never raises on bad *source*: syntax errors, broken transitions and lint
problems become :class:`~mfstudio.flowgraph.model.Diagnostic` values. Exceptions are kept
for inputs that cannot be analysed at all::

    FlowgraphError                  base class of everything raised by mfstudio.flowgraph
    └── SourceUnreadableError       a file could not be read (missing, a folder, no
                                    permission, not UTF-8 text)
"""

from __future__ import annotations

__all__ = ["FlowgraphError", "SourceUnreadableError"]


class FlowgraphError(Exception):
    """Base class of the errors raised by :mod:`mfstudio.flowgraph`."""


class SourceUnreadableError(FlowgraphError):
    """A flow file could not be read; ``str()`` says what, where and how to fix it."""

    def __init__(self, path: str, reason: str, hint: str) -> None:
        self.path = path
        self.reason = reason
        self.hint = hint
        super().__init__(f"cannot read {path}: {reason}. {hint}")
