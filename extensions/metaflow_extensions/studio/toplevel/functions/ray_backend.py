"""The ``ray`` backend: a pool of Ray actors, each hosting a worker of the package's own
environment, for batch inference over a list or a JSON Lines file.

    fn = function_from_json(reference, backend="ray", num_cpus=1, concurrency=2)
    fn(record); fn.map(records); fn.map_jsonl("in.jsonl", "out.jsonl"); fn.close()

Ray is optional: this module imports it only when a ``RayFunction`` is made. When Ray is not
running yet, it starts a local instance (``ray.init(include_dashboard=False)``; it honours
``RAY_ADDRESS``) and shuts it down when the last function using it closes; call
``ray.init(...)`` first to use another cluster or settings, and Ray stays yours.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .closing import ClosesOnExit
from .errors import BackendUnavailableError, FunctionCallError, WorkerError
from .package import FunctionInfo
from .progress import ProgressArg, reporter, wanted
from .ray_actor import FunctionActor, Reply
from .ray_pipeline import ordered_replies
from .records import Chunk, chunks_of, jsonl_chunks, write_atomically

__all__ = ["RayFunction", "RayOptions", "import_ray"]

JSONL_BATCH_SIZE = 256  # records per actor call when the input's length is unknown
MAX_AUTO_BATCH = 1000


@dataclass(frozen=True)
class RayOptions:
    """Resources of each actor and the pool's size; checked before any work is done."""

    num_cpus: float = 1.0  # per actor; fractions share a CPU. Ray sets OMP_NUM_THREADS to it.
    num_gpus: float = 0.0  # per actor; Ray sets CUDA_VISIBLE_DEVICES, the worker inherits it
    memory: int | None = None  # bytes reserved per actor (Ray's scheduling, not a hard limit)
    concurrency: int | None = None  # actors; None: as many as the cluster's resources fit
    batch_size: int | None = None  # records per actor call; None: chosen per batch
    start_timeout: float = 600.0  # seconds for every actor to start (a node may build the env)

    @classmethod
    def from_kwargs(cls, options: dict[str, Any]) -> RayOptions:
        names = [f.name for f in fields(cls)]
        unknown = sorted(set(options) - set(names))
        if unknown:
            raise TypeError(
                f"the ray backend does not take {', '.join(map(repr, unknown))}; "
                f"its options are: {', '.join(names)}"
            )
        made = cls(**options)
        made._check()
        import_ray()  # a missing Ray fails here, before the package is read or built
        return made

    def _check(self) -> None:
        for name in ("num_cpus", "num_gpus", "start_timeout"):
            _require(name, getattr(self, name), minimum=0, integer=False)
        for name in ("memory", "concurrency", "batch_size"):
            if getattr(self, name) is not None:
                _require(name, getattr(self, name), minimum=1, integer=True)

    def actor_options(self) -> dict[str, Any]:
        opts: dict[str, Any] = {"num_cpus": self.num_cpus, "num_gpus": self.num_gpus}
        if self.memory is not None:
            opts["memory"] = self.memory
        # Ray's workers inherit the environment of whoever started Ray; pass ours through.
        env = {k: v for k, v in os.environ.items() if k.startswith("MFSTUDIO_FUNCTIONS_")}
        if env:
            opts["runtime_env"] = {"env_vars": env}
        # The actor process dying (OOM-killed) fails its chunk; Ray restarts it for the next.
        opts["max_restarts"] = 3
        return opts


def _require(name: str, value: Any, minimum: float, integer: bool) -> None:
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value < minimum:
        kind = "an integer" if integer else "a number"
        raise ValueError(f"ray backend option {name}={value!r}: expected {kind} >= {minimum}")


def import_ray() -> Any:
    """The ``ray`` module, or BackendUnavailableError saying how to install it."""
    try:
        import ray
    except ImportError as exc:
        raise BackendUnavailableError(
            f"backend='ray' needs Ray, which is not installed for {sys.executable} ({exc}); "
            "install it with: pip install 'metaflow-studio[ray]'  (or: pip install 'ray[default]')"
        ) from exc
    return ray


