"""A run's state as the DAG overlay draws it (media/src/protocol.ts ``RunState``), from the
query layer, and a watcher that keeps it current while the run is live.

State comes from the datastore (``query.run_summary``: one listing and one small status
file per task), never from the process that runs the flow, so a run started in a terminal
lights up the same way as one started from the editor. The process, when we started it,
only adds what the files cannot say: that it ended (a cancelled run's tasks never write a
status, so its steps would look running forever).

Foreach progress needs the number of tasks a split creates: Metaflow stores it as the split
task's ``_foreach_num_splits`` artifact, a small int read once per split through
``query.artifact_value`` (an ordinary, size-bounded unpickle of a value Metaflow itself wrote)
after the split step succeeded, then cached.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from mfstudio import query
from mfstudio.flowgraph import Flow
from mfstudio.query import QueryBackend
from mfstudio.query.errors import QueryError
from mfstudio.query.model import Cost, RunSummary, StepSummary

__all__ = [
    "LIVE_POLL_SECONDS",
    "SETTLED_READ_SECONDS",
    "RunWatch",
    "StepState",
    "foreach_splits",
    "run_state",
    "step_state",
    "watch_until_done",
]

LIVE_POLL_SECONDS = 0.4
"""Between two reads of a live run: a finished task shows within this plus one read."""

SETTLED_READ_SECONDS = 10.0
"""A finished run is read again this often (its files may still change: a late retry)."""

StepStatus = Literal["pending", "running", "succeeded", "failed"]


@dataclass(frozen=True, slots=True)
class StepState:
    status: StepStatus
    running: int
    succeeded: int
    failed: int
    expected: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "tasks": {"running": self.running, "succeeded": self.succeeded, "failed": self.failed},
            "expected": self.expected,
        }


def step_state(step: StepSummary, expected: int | None, run_ended: bool) -> StepState:
    """A step is running while any task runs (or a foreach has not started all its tasks),
    failed once a task failed and none runs, else succeeded. When the run ended, nothing
    of it is still running: tasks without a status were stopped, so they count as failed."""
    running, succeeded, failed = (step.tasks.get(k, 0) for k in ("running", "succeeded", "failed"))
    if run_ended:
        failed, running = failed + running, 0
    status: StepStatus
    if running or (not run_ended and not failed and expected is not None and succeeded < expected):
        status = "running"
    elif failed:
        status = "failed"
    else:
        status = "succeeded"
    return StepState(status, running, succeeded, failed, expected)


def run_state(
    summary: RunSummary,
    expected: Mapping[str, int] | None = None,
    exit_code: int | None = None,
) -> dict[str, Any]:
    """``RunState`` JSON for ``summary``: steps missing from it are pending (the overlay's
    default). ``exit_code``: the process we started ended with it (None: not ours, or still
    running); a run whose files still say running is then failed (cancelled or crashed)."""
    status = summary.run.status
    if exit_code is not None and status == "running":
        status = "succeeded" if exit_code == 0 else "failed"
    ended = status != "running"
    counts = expected or {}
    steps = {s.name: step_state(s, counts.get(s.name), ended).to_json() for s in summary.steps}
    return {"run": summary.run.pathspec, "status": status, "steps": steps}


def foreach_splits(flow: Flow | None) -> dict[str, str]:
    """Foreach body step -> its split step, from the flow's graph."""
    if flow is None:
        return {}
    return {
        step.next[0]: step.name
        for step in flow.steps.values()
        if step.type == "split-foreach" and len(step.next) == 1
    }


@dataclass
class RunWatch:
    """Follows one run (``run``) or the newest run of a flow (``flow``), answering
    :meth:`poll` with a new ``RunState`` when it changed and None otherwise. With neither
    (a run just launched, its id not known yet) it answers None until ``run`` is set.

    ``splits``: foreach body -> split step (see :func:`foreach_splits`). ``exit_code``:
    returns the exit of the process that runs it when we started it. ``cost`` adds up what
    every poll read, for benchmarks and tests. ``opener``: gives the backend once the
    datastore exists, when ``backend`` is None."""

    backend: QueryBackend | None
    run: str | None = None
    flow: str | None = None
    splits: Mapping[str, str] = field(default_factory=dict)
    exit_code: Callable[[], int | None] | None = None
    cost: Cost = field(default_factory=Cost)
    last: dict[str, Any] | None = None
    summary: RunSummary | None = None  # the summary ``last`` was made from
    _expected: dict[str, int] = field(default_factory=dict)
    _full_read_at: float = 0.0
    _polled_after_exit: bool = False
    opener: Callable[[], QueryBackend | None] | None = None

    @property
    def live(self) -> bool:
        """True until the run's final state was seen and, for a run we started, its
        process ended (a task between two retry attempts briefly looks failed)."""
        if self.exit_code is not None:
            return not self._polled_after_exit
        return self.last is None or self.last["status"] == "running"

    def poll(self) -> dict[str, Any] | None:
        """The run's state when it changed since the last poll, else None. A finished run
        is read again at most every :data:`SETTLED_READ_SECONDS` (a flow watch checks the
        newest run id on every poll, which costs one small page). Without a backend yet
        (no datastore before the first run) it asks ``opener`` for one on each poll."""
        if self.backend is None:
            self.backend = self.opener() if self.opener is not None else None
            if self.backend is None:
                return None
        run = self.run or (self._newest() if self.flow else None)
        if run is None:
            return None
        now = time.monotonic()
        same = self.last is not None and self.last["run"] == run
        if same and not self.live and now - self._full_read_at < SETTLED_READ_SECONDS:
            return None
        exit_code = self.exit_code() if self.exit_code is not None else None
        try:
            summary = query.run_summary(run, backend=self.backend)
        except QueryError:
            return None  # not written yet (a run that just started), or gone
        self._full_read_at = now
        self.cost.add(summary.cost)
        self._learn_expected(run, summary)
        self._polled_after_exit = exit_code is not None
        state = run_state(summary, self._expected, exit_code)
        if state == self.last:
            return None
        self.last = state
        self.summary = summary
        return state

    def _newest(self) -> str | None:
        assert self.flow is not None and self.backend is not None
        try:
            page = query.list_runs(self.flow, limit=1, backend=self.backend)
        except QueryError:
            return None
        self.cost.add(page.cost)
        return page.runs[0].pathspec if page.runs else None

    def _learn_expected(self, run: str, summary: RunSummary) -> None:
        done = {s.name for s in summary.steps if s.tasks.get("succeeded")}
        for body, split in self.splits.items():
            if body in self._expected or split not in done:
                continue
            count = self._split_count(f"{run}/{split}")
            if count is not None:
                self._expected[body] = count

    def _split_count(self, step: str) -> int | None:
        assert self.backend is not None
        try:
            listing = query.tasks(step, limit=1, backend=self.backend)
            self.cost.add(listing.cost)
            if not listing.tasks:
                return None
            value = query.artifact_value(
                listing.tasks[0].pathspec, "_foreach_num_splits", backend=self.backend
            )
        except QueryError:
            return None
        self.cost.add(value.cost)
        try:
            return int(value.preview)
        except ValueError:
            return None


def watch_until_done(
    watch: RunWatch, on_state: Callable[[dict[str, Any]], None], timeout: float
) -> dict[str, Any] | None:
    """Poll ``watch`` every :data:`LIVE_POLL_SECONDS` until its run is no longer live,
    calling ``on_state`` with each new state (tests, the benchmark and the CLI use it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = watch.poll()
        if state is not None:
            on_state(state)
        if not watch.live:
            return watch.last
        time.sleep(LIVE_POLL_SECONDS)
    return watch.last
