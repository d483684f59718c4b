"""JsonFunction: a JSON function bound to a task's artifacts, with its environment captured.

Binding checks the artifact names against the task (a missing one fails now, by name),
captures the code and the environment lock, and reads the artifacts' stored pickle bytes
(without unpickling them) for the lock and the package. Calling the bound function in this
process round-trips input and output through JSON, so it answers exactly as a backend will.
"""

from __future__ import annotations

import difflib
import json
import pickle
import sys
from typing import Any

from .capture import (
    Lock,
    capture_code,
    lock_from_decorators,
    lock_from_modules,
    pickle_modules,
    python_full_version,
)
from .decorator import JsonFunctionSpec, UserFunction, json_function
from .errors import ArtifactNotFoundError
from .package import FunctionInfo, build_files, functions_home
from .parameters import FunctionParameters
from .reference import FunctionReference
from .storage import LocalDirStore, PackageStore, store_for_url

__all__ = ["JsonFunction"]


class _TaskArtifacts:
    """Artifacts read through Metaflow's client (unpickled on first access)."""

    def __init__(self, task: Any) -> None:
        self.task = task

    def load(self, name: str) -> Any:
        return self.task[name].data


class JsonFunction:
    """``JsonFunction(fn, task=Task("Flow/run/step/task"), artifacts=None)``.

    ``artifacts`` names the artifacts to bind (default: every artifact of the task whose
    name does not start with an underscore).
    """

    def __init__(
        self,
        fn: UserFunction | JsonFunctionSpec,
        task: Any,
        artifacts: list[str] | None = None,
    ) -> None:
        self.spec = json_function(fn)
        self.task = _as_task(task)
        available = [a.id for a in self.task]
        self.artifacts = _bound_names(self.spec.name, self.task.pathspec, available, artifacts)
        self.params = FunctionParameters(_TaskArtifacts(self.task), self.artifacts, self.spec.name)
        self._blobs = {name: _stored_pickle(self.task[name]) for name in self.artifacts}
        module = sys.modules[self.spec.module]
        self.code = capture_code(module)
        self.lock = _capture_lock(self.task, self.code.third_party, self._blobs)
        self._reference: str | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    def __call__(self, data: Any) -> Any:
        """Call in this process, with JSON in and out (as every backend does)."""
        result = self.spec.call_one(_json_roundtrip(data), self.params)
        return _json_roundtrip(result)

    def map(self, records: list[Any]) -> list[Any]:
        """Results in order (a batch function is called once with all of them)."""
        results = self.spec.call_many(_json_roundtrip(list(records)), self.params)
        return list(_json_roundtrip(results))

    @property
    def reference(self) -> str:
        """The reference of the latest export; exports to the local package cache if none."""
        if self._reference is None:
            files, digest = self._package()
            store = LocalDirStore(functions_home() / "packages" / digest)
            self._reference = self._write(store, files, digest)
        return self._reference

    def export(self, url: str) -> str:
        """Write the package to ``url`` (``file:///dir``, ``s3://bucket/prefix``); its reference."""
        self._reference = self._write(store_for_url(url), *self._package())
        return self._reference

    def _write(self, store: PackageStore, files: dict[str, bytes], digest: str) -> str:
        store.write(files)
        return FunctionReference(
            function=self.spec.name,
            url=store.url,
            sha256=digest,
            python=self.lock.python,
            task=self.task.pathspec,
            input_schema=self.spec.input_schema,
            output_schema=self.spec.output_schema,
        ).to_json()

    def _package(self) -> tuple[dict[str, bytes], str]:
        info = FunctionInfo(
            name=self.spec.name,
            module=self.code.module,
            qualname=self.spec.qualname,
            input_schema=self.spec.input_schema,
            output_schema=self.spec.output_schema,
            task=self.task.pathspec,
            artifacts=self.artifacts,
            python=self.lock.python,
            python_full=python_full_version(),
        )
        return build_files(info, self.lock.to_json(), self.code.files, self._blobs)

    def __repr__(self) -> str:
        return f"JsonFunction({self.spec.name}, task={self.task.pathspec})"


def _as_task(task: Any) -> Any:
    if isinstance(task, str):
        from metaflow.client.core import Task

        return Task(task)
    if not hasattr(task, "pathspec") or not hasattr(task, "__getitem__"):
        raise TypeError(f"task= takes a metaflow Task or its pathspec, not {type(task).__name__}")
    return task


def _bound_names(
    function: str, pathspec: str, available: list[str], wanted: list[str] | None
) -> list[str]:
    if wanted is None:
        return sorted(n for n in available if not n.startswith("_"))
    if isinstance(wanted, str):
        raise TypeError("artifacts= takes a list of artifact names, not a string")
    for name in wanted:
        if name not in available:
            public = sorted(n for n in available if not n.startswith("_"))
            near = difflib.get_close_matches(name, public, n=1)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            raise ArtifactNotFoundError(
                f"JsonFunction '{function}': artifact '{name}' is not in task {pathspec} "
                f"(it has: {', '.join(public)}){hint}",
                name,
            )
    return list(dict.fromkeys(wanted))


def _stored_pickle(artifact: Any) -> bytes:
    """The pickle bytes Metaflow stored for ``artifact``; re-pickled if they cannot be read."""
    obj = getattr(artifact, "_object", {})
    location = str(obj.get("location", ""))
    if location.startswith(":root:") and str(obj.get("content_type", "")).startswith(
        ("pickle", "gzip+pickle")
    ):
        try:
            from metaflow.client.filecache import FileCache

            cache = FileCache()  # type: ignore[no-untyped-call]
            datastore = cache._get_flow_datastore(  # type: ignore[no-untyped-call]
                obj["ds_type"], location[6:], obj["flow_id"]
            )
            for _key, blob in datastore.ca_store.load_blobs([obj["sha"]]):
                return bytes(blob)
        except Exception:  # an older or remote datastore layout: fall back to re-pickling
            pass
    return pickle.dumps(artifact.data, protocol=4)


def _capture_lock(task: Any, code_modules: frozenset[str], blobs: dict[str, bytes]) -> Lock:
    declared = lock_from_decorators(_graph_info(task), task.path_components[2])
    if declared is not None:
        return declared
    modules = set(code_modules)
    for blob in blobs.values():
        modules.update(m.split(".")[0] for m in pickle_modules(blob))
    return lock_from_modules(modules)


def _graph_info(task: Any) -> dict[str, Any]:
    try:
        from metaflow.client.core import Run

        flow, run = task.path_components[:2]
        parameters = Run(f"{flow}/{run}")["_parameters"].task
        info = parameters["_graph_info"].data if parameters is not None else None
        return info if isinstance(info, dict) else {}
    except Exception:  # runs without _graph_info (very old ones) just have no decorators
        return {}


def _json_roundtrip(value: Any) -> Any:
    return json.loads(json.dumps(value))
