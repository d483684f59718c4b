"""Errors a query raises: the input names nothing that exists, or cannot be understood.

Damaged or half-written files never raise; they become :class:`~mfstudio.query.model.Problem`
entries in the result. Every message says what was asked, where it was looked for, and
what to do (for unknown pathspecs: the nearest names that do exist).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["BadQueryError", "DatastoreNotFoundError", "NotFoundError", "QueryError"]


class QueryError(Exception):
    """Base class; ``str(err)`` is a complete, user-facing sentence."""


class BadQueryError(QueryError):
    """An argument is malformed: a pathspec with too many parts, a negative limit, an
    unparsable time or size, a bad cursor."""


class DatastoreNotFoundError(QueryError):
    """No ``.metaflow`` folder where one was expected."""


class NotFoundError(QueryError):
    """A flow, run, step, task, artifact or card that does not exist.

    ``kind`` is "flow", "run", "step", "task", "artifact" or "card"; ``suggestions`` are the
    nearest existing pathspecs (closest first), already named in the message.
    """

    def __init__(self, kind: str, pathspec: str, where: str, suggestions: Sequence[str]) -> None:
        self.kind = kind
        self.pathspec = pathspec
        self.where = where
        self.suggestions = list(suggestions)
        if self.suggestions:
            hint = "Nearest existing: " + ", ".join(self.suggestions) + "."
        else:
            hint = f"There is no {kind} there at all; check the name or the datastore root."
        super().__init__(f"No {kind} {pathspec!r} in {where}. {hint}")
