"""Datastores for the query benchmarks: real Metaflow runs, made large by cloning, cached.

Each fixture is a folder holding ``.metaflow``, under
``~/.cache/metaflow-studio/bench-query-<VERSION>/<name>/`` (``$MFSTUDIO_BENCH_CACHE``
replaces ``~/.cache/metaflow-studio``). It is built on first use and reused afterwards;
``fixture.json`` is written last, so a build that was interrupted is started again. Bump
``VERSION`` whenever a recipe below changes. Fixtures are built in place, because Metaflow
writes the absolute datastore path into its metadata (``ds-root``, artifact ``location``).

Recipes (the benchmark sizes; the test builds tiny versions of each):

- ``foreach-real``: ONE REAL run of test-fixtures/runs/bench_foreach_flow.py with 1,000
  foreach tasks, three of which really fail (user code raises; the run then fails). About
  0.55 s of CPU per task: ~5 min on 2 idle cores, 18 min measured on a busy machine; no
  task is replicated, every task folder is Metaflow's own.
- ``runs-5000`` / ``runs-50000``: four real runs of test-fixtures/runs/bench_runs_flow.py
  (three succeeded with tags ``nightly``/``adhoc``, one failed), then clones of those run
  folders under new, older run ids, one per minute back in time (:func:`clone_run`).
- ``log-1g``: a real foreach task whose ``0.runtime_stdout.log`` is extended with
  MFLOG-formatted lines to 1 GiB, written for real in 8 MB chunks (not sparse).
- ``artifacts-10000``: the 1,000-task run cloned under ten run ids into its own datastore:
  10,000 foreach tasks with real ``0.data.json`` files (blobs hard-linked: they are
  content-addressed and never change).

A clone is what Metaflow would have written had the run started ``delta`` earlier: every
file is copied (no hard links, so file times can differ); in ``_meta/*.json`` the run id
(``run_number``), the datastore path and every ``ts_epoch`` are rewritten, timestamps in
``sysmeta_<field>_<ts>.json`` names are shifted, ``N.attempt.json`` times are shifted and
every file's mtime is the original's shifted by ``delta``. Log contents (MFLOG timestamps)
are copied unchanged. Run ids are start times in microseconds, as Metaflow's local runs.

``python bench/query_fixtures.py`` builds (or finds) every fixture and prints its size and
build time; scripts/bench.sh runs it like the benchmarks. The bottom half holds what the
``bench_query_*`` scripts share: timing in fresh processes (the client's side, cold starts)
with wall and CPU time, and counting the client's reads with audit hooks.
"""

from __future__ import annotations

import atexit
import json
import math
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from runs_fixture import metaflow_env  # noqa: E402

__all__ = [
    "VERSION",
    "Fixture",
    "artifact_tasks",
    "big_log",
    "build_artifact_tasks",
    "build_big_log",
    "build_foreach",
    "build_many_runs",
    "cache_root",
    "clone_run",
    "extend_log",
    "foreach_failures",
    "in_subprocess",
    "many_runs",
    "p50",
    "ratio_line",
    "timed_subprocess",
    "timings",
]

VERSION = "1"
FOREACH_FLOW = ROOT / "test-fixtures" / "runs" / "bench_foreach_flow.py"
RUNS_FLOW = ROOT / "test-fixtures" / "runs" / "bench_runs_flow.py"
USERNAME = "mfstudio-bench"
FAILING_ITEMS = (137, 512, 868)
GIB = 1 << 30

_MICROS = 1_000_000
_TS_EPOCH = re.compile(r'"ts_epoch": (\d+)')
_ATTEMPT_TIME = re.compile(r'"time": ([0-9.]+)')
_SYSMETA_NAME = re.compile(r"^(sysmeta_.+_)(\d{13})(\.json)$")
_ATTEMPT_JSON = re.compile(r"^\d+\.attempt\.json$")
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL


@dataclass(frozen=True)
class Fixture:
    """A built datastore: ``root`` holds ``.metaflow``; ``target`` is the pathspec the
    benchmark queries (a flow, run or task); ``details`` are its counts and build time."""

    root: Path
    target: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def metaflow_dir(self) -> Path:
        return self.root / ".metaflow"


# -- running Metaflow ---------------------------------------------------------------------