class RayFunction(ClosesOnExit):
    """A loaded function on a pool of Ray actors: ``fn(record)``, ``fn.map(records)``,
    ``fn.map_jsonl(src, dst)``, ``fn.close()`` (or ``with``)."""

    def __init__(self, reference: str, info: FunctionInfo, options: RayOptions) -> None:
        self.info = info
        self.name = info.name
        self.input_schema = info.input_schema
        self.output_schema = info.output_schema
        self.options = options
        self._ray = ray = import_ray()
        self._owns_ray = _RaySession.acquire(ray)
        self._actors: list[Any] = []
        self._next = 0
        try:
            count = _pool_size(ray.cluster_resources(), options)
            remote = ray.remote(FunctionActor).options(**options.actor_options())
            self._actors = [remote.remote(reference) for _ in range(count)]
            self.workers: list[dict[str, Any]] = self._wait_ready()
        except BaseException:
            self.close()
            raise

    @property
    def concurrency(self) -> int:
        """The number of actors (each runs one chunk at a time)."""
        return len(self._actors)

    def __call__(self, data: Any) -> Any:
        actors = self._pool()
        self._next = (self._next + 1) % len(actors)
        chunk = Chunk(0, 0, [data])
        reply = self._ray.get(actors[self._next].run.remote(chunk.records))
        return self._results(chunk, reply, single=True)[0]

    def map(
        self, records: Iterable[Any], *, batch_size: int | None = None, progress: ProgressArg = None
    ) -> list[Any]:
        """Results for ``records`` in order. Records go to the actors in chunks of
        ``batch_size`` (default: about four chunks per actor, at most 1000 records); a failing
        record raises FunctionCallError naming its index once the records before it are done."""
        records = list(records)
        size = self._chunk_size(batch_size, _auto_batch(len(records), len(self._pool())))
        results: list[Any] = []
        for chunk_results in self._run(chunks_of(records, size), len(records), progress):
            results.extend(chunk_results)
        return results

    def map_jsonl(
        self,
        source: str | os.PathLike[str],
        destination: str | os.PathLike[str],
        *,
        batch_size: int | None = None,
        progress: ProgressArg = None,
    ) -> int:
        """Read one JSON record per line of ``source``, write one JSON result per line of
        ``destination`` in the same order; returns the number of records. The file is read
        and written as the batch goes (bounded memory); ``destination`` appears only when
        every record succeeded. Blank lines are skipped; errors name the record and line."""
        src, dst = Path(source), Path(destination)
        if dst.resolve() == src.resolve():
            raise ValueError(f"map_jsonl would overwrite its input {src}; write elsewhere")
        if not src.is_file():
            raise FileNotFoundError(f"map_jsonl: no JSON Lines file at {src}")
        total = _count_records(src) if wanted(progress) else None  # for the bar's ETA
        count = 0
        with write_atomically(dst) as out:
            chunks = jsonl_chunks(src, self._chunk_size(batch_size, JSONL_BATCH_SIZE))
            for chunk_results in self._run(chunks, total, progress):
                out.writelines(json.dumps(result) + "\n" for result in chunk_results)
                count += len(chunk_results)
        return count

    def close(self) -> None:
        """Stop every actor and its worker; stop Ray too if this function started it."""
        actors, self._actors = self._actors, []
        ray = self._ray
        if actors and ray.is_initialized():
            with contextlib.suppress(Exception):  # a dead actor has nothing left to close
                ray.get([a.close.remote() for a in actors], timeout=30)
            for actor in actors:
                with contextlib.suppress(Exception):
                    ray.kill(actor, no_restart=True)
        if self._owns_ray:
            self._owns_ray = False
            _RaySession.release(ray)

    def __repr__(self) -> str:
        return f"<RayFunction {self.name} actors={len(self._actors)}>"

    def _run(
        self, chunks: Iterator[Chunk], total: int | None, progress: ProgressArg
    ) -> Iterator[list[Any]]:
        actors = self._pool()
        report = reporter(progress, total, f"{self.name} on {len(actors)} Ray actors")
        try:
            for chunk, reply in ordered_replies(self._ray, actors, chunks):
                yield self._results(chunk, reply)
                report.advance(len(chunk.records))
        finally:
            report.close()

    def _chunk_size(self, asked: int | None, default: int) -> int:
        """Records per actor call: this call's ``batch_size``, else the function's option,
        else ``default``."""
        if asked is not None:
            _require("batch_size", asked, minimum=1, integer=True)
            return asked
        return self.options.batch_size or default

    def _pool(self) -> list[Any]:
        if not self._actors:
            raise WorkerError(f"function '{self.name}' is closed; load it again to call it")
        return self._actors

    def _results(self, chunk: Chunk, reply: Reply, single: bool = False) -> list[Any]:
        if "results" in reply:
            results: list[Any] = reply["results"]
            return results
        if "died" in reply:
            where = "" if single else f", while running {chunk.where()}"
            raise WorkerError(f"function '{self.name}'{where}: {reply['died']}")
        error = reply.get("error") or {}
        message = str(error.get("message", ""))
        if not single:
            # A batch function is one call over the chunk: no single record is to blame.
            batch = reply.get("batch")
            where = f"in the batch of {chunk.where()}" if batch else chunk.where(reply["failed"])
            message = f"{message} ({where})"
        raise FunctionCallError(
            self.name, str(error.get("type", "Exception")), message, str(error.get("traceback", ""))
        )

    def _wait_ready(self) -> list[dict[str, Any]]:
        ray, opts = self._ray, self.options
        refs = [actor.ready.remote() for actor in self._actors]
        _ready, waiting = ray.wait(refs, num_returns=len(refs), timeout=opts.start_timeout)
        if waiting:
            raise WorkerError(
                f"function '{self.name}': {len(waiting)} of {len(refs)} Ray actors did not start "
                f"within {opts.start_timeout:g} s (each asks for num_cpus={opts.num_cpus:g}, "
                f"num_gpus={opts.num_gpus:g}, memory={opts.memory}); `ray status` shows what "
                "the cluster is waiting for"
            )
        try:
            infos: list[dict[str, Any]] = ray.get(refs)
        except ray.exceptions.RayError as exc:
            message = f"function '{self.name}': a Ray actor failed to start: {exc}"
            raise WorkerError(message) from None
        for info in infos:
            if not info["ok"]:
                error = info["error"]
                raise WorkerError(
                    f"function '{self.name}' could not start on a Ray actor: "
                    f"{error['type']}: {error['message']}"
                )
        return infos


