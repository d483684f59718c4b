"""The errors a request of this server can answer with, and their JSON-RPC codes.

::

    RequestError                   a request cannot be answered; ``code`` is its JSON-RPC code
    ├── InvalidParamsError         params malformed (missing ``uri``, wrong types)     -32602
    ├── DocumentUnreadableError    a uri neither open nor readable from disk           -32001
    ├── RenameRefusedError         an invalid, clashing or reserved new step name      -32803
    └── QueryFailedError           a run query names nothing that exists, no datastore -32803

Feature functions raise these; the server turns them into JSON-RPC error responses with
the message unchanged, so the message must say what is wrong and what to do instead.
"""

from __future__ import annotations

__all__ = [
    "DocumentUnreadableError",
    "InvalidParamsError",
    "QueryFailedError",
    "RenameRefusedError",
    "RequestError",
]


class RequestError(Exception):
    """Base class: a request that gets an error response instead of a result."""

    code = -32603  # JSON-RPC internal error, overridden by every subclass

    @property
    def message(self) -> str:
        return str(self)


class InvalidParamsError(RequestError):
    code = -32602


class DocumentUnreadableError(RequestError):
    code = -32001


class RenameRefusedError(RequestError):
    code = -32803  # LSP's RequestFailed: the editor shows the message to the user


class QueryFailedError(RequestError):
    """A run query could not be answered (unknown pathspec, no datastore); the message is
    the query's own, naming the nearest existing pathspecs."""

    code = -32803