def bench_env(root: Path, client_cache: Path | None = None) -> dict[str, str]:
    """The environment of a Metaflow process (run or client) on the datastore at ``root``."""
    env: dict[str, str] = metaflow_env(root)
    env["USERNAME"] = USERNAME
    if client_cache is not None:
        env["METAFLOW_CLIENT_CACHE_PATH"] = str(client_cache)
    return env


def _run_flow(root: Path, flow_file: Path, args: Sequence[str], expect_ok: bool) -> str:
    """Run ``flow_file`` for real in ``root`` and return the new run id."""
    (root / ".metaflow").mkdir(parents=True, exist_ok=True)
    local_flow = root / flow_file.name
    shutil.copy(flow_file, local_flow)
    id_file = root / f"run-{time.time_ns()}.id"
    command = [sys.executable, str(local_flow), "--no-pylint", "--quiet", "run"]
    proc = subprocess.run(
        [*command, "--run-id-file", str(id_file), *args],
        cwd=root,
        env=bench_env(root),
        capture_output=True,
        text=True,
        check=False,
    )
    if (proc.returncode == 0) != expect_ok:
        wanted = "succeed" if expect_ok else "fail"
        raise RuntimeError(f"{flow_file.name} {' '.join(args)} did not {wanted}:\n{proc.stderr}")
    run_id = id_file.read_text().strip()
    id_file.unlink()
    return run_id


def in_subprocess(root: Path, code: str, client_cache: Path | None = None) -> Any:
    """Run ``code`` in a fresh Python process on the datastore at ``root``; it must print
    one JSON value as its last line, which is returned. Used for the client's side of the
    benchmarks (Metaflow reads its configuration at import, so one root per process) and
    for cold starts."""
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env=bench_env(root, client_cache),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"subprocess failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- cloning runs ------------------------------------------------------------------------


@dataclass(frozen=True)
class _SeedFile:
    rel: str
    data: bytes
    mtime_ns: int
    kind: str  # "meta" (_meta JSON), "attempt" (N.attempt.json) or "plain"


class _RunTemplate:
    """A real run folder read once, so that thousands of clones are written from memory."""

    def __init__(self, metaflow_dir: Path, flow: str, run_id: str) -> None:
        self.metaflow_dir = metaflow_dir
        self.flow = flow
        self.run_id = run_id
        self.dirs: list[str] = []
        self.files: list[_SeedFile] = []
        run_dir = metaflow_dir / flow / run_id
        for folder, dirs, files in os.walk(run_dir):
            base = Path(folder)
            rel_base = base.relative_to(run_dir)
            self.dirs.extend(str(rel_base / d) for d in sorted(dirs))
            for name in files:
                path = base / name
                kind = "plain"
                if base.name == "_meta":
                    kind = "meta"
                elif _ATTEMPT_JSON.match(name):
                    kind = "attempt"
                data, mtime_ns = path.read_bytes(), path.stat().st_mtime_ns
                self.files.append(_SeedFile(str(rel_base / name), data, mtime_ns, kind))

    def write(self, dst_metaflow_dir: Path, new_run_id: str) -> int:
        """Write the clone under ``new_run_id``; returns the number of files written."""
        delta_us = int(new_run_id) - int(self.run_id)
        delta_ms = round(delta_us / 1000)
        old_root, new_root = str(self.metaflow_dir), str(dst_metaflow_dir)
        run_dir = dst_metaflow_dir / self.flow / new_run_id
        run_dir.mkdir(parents=True)
        for rel in self.dirs:
            (run_dir / rel).mkdir()
        old_quoted, new_quoted = f'"{self.run_id}"', f'"{new_run_id}"'

        def shift_ms(match: re.Match[str]) -> str:
            return f'"ts_epoch": {int(match.group(1)) + delta_ms}'

        def shift_s(match: re.Match[str]) -> str:
            return f'"time": {float(match.group(1)) + delta_us / _MICROS}'

        for seed in self.files:
            rel, data = seed.rel, seed.data
            if seed.kind == "meta":
                text = data.decode().replace(old_quoted, new_quoted)
                if old_root != new_root:
                    text = text.replace(old_root, new_root)
                data = _TS_EPOCH.sub(shift_ms, text).encode()
                head, name = os.path.split(rel)
                match = _SYSMETA_NAME.match(name)
                if match:
                    stamp = int(match.group(2)) + delta_ms
                    rel = os.path.join(head, f"{match.group(1)}{stamp}{match.group(3)}")
            elif seed.kind == "attempt":
                data = _ATTEMPT_TIME.sub(shift_s, data.decode()).encode()
            # os-level calls: a 50,000-run fixture writes millions of small files
            fd = os.open(run_dir / rel, _NEW_FILE, 0o600)
            try:
                os.write(fd, data)
                mtime = seed.mtime_ns + delta_us * 1000
                os.utime(fd, ns=(mtime, mtime))
            finally:
                os.close(fd)
        return len(self.files)


