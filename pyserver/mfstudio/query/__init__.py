"""Bounded queries over runs: what ran, what failed and why, where an artifact is.

Plain functions with explicit limits (:func:`list_runs`, :func:`run_summary`,
:func:`failures`, :func:`logs`, :func:`artifacts`, :func:`artifact_value`, :func:`cards`),
each returning a typed result with the :class:`Cost` of answering it. They read
Metaflow's local datastore directly and never write to it; ``backend=`` selects another
datastore (:func:`open_backend`) and, later, a metadata service.
"""

from .api import (
    DEFAULT_LIMITS,
    QueryBackend,
    RunFilter,
    artifact_value,
    artifacts,
    cards,
    failures,
    list_runs,
    logs,
    open_backend,
    run_summary,
)
from .errors import BadQueryError, DatastoreNotFoundError, NotFoundError, QueryError
from .model import (
    ArtifactInfo,
    ArtifactList,
    ArtifactPreview,
    CardInfo,
    CardList,
    Cost,
    FailureReport,
    LogExcerpt,
    LogLine,
    Problem,
    RunInfo,
    RunPage,
    RunSummary,
    StepSummary,
    TaskFailure,
)

__all__ = [
    "DEFAULT_LIMITS",
    "ArtifactInfo",
    "ArtifactList",
    "ArtifactPreview",
    "BadQueryError",
    "CardInfo",
    "CardList",
    "Cost",
    "DatastoreNotFoundError",
    "FailureReport",
    "LogExcerpt",
    "LogLine",
    "NotFoundError",
    "Problem",
    "QueryBackend",
    "QueryError",
    "RunFilter",
    "RunInfo",
    "RunPage",
    "RunSummary",
    "StepSummary",
    "TaskFailure",
    "artifact_value",
    "artifacts",
    "cards",
    "failures",
    "list_runs",
    "logs",
    "open_backend",
    "run_summary",
]
