"""A safe preview of one artifact's value, only on explicit request.

The one operation that unpickles, and only the one blob asked for, after checking its size
twice (the size Metaflow recorded and the blob file's size) and decompressing with a cap,
so a huge artifact or a gzip bomb is refused before it is loaded. What the value looks like
is decided in :mod:`.render`.

Cost: the task's pathspec checks, one listing of the task folder, its ``N.data.json``, one
stat of the blob and the blob itself (plus its small ``_meta`` file when the blob is stored
uncompressed).
"""

from __future__ import annotations

import difflib
import pickle
import sys
from typing import Any

from ..errors import NotFoundError, QueryError
from ..model import ArtifactPreview
from .artifacts import read_task_data, type_name
from .layout import LocalLayout
from .reader import Reader
from .render import render
from .resolve import require
from .unpickle import BlobError, read_blob

__all__ = ["artifact_value"]

_PICKLE_ENCODINGS = ("pickle-v", "gzip+pickle-v")


def artifact_value(
    reader: Reader, layout: LocalLayout, task: str, name: str, max_bytes: int
) -> ArtifactPreview:
    spec = require(reader, layout, task, "task")
    pathspec = str(spec)
    data, problem = read_task_data(reader, layout.path_of(spec), pathspec)
    if data is None:
        why = problem.message if problem else "it has not saved any artifacts yet"
        raise QueryError(f"Cannot read the artifacts of task {pathspec}: {why}.")
    if name not in data.objects:
        nearest = difflib.get_close_matches(name, list(data.objects), n=3, cutoff=0.5)
        where = f"task {pathspec} (attempt {data.attempt})"
        raise NotFoundError("artifact", f"{pathspec}/{name}", where, nearest)
    meta = data.info.get(name)
    meta = meta if isinstance(meta, dict) else {}
    recorded = meta.get("size")
    full_type = type_name(str(meta.get("type", "unknown")))
    encoding = str(meta.get("encoding", "gzip+pickle-v2"))
    if not encoding.startswith(_PICKLE_ENCODINGS):
        raise QueryError(
            f"Artifact {name!r} of {pathspec} is stored as {encoding!r}, which only the "
            "Metaflow extension that wrote it can read; open it with the Metaflow client."
        )
    sha = str(data.objects[name])
    blob_path = layout.blob_path(spec.flow, sha)
    stat = reader.stat(blob_path)
    if stat is None:
        raise QueryError(
            f"The blob of artifact {name!r} ({sha}) is missing from {blob_path.parent}; the "
            "datastore is incomplete (was it copied partly?)."
        )
    for label, size in (("pickled", recorded), ("stored", stat.st_size)):
        if isinstance(size, int) and size > max_bytes:
            raise QueryError(
                f"Artifact {name!r} of {pathspec} is {size:,} bytes {label}, above "
                f"max_bytes={max_bytes:,}; pass a larger max_bytes to preview it anyway."
            )
    raw = _unpack(reader, layout, spec.flow, sha, max_bytes, name)
    value = _unpickle(raw, name, pathspec)
    preview = render(value)
    return ArtifactPreview(
        pathspec=pathspec,
        name=name,
        type=full_type,
        size=recorded if isinstance(recorded, int) else len(raw),
        kind=preview.kind,
        preview=preview.text,
        truncated=preview.truncated,
        shape=preview.shape,
        dtype=preview.dtype,
        columns=preview.columns,
        cost=reader.cost,
    )


def _unpack(
    reader: Reader, layout: LocalLayout, flow: str, sha: str, max_bytes: int, name: str
) -> bytes:
    try:
        return read_blob(reader, layout, flow, sha, max_bytes)
    except BlobError as err:
        if err.too_large:
            raise QueryError(
                f"Artifact {name!r} unpacks to more than max_bytes={max_bytes:,} bytes; pass "
                "a larger max_bytes to preview it anyway."
            ) from None
        raise QueryError(f"The blob of artifact {name!r} ({sha}) {err.reason}.") from None


def _unpickle(raw: bytes, name: str, pathspec: str) -> Any:
    try:
        return pickle.loads(raw)
    except ModuleNotFoundError as err:
        raise QueryError(
            f"Artifact {name!r} of {pathspec} needs the module {err.name!r}, which the "
            f"interpreter running this query ({sys.executable}) cannot import; install it "
            "there or point Metaflow Studio at the environment the flow ran in."
        ) from None
    except Exception as err:  # unpickling runs the value's own code: report, never crash
        raise QueryError(
            f"Artifact {name!r} of {pathspec} could not be unpickled here: "
            f"{type(err).__name__}: {err}."
        ) from None
