"""pygls' protocol with one change: results of custom requests are sent as they are.

A ``metaflow/flowGraph`` result is already plain JSON (dicts, lists, strings, numbers).
pygls would first run it through cattrs' ``unstructure`` (a deep walk that copies every
value) and only then ``json.dumps`` it; for a 200-step flow that walk costs several times
the serialisation itself. Standard LSP responses have their own types and are untouched.
"""

from __future__ import annotations

from typing import Any

from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import JsonRPCResponseMessage

__all__ = ["MetaflowProtocol"]


class MetaflowProtocol(LanguageServerProtocol):
    def _serialize_message(self, data: Any) -> Any:
        if type(data) is JsonRPCResponseMessage:
            return {"jsonrpc": data.jsonrpc, "id": data.id, "result": data.result}
        return super()._serialize_message(data)
