"""What a deployment's process is told: the function, the task, the target and its options
(one JSON argument, so nothing is parsed out of a command line)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, cast

__all__ = ["TARGETS", "DeployConfig", "Target"]

Target = Literal["call", "serve", "batch"]
TARGETS: tuple[Target, ...] = ("call", "serve", "batch")


@dataclass(frozen=True)
class DeployConfig:
    workspace: str  # the folder put on sys.path (``module`` is relative to it)
    module: str  # dotted, e.g. functions.predict
    function: str
    task: str  # Flow/run/step/task
    root: str  # the folder holding the task's .metaflow
    target: Target
    artifacts: list[str] | None = None  # what to bind; None: every public artifact
    options: dict[str, Any] = field(default_factory=dict)  # DeployOptions of the protocol

    def to_json(self) -> dict[str, Any]:
        return {
            "workspace": self.workspace,
            "module": self.module,
            "function": self.function,
            "task": self.task,
            "root": self.root,
            "target": self.target,
            "artifacts": self.artifacts,
            "options": self.options,
        }

    @classmethod
    def from_json(cls, payload: object) -> DeployConfig:
        """Raises ValueError naming what is wrong."""
        if not isinstance(payload, dict):
            raise ValueError(f"expected an object, got {type(payload).__name__}")
        for key in ("workspace", "module", "function", "task", "root", "target"):
            if not isinstance(payload.get(key), str) or not payload[key]:
                raise ValueError(f"{key!r} must be a non-empty string")
        if payload["target"] not in TARGETS:
            raise ValueError(
                f"target must be one of {', '.join(TARGETS)}, got {payload['target']!r}"
            )
        artifacts = payload.get("artifacts")
        if artifacts is not None and (
            not isinstance(artifacts, list) or not all(isinstance(a, str) for a in artifacts)
        ):
            raise ValueError("'artifacts' must be a list of names or null")
        options = payload.get("options") or {}
        if not isinstance(options, dict):
            raise ValueError("'options' must be an object")
        return cls(
            workspace=payload["workspace"],
            module=payload["module"],
            function=payload["function"],
            task=payload["task"],
            root=payload["root"],
            target=cast(Target, payload["target"]),
            artifacts=artifacts,
            options=options,
        )
