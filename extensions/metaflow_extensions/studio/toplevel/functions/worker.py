"""The worker: runs ONE packaged function inside the package's environment.

Started as ``<env>/bin/python -m metaflow_extensions.studio.toplevel.functions.worker DIR``
with DIR an unpacked, verified package. It speaks JSON lines on stdin/stdout:

    worker -> {"event": "ready", "function": "predict", "pid": 123, "python": "3.11.7 ...",
               "executable": "<env>/bin/python"}
              or {"event": "failed", "error": {...}} then exits 1
    caller -> {"id": 1, "op": "call", "data": <record>}
    worker -> {"id": 1, "ok": true, "result": <json>}
    caller -> {"id": 2, "op": "map", "data": [<record>, ...]}
    worker -> {"id": 2, "ok": true, "result": [<json>, ...]}
    errors -> {"id": n, "ok": false, "error": {"type", "message", "traceback"}, "index": i}
    caller -> {"id": 3, "op": "each", "data": [<record>, ...]}
    worker -> {"id": 3, "ok": true, "result": [{"ok": true, "result": <json>}
                                               | {"ok": false, "error": {...}}, ...]}

``{"op": "warm"}`` loads every bound artifact now (servers call it before saying ready, so
the first request does not pay for unpickling the model and importing its libraries).
``each`` is for servers that group independent requests: one outcome per record, so one
failing record does not fail the others (except in a batch function, which is one call:
its exception is every record's outcome). ``ready`` also says ``"batch": true|false``.

The protocol owns the real stdout: anything the function prints goes to stderr.
"""

from __future__ import annotations

import importlib
import json
import os
import pickle
import sys
import traceback
from pathlib import Path
from typing import IO, Any

from .decorator import JsonFunctionSpec, json_function
from .package import FunctionInfo, read_info
from .parameters import FunctionParameters

__all__ = ["main"]


class _PackageArtifacts:
    """Artifacts read from the package's pickles (unpickled on first access)."""

    def __init__(self, package_dir: Path, info: FunctionInfo) -> None:
        self.dir = package_dir / "artifacts"
        self.info = info

    def load(self, name: str) -> Any:
        with open(self.dir / f"{name}.pickle", "rb") as f:
            return pickle.load(f)


def main(argv: list[str]) -> int:
    protocol = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # prints (also from C extensions) land on stderr, not in the protocol
    sys.stdout = sys.stderr
    try:
        spec, params = _load(Path(argv[1]))
    except BaseException as exc:
        _send(protocol, {"event": "failed", "error": _describe(exc)})
        return 1
    _send(
        protocol,
        {
            "event": "ready",
            "function": spec.name,
            "pid": os.getpid(),
            "python": sys.version,
            "executable": sys.executable,
            "batch": spec.batch,
        },
    )
    for line in sys.stdin:
        if line.strip():
            _send(protocol, _handle(spec, params, line))
    return 0


def _load(package_dir: Path) -> tuple[JsonFunctionSpec, FunctionParameters]:
    info, _lock = read_info(package_dir)
    sys.path.insert(0, str(package_dir / "code"))
    target: Any = importlib.import_module(info.module)
    for part in info.qualname.split("."):
        target = getattr(target, part)
    spec = json_function(target)
    return spec, FunctionParameters(_PackageArtifacts(package_dir, info), info.artifacts, info.name)


def _handle(spec: JsonFunctionSpec, params: FunctionParameters, line: str) -> dict[str, Any]:
    try:
        request = json.loads(line)
        rid, op, data = request.get("id"), request["op"], request["data"]
    except (ValueError, KeyError, AttributeError) as exc:
        return {"id": None, "ok": False, "error": _describe(exc, "bad request: ")}
    if op == "call":
        try:
            return {"id": rid, "ok": True, "result": _Encoded(_dumps(spec.call_one(data, params)))}
        except Exception as exc:
            return {"id": rid, "ok": False, "error": _describe(exc)}
    if op == "map" and spec.batch:
        try:
            return {"id": rid, "ok": True, "result": _Encoded(_dumps(spec.call_many(data, params)))}
        except Exception as exc:
            return {"id": rid, "ok": False, "error": _describe(exc)}
    if op == "map":
        results = []
        for index, record in enumerate(data):
            try:
                results.append(_dumps(spec(record, params)))
            except Exception as exc:
                return {"id": rid, "ok": False, "error": _describe(exc), "index": index}
        return {"id": rid, "ok": True, "result": _Encoded("[" + ",".join(results) + "]")}
    if op == "each":
        return {"id": rid, "ok": True, "result": _each(spec, params, data)}
    if op == "warm":
        try:
            loaded = list(params)
            for name in loaded:
                params[name]  # loads it (once)
            return {"id": rid, "ok": True, "result": loaded}
        except Exception as exc:
            return {"id": rid, "ok": False, "error": _describe(exc)}
    return {
        "id": rid,
        "ok": False,
        "error": {"type": "ValueError", "message": f"unknown op {op!r}"},
    }


def _each(spec: JsonFunctionSpec, params: FunctionParameters, records: list[Any]) -> _Encoded:
    """One outcome per record, each encoded once, here (no encode/decode round trip)."""
    if spec.batch:
        try:
            results = spec.call_many(records, params)
            encoded = [_OK + _dumps(r) + "}" for r in results]
        except Exception as exc:
            failed = _dumps({"ok": False, "error": _describe(exc)})
            return _Encoded("[" + ",".join([failed] * len(records)) + "]")
        return _Encoded("[" + ",".join(encoded) + "]")
    outcomes: list[str] = []
    for record in records:
        try:
            outcomes.append(_OK + _dumps(spec(record, params)) + "}")
        except Exception as exc:
            outcomes.append(_dumps({"ok": False, "error": _describe(exc)}))
    return _Encoded("[" + ",".join(outcomes) + "]")


class _Encoded(str):
    """JSON text already encoded: ``_send`` splices it in instead of encoding it again."""


_OK = '{"ok":true,"result":'


def _dumps(value: Any) -> str:
    """``value`` as JSON, or TypeError saying the function's result is not JSON."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"the function's result is not JSON: {exc}") from None


def _describe(exc: BaseException, prefix: str = "") -> dict[str, str]:
    return {
        "type": type(exc).__name__,
        "message": prefix + str(exc),
        "traceback": "".join(traceback.format_exception(exc)),
    }


def _send(out: IO[str], message: dict[str, Any]) -> None:
    result = message.get("result")
    if isinstance(result, _Encoded):  # the one large part, encoded once by _each
        head = json.dumps({k: v for k, v in message.items() if k != "result"})
        out.write(f'{head[:-1]}, "result": {result}}}\n')
    else:
        out.write(json.dumps(message) + "\n")
    out.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
