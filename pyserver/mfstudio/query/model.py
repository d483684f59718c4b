"""The typed results of run queries: runs, steps, tasks, failures, logs, artifacts, cards.

Every result carries a :class:`Cost` (what answering it read) and a list of
:class:`Problem` (damaged or half-written files met on the way: reported, never raised).
``to_json`` gives the wire format shared by ``mfstudio ... --json``, the MCP tools and the
``metaflow/*`` LSP requests (snake_case, like Metaflow's own JSON). Times are epoch seconds
(float, UTC); sizes are bytes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = [
    "ArtifactChange",
    "ArtifactDiff",
    "ArtifactInfo",
    "ArtifactList",
    "ArtifactPreview",
    "CardInfo",
    "CardList",
    "Comparison",
    "Cost",
    "FailureReport",
    "Lineage",
    "LineageEdge",
    "LineageNode",
    "LineageRole",
    "LogExcerpt",
    "LogLine",
    "LogStream",
    "ParameterDiff",
    "PreviewKind",
    "Problem",
    "RunInfo",
    "RunPage",
    "RunStatus",
    "RunSummary",
    "StepDiff",
    "StepSummary",
    "TaskFailure",
    "TaskInfo",
    "TaskList",
    "TaskStatus",
    "Timeline",
    "TimelineBar",
]

RunStatus = Literal["running", "succeeded", "failed"]
"""``running``: some attempt has started and not ended, or nothing failed and ``end`` has
not finished yet. ``failed``: a task's latest attempt failed and nothing is running.
``succeeded``: the ``end`` task succeeded."""

TaskStatus = Literal["running", "succeeded", "failed"]

LogStream = Literal["stdout", "stderr"]

PreviewKind = Literal["scalar", "text", "sequence", "mapping", "dataframe", "array", "object"]


@dataclass(slots=True)
class Cost:
    """What a query read. The local backend counts every directory listing, file open and
    byte; a service backend counts HTTP requests. Benchmarks and docs/query-costs.md are
    built from these numbers, so every read must go through a counting reader."""

    files_read: int = 0
    bytes_read: int = 0
    dirs_listed: int = 0
    stats: int = 0
    requests: int = 0

    def add(self, other: Cost) -> None:
        self.files_read += other.files_read
        self.bytes_read += other.bytes_read
        self.dirs_listed += other.dirs_listed
        self.stats += other.stats
        self.requests += other.requests

    def to_json(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Problem:
    """A file that could not be used (damaged JSON, a task without metadata, a run still
    being written). ``pathspec`` says where, ``message`` what and, when it helps, what to do."""

    pathspec: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"pathspec": self.pathspec, "message": self.message}


def _json(value: Any) -> Any:
    if hasattr(value, "to_json"):
        return value.to_json()
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value


class _ToJson:
    """``to_json`` for the dataclasses below: fields in declaration order, nested results
    converted, tuples as lists."""

    __slots__ = ()

    def to_json(self) -> dict[str, Any]:
        return {name: _json(getattr(self, name)) for name in self.__dataclass_fields__}  # type: ignore[attr-defined]


@dataclass(slots=True)
class RunInfo(_ToJson):
    pathspec: str  # "Flow/run_id"
    flow: str
    run_id: str
    status: RunStatus
    started_at: float | None
    finished_at: float | None  # None while running
    duration_s: float | None  # until now while running
    user: str | None
    tags: list[str]  # user tags
    system_tags: list[str]
    parameters: dict[str, str]  # name -> short repr of the value ("<list, 2.1 kB>" when large)
    origin_run_id: str | None = None  # set for runs made by ``resume``


@dataclass(slots=True)
class RunPage(_ToJson):
    runs: list[RunInfo]
    next_cursor: str | None  # pass back as ``cursor=`` for the next, older page
    scanned: int  # runs examined to fill this page (filters may skip some)
    cost: Cost = field(default_factory=Cost)
    problems: list[Problem] = field(default_factory=list)


@dataclass(slots=True)
class TaskFailure(_ToJson):
    pathspec: str  # "Flow/run/step/task"
    step: str
    task_id: str
    attempt: int
    exception_type: str | None  # "builtins.ValueError"
    message: str | None
    traceback: str | None
    stderr_tail: list[str]  # last lines of the failed attempt's stderr, MFLOG prefix removed
    finished_at: float | None


@dataclass(slots=True)
class TaskInfo(_ToJson):
    """One task of a step and how its latest attempt stands (from its status file only)."""

    pathspec: str  # "Flow/run/step/task"
    step: str
    task_id: str
    attempt: int | None  # latest attempt; None while the task folder has no attempt yet
    status: TaskStatus  # a task without an attempt yet counts as running
    finished_at: float | None


@dataclass(slots=True)
class TaskList(_ToJson):
    step: str  # step pathspec
    tasks: list[TaskInfo]  # failed first, then running, then succeeded; by task id within
    truncated: bool  # more tasks than ``limit``
    tasks_examined: int
    cost: Cost = field(default_factory=Cost)
    problems: list[Problem] = field(default_factory=list)


@dataclass(slots=True)
class StepSummary(_ToJson):
    name: str
    tasks: dict[TaskStatus, int]  # every state present, zeros included
    started_at: float | None
    finished_at: float | None
    duration_s: float | None
    first_failure: TaskFailure | None


@dataclass(slots=True)
class RunSummary(_ToJson):
    run: RunInfo
    steps: list[StepSummary]  # in order of first start
    cost: Cost = field(default_factory=Cost)
    problems: list[Problem] = field(default_factory=list)


@dataclass(slots=True)
class FailureReport(_ToJson):
    run: str  # run pathspec
    failures: list[TaskFailure]  # oldest first
    truncated: bool  # more failed tasks than ``limit``
    tasks_examined: int
    cost: Cost = field(default_factory=Cost)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LogLine(_ToJson):
    text: str
    timestamp: float | None  # from the MFLOG prefix; None for lines without one
    source: str  # "runtime" or "task" (Metaflow's log sources)


@dataclass(slots=True)
class LogExcerpt(_ToJson):
    pathspec: str  # task pathspec
    stream: LogStream
    attempt: int
    lines: list[LogLine]
    truncated: bool  # the log holds more than what is shown
    log_bytes: int  # total size of the log file(s)
    available: bool  # False while a local task runs: Metaflow writes its log when it ends
    cost: Cost = field(default_factory=Cost)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ArtifactInfo(_ToJson):
    pathspec: str  # task pathspec
    name: str
    sha: str
    size: int  # serialized size, as recorded by Metaflow
    type: str  # "builtins.float", "pandas.core.frame.DataFrame"
    encoding: str  # "pickle-v4", ...
    attempt: int


@dataclass(slots=True)
class ArtifactList(_ToJson):
    scope: str  # the pathspec or flow searched
    artifacts: list[ArtifactInfo]
    truncated: bool  # ``limit`` reached
    tasks_examined: int
    cost: Cost = field(default_factory=Cost)
    problems: list[Problem] = field(default_factory=list)


@dataclass(slots=True)
class ArtifactPreview(_ToJson):
    pathspec: str
    name: str
    type: str
    size: int
    kind: PreviewKind
    preview: str  # truncated repr, DataFrame head as text, ...
    truncated: bool
    shape: list[int] | None = None  # arrays and DataFrames
    dtype: str | None = None  # arrays; DataFrame dtypes go into ``columns``
    columns: list[str] | None = None
    cost: Cost = field(default_factory=Cost)
    problems: list[Problem] = field(default_factory=list)


@dataclass(slots=True)
class CardInfo(_ToJson):
    pathspec: str  # task pathspec
    type: str  # "default", "blank", ...
    id: str | None  # the @card(id=...) when given
    hash: str
    size: int
    html: str | None  # only when asked for and within ``max_bytes``


@dataclass(slots=True)
class CardList(_ToJson):
    pathspec: str
    cards: list[CardInfo]
    cost: Cost = field(default_factory=Cost)
    problems: list[Problem] = field(default_factory=list)


# Run insight: the timeline, comparison and lineage of docs/ui-api.md.

LineageRole = Literal["produced", "read", "passed", "origin"]
ArtifactChange = Literal["same", "changed", "added", "removed"]


@dataclass(slots=True)
class TimelineBar(_ToJson):
    """One attempt of one task: when it began and ended (``None`` while running)."""

    pathspec: str  # task pathspec
    step: str
    task_id: str
    attempt: int
    status: TaskStatus
    started_at: float | None
    finished_at: float | None


@dataclass(slots=True)
class Timeline(_ToJson):
    run: str  # run pathspec
    started_at: float | None
    finished_at: float | None  # None while the run is running
    bars: list[TimelineBar]  # by start time
    cost: Cost = field(default_factory=Cost)
    problems: list[Problem] = field(default_factory=list)


@dataclass(slots=True)
class ParameterDiff(_ToJson):
    name: str
    values: list[str | None]  # per run: short repr, None where the run lacks it
    differs: bool


@dataclass(slots=True)
class ArtifactDiff(_ToJson):
    """One artifact of one step across runs. For foreach steps ``shas`` are digests of the
    set of the tasks' shas, ``sizes`` their total, ``values`` and ``numbers`` None."""

    step: str
    name: str
    status: ArtifactChange  # relative to the baseline (the first run)
    shas: list[str | None]
    types: list[str | None]
    sizes: list[int | None]
    values: list[str | None]  # short previews of small scalars
    numbers: list[float | None] | None  # set when every present value is an int or float