def _link_tree(src: Path, dst: Path) -> None:
    """Hard-link every file of ``src`` into ``dst`` (for immutable, content-addressed
    blobs), keeping what ``dst`` already has."""
    for folder, _dirs, files in os.walk(src):
        target = dst / Path(folder).relative_to(src)
        target.mkdir(parents=True, exist_ok=True)
        for name in files:
            if not (target / name).exists():
                os.link(Path(folder) / name, target / name)


def clone_run(
    src_metaflow_dir: Path,
    flow: str,
    run_id: str,
    new_run_ids: Sequence[str],
    dst_metaflow_dir: Path | None = None,
) -> int:
    """Clone run ``flow/run_id`` under each of ``new_run_ids`` (see the module docstring),
    into ``dst_metaflow_dir`` (default: the same datastore; another one also gets the
    flow's blobs hard-linked and its flow-level ``_meta``). Returns the files written."""
    dst = dst_metaflow_dir or src_metaflow_dir
    if dst != src_metaflow_dir:
        _link_tree(src_metaflow_dir / flow / "data", dst / flow / "data")
        src_meta = src_metaflow_dir / flow / "_meta"
        if src_meta.is_dir() and not (dst / flow / "_meta").exists():
            shutil.copytree(src_meta, dst / flow / "_meta")
    template = _RunTemplate(src_metaflow_dir, flow, run_id)
    return sum(template.write(dst, new_id) for new_id in new_run_ids)


# -- big logs ------------------------------------------------------------------------------


def _mflog_lines(count: int, start: int, base_us: int) -> str:
    """``count`` MFLOG lines numbered from ``start``, one microsecond apart from
    ``base_us`` (epoch microseconds); the date part is formatted once per second."""
    out: list[str] = []
    append = out.append
    last_second, prefix = -1, ""
    for i in range(start, start + count):
        second, micros = divmod(base_us + i, _MICROS)
        if second != last_second:
            last_second = second
            prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        append(
            f"[MFLOG|0|{prefix}.{micros:06d}Z|task|5eed1065-0000-4000-8000-{i:012x}]"
            f"batch {i}: loss=0.{i % 9973:04d} rows=512 ok\n"
        )
    return "".join(out)


