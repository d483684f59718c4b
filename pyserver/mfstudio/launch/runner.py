"""Starting a flow's ``run``/``resume`` as a child process, streaming its output, and
stopping every process of it on cancel.

The flow runs in a new session (its own process group), so cancelling can signal the whole
group: Metaflow's runtime and every task worker it forked, even when the runtime itself is
already gone. Cancel escalates SIGINT (Metaflow's own clean shutdown: it kills its workers
and marks the run) -> SIGTERM -> SIGKILL, waiting a grace period between each, and returns
only when no process of the group is left.

The run id comes from ``--run-id-file`` (written by Metaflow as soon as the run exists), in
a private temporary folder, so nothing is parsed out of the output. The datastore root is
the working folder (the flow's workspace folder): ``.metaflow`` is created there first so
Metaflow does not pick a ``.metaflow`` of a parent folder, and the run-state watcher reads
the same place.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "GRACE_SECONDS",
    "LaunchedRun",
    "RunCallbacks",
    "group_alive",
    "group_gone_within",
    "signal_group",
    "start_run",
]

GRACE_SECONDS = (5.0, 3.0)
"""How long cancel waits after SIGINT, then after SIGTERM, before the next signal."""

_ids = itertools.count(1)


@dataclass(frozen=True)
class RunCallbacks:
    """Called from the run's reader thread: ``output`` with each line (no newline),
    ``exited`` once with the return code after the last line."""

    output: Callable[[LaunchedRun, str], None]
    exited: Callable[[LaunchedRun, int], None]


def group_alive(pgid: int) -> bool:
    """True while any process of group ``pgid`` exists (zombies included)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def group_gone_within(process: subprocess.Popen[str], pgid: int, seconds: float) -> bool:
    """Waits until the leader ``process`` was reaped and no process of its group is left."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None and not group_alive(pgid):
            return True
        time.sleep(0.05)
    return False


def signal_group(
    process: subprocess.Popen[str], pgid: int, steps: Iterable[tuple[signal.Signals, float]]
) -> None:
    """Sends each signal of ``steps`` to the whole group in turn, stopping as soon as the
    group is gone within that step's wait."""
    for sig, wait in steps:
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        if group_gone_within(process, pgid, wait):
            return


class LaunchedRun:
    """One started run. ``run_id`` is known once Metaflow created the run; ``return_code``
    once the process ended."""

    def __init__(
        self,
        argv: Sequence[str],
        flow: str,
        cwd: Path,
        env: Mapping[str, str],
        callbacks: RunCallbacks,
    ) -> None:
        self.launch_id = f"launch-{os.getpid()}-{next(_ids)}"
        self.flow = flow
        self.cwd = cwd
        self._tmp = Path(tempfile.mkdtemp(prefix="mfstudio-run-"))
        self._id_file = self._tmp / "run-id"
        self.argv = [*argv, "--run-id-file", str(self._id_file)]
        self._callbacks = callbacks
        self._run_id: str | None = None
        self.return_code: int | None = None
        self.cancelled = False
        self.started_at = time.time()
        (cwd / ".metaflow").mkdir(exist_ok=True)
        self.process = subprocess.Popen(
            self.argv,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
        )
        self.pgid = self.process.pid  # a new session: the leader's pid is the group id
        self._done = threading.Event()
        self._reader = threading.Thread(
            target=self._read, name=f"mfstudio-run-{self.launch_id}", daemon=True
        )
        self._reader.start()

    @property
    def run_id(self) -> str | None:
        """The run id Metaflow wrote, once it did (read on demand, then kept)."""
        if self._run_id is None:
            try:
                text = self._id_file.read_text(encoding="utf-8").strip()
            except OSError:
                return None
            self._run_id = text or None
        return self._run_id

    @property
    def run(self) -> str | None:
        """``Flow/run_id`` once known."""
        run_id = self.run_id
        return None if run_id is None else f"{self.flow}/{run_id}"

    @property
    def finished(self) -> bool:
        return self._done.is_set()

    def _read(self) -> None:
        assert self.process.stdout is not None
        try:
            for line in self.process.stdout:
                self._callbacks.output(self, line.rstrip("\r\n"))
        finally:
            self.return_code = self.process.wait()
            self.run_id  # noqa: B018 - read the id file before the folder goes
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._done.set()
            self._callbacks.exited(self, self.return_code)

    def wait(self, timeout: float | None = None) -> int | None:
        """The return code once the process ended and its output was read; None on timeout."""
        self._done.wait(timeout)
        return self.return_code

    def cancel(self, grace: Sequence[float] = GRACE_SECONDS) -> bool:
        """Stop every process of the run: SIGINT, SIGTERM, then SIGKILL to the whole group,
        each after the previous one's grace period. Blocks until the group is empty (at
        most the grace periods plus a moment). False when it had already ended."""
        if self.finished and not group_alive(self.pgid):
            return False
        self.cancelled = True
        waits = [*grace, 5.0, 5.0, 5.0][:3]
        signals = (signal.SIGINT, signal.SIGTERM, signal.SIGKILL)
        signal_group(self.process, self.pgid, zip(signals, waits, strict=True))
        self.wait(5.0)
        return True


def start_run(
    argv: Sequence[str],
    flow: str,
    cwd: Path,
    callbacks: RunCallbacks,
    env: Mapping[str, str] | None = None,
) -> LaunchedRun:
    """Start ``argv`` (from ``run_argv``/``resume_argv``) in ``cwd`` with ``--run-id-file``
    added; output lines and the exit go to ``callbacks``."""
    environ = dict(os.environ if env is None else env)
    environ.setdefault("PYTHONUNBUFFERED", "1")  # lines as they are printed, not at exit
    if not environ.get("USERNAME"):  # Metaflow refuses to run without a user name
        environ["USERNAME"] = environ.get("USER") or environ.get("LOGNAME") or "vscode"
    return LaunchedRun(argv, flow, cwd, environ, callbacks)