@dataclass(slots=True)
class StepDiff(_ToJson):
    name: str
    durations: list[float | None]  # seconds from the first attempt's start to the last end
    statuses: list[TaskStatus | None]  # None where the run has no task of the step


@dataclass(slots=True)
class Comparison(_ToJson):
    runs: list[str]  # run pathspecs; the first is the baseline
    parameters: list[ParameterDiff]
    artifacts: list[ArtifactDiff]
    steps: list[StepDiff]
    cost: Cost = field(default_factory=Cost)
    problems: list[Problem] = field(default_factory=list)


@dataclass(slots=True)
class LineageNode(_ToJson):
    id: str  # "Flow/run/step"
    run: str
    step: str
    role: LineageRole
    sha: str | None  # None when the step's tasks disagree (foreach) or lack the artifact
    tasks: int  # tasks of the step that hold the artifact


@dataclass(slots=True)
class LineageEdge(_ToJson):
    source: str
    target: str
    kind: Literal["flow", "resume"]


@dataclass(slots=True)
class Lineage(_ToJson):
    run: str
    artifact: str
    nodes: list[LineageNode]
    edges: list[LineageEdge]
    producers: list[str]  # node ids
    readers: list[str]  # node ids
    cost: Cost = field(default_factory=Cost)
    problems: list[Problem] = field(default_factory=list)
