"""The "Deploy as function" command behind the editor (issue 6, "In VS Code"): find
``@json_function`` definitions in the workspace (``discover``), the tasks they can bind to
(``tasks``), and run each deployment in its own process (``deployments`` starting
``worker``) to answer test requests, serve over HTTP, or run a Ray batch over a JSON Lines
file. Docs: docs/functions.md, "Deploy from VS Code"; the LSP adapters: lsp/functions.py.
"""

from __future__ import annotations

from .config import TARGETS, DeployConfig, Target
from .deployments import Deployment, Deployments, UnknownDeploymentError
from .discover import FoundFunction, FunctionDefinition, definitions_in_source, find_functions
from .examples import example_for
from .tasks import CandidateTask, TaskCandidates, candidate_tasks

__all__ = [
    "TARGETS",
    "CandidateTask",
    "DeployConfig",
    "Deployment",
    "Deployments",
    "FoundFunction",
    "FunctionDefinition",
    "Target",
    "TaskCandidates",
    "UnknownDeploymentError",
    "candidate_tasks",
    "definitions_in_source",
    "example_for",
    "find_functions",
]