def extend_log(path: Path, size: int, chunk_lines: int = 80_000) -> int:
    """Grow the MFLOG log at ``path`` to about ``size`` bytes: its lines but the last, then
    generated lines, then its last line. Written to a new file in big chunks and renamed
    over the original (whose mtime it keeps). Returns the final size."""
    original = path.read_bytes()
    lines = original.splitlines(keepends=True)
    head, last = b"".join(lines[:-1]), (lines[-1] if lines else b"")
    stat = path.stat()
    base_us = (stat.st_mtime_ns // 1000) - 600 * _MICROS
    tmp = path.with_name(path.name + ".building")
    written = 0
    with open(tmp, "wb") as fh:
        fh.write(head)
        written += len(head)
        start = 0
        while True:
            chunk = _mflog_lines(chunk_lines, start, base_us).encode()
            room = size - len(last) - written
            if len(chunk) > room:
                cut = chunk.rfind(b"\n", 0, room)
                chunk = chunk[: cut + 1] if cut >= 0 else b""
            fh.write(chunk)
            written += len(chunk)
            start += chunk_lines
            if size - len(last) - written < 200 or not chunk:
                break
        fh.write(last)
        written += len(last)
    os.chmod(tmp, stat.st_mode)
    os.replace(tmp, path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return written


# -- recipes -------------------------------------------------------------------------------


def _task_dirs(metaflow_dir: Path, flow: str, run_id: str, step: str) -> list[Path]:
    step_dir = metaflow_dir / flow / run_id / step
    return sorted((p for p in step_dir.iterdir() if p.name.isdigit()), key=lambda p: int(p.name))


def _failed_task_count(metaflow_dir: Path, flow: str, run_id: str, step: str) -> int:
    failed = 0
    for task in _task_dirs(metaflow_dir, flow, run_id, step):
        info = json.loads((task / "0.runtime").read_text())
        failed += not info["success"]
    return failed


def build_foreach(root: Path, width: int, failing: Sequence[int]) -> Fixture:
    """One real run of the foreach flow: ``width`` tasks, ``failing`` ones really fail."""
    barrier = root / "barrier"
    barrier.mkdir(parents=True, exist_ok=True)
    args = ["--width", str(width), "--fail", ",".join(map(str, failing))]
    args += ["--barrier", str(barrier), "--max-workers", "7", "--max-num-splits", "100000"]
    started = time.perf_counter()
    run_id = _run_flow(root, FOREACH_FLOW, args, expect_ok=not failing)
    build_s = time.perf_counter() - started
    shutil.rmtree(barrier)
    metaflow_dir = root / ".metaflow"
    tasks = len(_task_dirs(metaflow_dir, "BenchForeachFlow", run_id, "work"))
    failed = _failed_task_count(metaflow_dir, "BenchForeachFlow", run_id, "work")
    if tasks != width or failed != len(failing):
        raise RuntimeError(f"expected {width} tasks, {len(failing)} failed; got {tasks}, {failed}")
    return Fixture(
        root,
        f"BenchForeachFlow/{run_id}",
        {"foreach_tasks": tasks, "failed_tasks": failed, "real_run_s": round(build_s, 1)},
    )


_SEED_RUNS: tuple[tuple[tuple[str, ...], bool], ...] = (
    (("--tag", "nightly", "--alpha", "0.1"), True),
    (("--tag", "nightly", "--fail", "true"), False),
    (("--tag", "adhoc", "--alpha", "2.5"), True),
    (("--tag", "nightly", "--alpha", "0.3"), True),
)


def _write_clones(
    templates: Sequence[_RunTemplate], metaflow_dir: Path, oldest: int, spacing_s: int, ks: range
) -> int:
    """Clones number ``ks`` (clone k copies seed k mod len(templates), ``k * spacing_s``
    before the oldest seed); one worker's share of :func:`build_many_runs`."""
    files = 0
    for k in ks:
        new_id = str(oldest - k * spacing_s * _MICROS)
        files += templates[k % len(templates)].write(metaflow_dir, new_id)
    return files


def build_many_runs(root: Path, count: int, spacing_s: int = 60, workers: int = 3) -> Fixture:
    """Four real runs of the two-step flow, then clones one per ``spacing_s`` back in time
    until the flow has ``count`` runs. Creating millions of small files is kernel work
    (~0.2 ms of CPU each here), so ``workers`` processes share the clones."""
    seeds = [_run_flow(root, RUNS_FLOW, args, ok) for args, ok in _SEED_RUNS]
    metaflow_dir = root / ".metaflow"
    oldest = min(int(s) for s in seeds)
    templates = [_RunTemplate(metaflow_dir, "BenchRunsFlow", s) for s in seeds]
    started = time.perf_counter()
    ks = range(1, count - len(seeds) + 1)
    shares = [ks[i::workers] for i in range(workers)]
    context = multiprocessing.get_context("fork")  # no re-import of this script
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        jobs = [
            pool.submit(_write_clones, templates, metaflow_dir, oldest, spacing_s, share)
            for share in shares
        ]
        files = sum(job.result() for job in jobs)
    return Fixture(
        root,
        "BenchRunsFlow",
        {
            "runs": count,
            "real_runs": len(seeds),
            "files_written": files,
            "clone_s": round(time.perf_counter() - started, 1),
        },
    )


def build_big_log(root: Path, size: int) -> Fixture:
    """A real two-task foreach run; its first work task's stdout grows to ``size`` bytes."""
    run_id = _run_flow(root, FOREACH_FLOW, ["--width", "2"], expect_ok=True)
    task = _task_dirs(root / ".metaflow", "BenchForeachFlow", run_id, "work")[0]
    started = time.perf_counter()
    final = extend_log(task / "0.runtime_stdout.log", size)
    return Fixture(
        root,
        f"BenchForeachFlow/{run_id}/work/{task.name}",
        {"log_bytes": final, "extend_s": round(time.perf_counter() - started, 1)},
    )


def build_artifact_tasks(root: Path, tasks: int, source: Fixture) -> Fixture:
    """Clones of ``source``'s run (a real foreach run) into a datastore of its own, one per
    hour back in time, until the clones hold ``tasks`` foreach tasks."""
    flow, run_id = source.target.split("/")
    width = len(_task_dirs(source.metaflow_dir, flow, run_id, "work"))
    copies = math.ceil(tasks / width)
    new_ids = [str(int(run_id) - k * 3600 * _MICROS) for k in range(1, copies + 1)]
    started = time.perf_counter()
    files = clone_run(source.metaflow_dir, flow, run_id, new_ids, root / ".metaflow")
    return Fixture(
        root,
        flow,
        {
            "runs": copies,
            "foreach_tasks": copies * width,
            "files_written": files,
            "clone_s": round(time.perf_counter() - started, 1),
        },
    )


# -- measuring ----------------------------------------------------------------------------

_COUNT_HOOK = """
import os as _os, sys as _sys
_OPENED, _LISTED = [], [0]
_ROOT = _os.path.realpath(_os.environ["METAFLOW_DATASTORE_SYSROOT_LOCAL"])
def _hook(event, args):
    if event == "open" and isinstance(args[0], str) and args[0].startswith(_ROOT):
        _OPENED.append(args[0])
    elif event in ("os.listdir", "os.scandir") and str(args[0]).startswith(_ROOT):
        _LISTED[0] += 1
_sys.addaudithook(_hook)
def _counts():
    size = sum(_os.path.getsize(p) for p in _OPENED if _os.path.isfile(p))
    blobs = sum(1 for p in _OPENED if _os.path.relpath(p, _ROOT).split(_os.sep)[2:3] == ["data"])
    return {"files_read": len(_OPENED), "bytes_read": size, "dirs_listed": _LISTED[0],
            "blob_files_read": blobs}
"""


Sample = tuple[float, float]
"""One measurement in milliseconds: (wall clock, CPU time of the measured process). On a
shared, busy machine wall time also counts waiting for a core; CPU time does not."""


def _clock() -> Sample:
    return time.perf_counter() * 1000, time.process_time() * 1000


def _since(start: Sample) -> Sample:
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


def timed_subprocess(
    root: Path,
    imports: str,
    setup: str,
    expr: str,
    calls: int = 1,
    count: bool = False,
    client_cache: Path | None = None,
) -> dict[str, Any]:
    """Time ``expr`` in a fresh process on the datastore at ``root``: ``import`` is the
    :data:`Sample` of ``imports`` + ``setup``, ``calls`` the samples of each evaluation in
    that process (the first is the cold one). ``result`` is ``len(value)`` of the last one.
    With ``count``, Python's audit hooks count the files opened and folders listed under
    ``root`` (bytes are the sizes of the files opened), for the client's side; the hook
    adds a little to each open, so counted timings are used only where opens are few.
    ``rss_kb`` is the process's peak memory."""
    code = "import json, time\n"
    code += "def _clock(): return time.perf_counter() * 1000, time.process_time() * 1000\n"
    code += "def _since(s): w, c = _clock(); return w - s[0], c - s[1]\n"
    code += "_T0 = _clock()\n" + (_COUNT_HOOK if count else "") + imports + "\n" + setup + "\n"
    code += "_IMPORT = _since(_T0)\n_CALLS = []\n"
    code += f"for _ in range({calls}):\n    _S = _clock()\n    _V = {expr}\n"
    code += "    _CALLS.append(_since(_S))\n"
    code += "import resource\n_RSS = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    code += "_OUT = {'import': _IMPORT, 'calls': _CALLS, 'result': len(_V), 'rss_kb': _RSS}\n"
    if count:
        code += "_OUT['reads'] = _counts()\n"
    code += "print(json.dumps(_OUT))"
    result: dict[str, Any] = in_subprocess(root, code, client_cache)
    return result


def fresh_client_cache() -> Path:
    """An empty METAFLOW_CLIENT_CACHE_PATH for a cold start of the client, removed when
    this process exits."""
    path = Path(tempfile.mkdtemp(prefix="mf-client-cache-"))
    atexit.register(shutil.rmtree, path, True)
    return path


CLIENT_IMPORTS = "from metaflow import Flow, Run, Task, namespace\nnamespace(None)"
OURS_IMPORTS = "from mfstudio.query import api"


def timings(fn: Callable[[], object], repeat: int) -> list[Sample]:
    """Samples of ``repeat`` calls of ``fn`` in this process."""
    out = []
    for _ in range(repeat):
        start = _clock()
        fn()
        out.append(_since(start))
    return out


def p50(samples: Sequence[Sequence[float]]) -> Sample:
    """Median wall and median CPU time, each on its own."""
    walls = sorted(s[0] for s in samples)
    cpus = sorted(s[1] for s in samples)
    return walls[len(walls) // 2], cpus[len(cpus) // 2]


def plus(a: Sequence[float], b: Sequence[float]) -> Sample:
    return a[0] + b[0], a[1] + b[1]


def machine() -> str:
    """The machine and how busy it is: ratios, not absolute numbers, compare across runs."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores ({model}), load average {load}"


def _ratio(ours: float, theirs: float) -> str:
    return f"{theirs / ours:,.1f}x" if ours > 0 else "inf"


def ratio_line(label: str, ours: Sequence[float], theirs: Sequence[float], target: str) -> str:
    """``label: wall ours vs client (ratio), CPU ours vs client (ratio), target``."""
    return (
        f"{label}: wall {ours[0]:,.1f} vs client {theirs[0]:,.1f} ms = "
        f"{_ratio(ours[0], theirs[0])} faster; CPU {ours[1]:,.1f} vs {theirs[1]:,.1f} ms = "
        f"{_ratio(ours[1], theirs[1])} (target {target})"
    )


# -- the cache -----------------------------------------------------------------------------


def cache_root() -> Path:
    base = os.environ.get("MFSTUDIO_BENCH_CACHE") or Path.home() / ".cache" / "metaflow-studio"
    return Path(base) / f"bench-query-{VERSION}"


def _cached(name: str, build: Callable[[Path], Fixture]) -> Fixture:
    """The fixture ``name`` from the cache, built first when missing or half-built."""
    root = cache_root() / name
    marker = root / "fixture.json"
    if marker.exists():
        saved = json.loads(marker.read_text())
        return Fixture(root, saved["target"], saved["details"])
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    print(f"building fixture {name} in {root} (once; cached afterwards)...", flush=True)
    started = time.perf_counter()
    fixture = build(root)
    details = {**fixture.details, "build_s": round(time.perf_counter() - started, 1)}
    marker.write_text(json.dumps({"target": fixture.target, "details": details}, indent=1))
    return Fixture(root, fixture.target, details)


def foreach_failures() -> Fixture:
    """The 1,000-task foreach run with 3 failed tasks."""
    return _cached("foreach-real", lambda root: build_foreach(root, 1000, FAILING_ITEMS))


def many_runs(count: int) -> Fixture:
    """A flow with ``count`` runs (5,000 and 50,000 in the benchmarks)."""
    return _cached(f"runs-{count}", lambda root: build_many_runs(root, count))


def big_log() -> Fixture:
    """A task with a 1 GiB stdout log."""
    return _cached("log-1g", lambda root: build_big_log(root, GIB))


def artifact_tasks() -> Fixture:
    """10,000 foreach tasks with artifacts, across ten runs."""
    source = foreach_failures()
    return _cached("artifacts-10000", lambda root: build_artifact_tasks(root, 10_000, source))


def main() -> None:
    for label, make in (
        ("1,000-task foreach, 3 failed", foreach_failures),
        ("5,000 runs", lambda: many_runs(5000)),
        ("50,000 runs", lambda: many_runs(50_000)),
        ("1 GiB log", big_log),
        ("10,000 tasks with artifacts", artifact_tasks),
    ):
        fixture = make()
        print(f"{label}: {fixture.target} in {fixture.root}\n  {fixture.details}")


if __name__ == "__main__":
    main()