def _pool_size(cluster: dict[str, float], opts: RayOptions) -> int:
    """``concurrency``, or as many actors as the cluster fits; ValueError when the asked
    actors can never all run at once (Ray would wait forever)."""
    asks = {"CPU": opts.num_cpus, "GPU": opts.num_gpus, "memory": float(opts.memory or 0)}
    fits = [cluster.get(res, 0.0) / need for res, need in asks.items() if need > 0]
    if opts.concurrency:
        count = opts.concurrency
    elif fits:
        count = max(1, math.floor(min(fits) + 1e-9))
    else:  # num_cpus=0: nothing limits the pool; one actor per CPU still keeps it busy
        count = max(1, int(cluster.get("CPU", 1)))
    for res, need in asks.items():
        has = cluster.get(res, 0.0)
        if need > 0 and count * need > has + 1e-9:
            option = {"CPU": "num_cpus", "GPU": "num_gpus", "memory": "memory"}[res]
            raise ValueError(
                f"{count} Ray actors with {option}={need:g} each need {count * need:g} {res}, "
                f"but the Ray cluster has {has:g}: lower concurrency or {option} "
                "(fractions share a CPU or GPU)"
            )
    return count


def _auto_batch(records: int, actors: int) -> int:
    """About four chunks per actor: enough to balance uneven records and show progress,
    few enough that the per-chunk round trip (~1 ms) is negligible."""
    return max(1, min(MAX_AUTO_BATCH, math.ceil(records / (4 * actors))))


def _count_records(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for line in f if line.strip())


class _RaySession:
    """Ray that this module started (the caller had not): it stays up while a RayFunction
    uses it and shuts down with the last one, so a script that never heard of Ray leaves
    no Ray processes behind. Ray that the caller started is never shut down here."""

    users = 0

    @classmethod
    def acquire(cls, ray: Any) -> bool:
        if not ray.is_initialized():
            ray.init(include_dashboard=False)
            cls.users = 0
        elif cls.users == 0:
            return False  # the caller's Ray
        cls.users += 1
        return True

    @classmethod
    def release(cls, ray: Any) -> None:
        cls.users -= 1
        if cls.users == 0 and ray.is_initialized():
            ray.shutdown()
