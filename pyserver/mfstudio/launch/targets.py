"""Where a run can go: local, and each compute target the user's setup supports.

A target is a Metaflow decorator added to every step with ``--with`` (see command.py), plus
the options the run form shows for it. Metaflow's own Kubernetes and AWS Batch are offered
when the user's Metaflow configuration mentions them; a target that is not available is
still listed, with the reason, so the form can say what to configure.

The configuration is read the way Metaflow reads it (``METAFLOW_*`` environment variables
over ``$METAFLOW_HOME/config[_$METAFLOW_PROFILE].json``), as plain JSON: Metaflow is not
imported, so listing targets costs one small file read.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = ["Target", "TargetOption", "list_targets", "metaflow_config"]

OptionKind = Literal["integer", "number", "string"]


@dataclass(frozen=True, slots=True)
class TargetOption:
    name: str  # the decorator's keyword
    label: str
    kind: OptionKind
    help: str


@dataclass(frozen=True, slots=True)
class Target:
    name: str  # "local" or the decorator's name
    label: str
    available: bool
    reason: str | None  # why not available, and what to set up
    options: list[TargetOption] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "available": self.available,
            "reason": self.reason,
            "options": [
                {"name": o.name, "label": o.label, "kind": o.kind, "help": o.help}
                for o in self.options
            ],
        }


_RESOURCES = [
    TargetOption("cpu", "CPUs", "number", "CPUs per task"),
    TargetOption("memory", "Memory (MB)", "integer", "Memory per task in megabytes"),
    TargetOption("gpu", "GPUs", "integer", "GPUs per task"),
    TargetOption("image", "Image", "string", "Container image; blank for the configured one"),
]


@dataclass(frozen=True, slots=True)
class _CloudTarget:
    name: str
    label: str
    keys: tuple[str, ...]  # any of these configured makes the target available
    hint: str


_CLOUD = (
    _CloudTarget(
        "kubernetes",
        "Kubernetes",
        (
            "METAFLOW_KUBERNETES_NAMESPACE",
            "METAFLOW_KUBERNETES_CONTAINER_IMAGE",
            "METAFLOW_KUBERNETES_SERVICE_ACCOUNT",
            "METAFLOW_KUBERNETES_SECRETS",
        ),
        "set METAFLOW_KUBERNETES_NAMESPACE (metaflow configure kubernetes)",
    ),
    _CloudTarget(
        "batch",
        "AWS Batch",
        ("METAFLOW_BATCH_JOB_QUEUE",),
        "set METAFLOW_BATCH_JOB_QUEUE (metaflow configure aws)",
    ),
)

_DEVCONTAINER_OPTIONS = [
    TargetOption(
        "image", "Image", "string", "Docker image; blank for .devcontainer/devcontainer.json"
    ),
    TargetOption(
        "config",
        "devcontainer.json",
        "string",
        "Path of a devcontainer.json; blank for the default",
    ),
    TargetOption("cpu", "CPUs", "number", "CPUs per task (default 1)"),
    TargetOption("memory", "Memory (MB)", "integer", "Memory per task in megabytes (default 4096)"),
    TargetOption("network", "Network", "string", "none (default), bridge or host"),
]

# Compute targets contributed by Metaflow Studio's own extension, once installed: the
# decorator's module must be importable in the interpreter the server runs in.
_STUDIO: tuple[tuple[str, str, str, list[TargetOption]], ...] = (
    (
        "devcontainer",
        "Dev container (Docker)",
        "metaflow_extensions.studio.plugins.devcontainer",
        _DEVCONTAINER_OPTIONS,
    ),
    ("nomad", "Nomad", "metaflow_extensions.studio.plugins.nomad", []),
    ("confidential", "Confidential (TEE)", "metaflow_extensions.studio.plugins.confidential", []),
    ("ray", "Ray", "metaflow_extensions.studio.plugins.ray", []),
)


def metaflow_config(environ: Mapping[str, str] | None = None) -> tuple[dict[str, Any], str]:
    """The user's Metaflow configuration (file values, then ``METAFLOW_*`` variables over
    them) and the file it came from, for messages."""
    env = os.environ if environ is None else environ
    home = Path(env.get("METAFLOW_HOME") or Path.home() / ".metaflowconfig").expanduser()
    profile = env.get("METAFLOW_PROFILE")
    path = home / (f"config_{profile}.json" if profile else "config.json")
    config: dict[str, Any] = {}
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            config.update(loaded)
    except (OSError, ValueError):
        pass
    config.update({k: v for k, v in env.items() if k.startswith("METAFLOW_")})
    return config, str(path)


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def list_targets(environ: Mapping[str, str] | None = None) -> list[Target]:
    """Every target the run form can show, available ones first after local."""
    config, source = metaflow_config(environ)
    found = [Target("local", "Local", True, None)]
    for cloud in _CLOUD:
        ok = any(config.get(key) for key in cloud.keys)
        reason = None if ok else f"not configured in {source}: {cloud.hint}"
        found.append(Target(cloud.name, cloud.label, ok, reason, list(_RESOURCES)))
    env = os.environ if environ is None else environ
    for name, label, module, options in _STUDIO:
        reason = None
        if not _module_exists(module):
            reason = f"the @{name} decorator is not installed in this interpreter"
        elif name == "devcontainer":
            reason = _docker_engine_problem(env)
        found.append(Target(name, label, reason is None, reason, list(options)))
    return sorted(found, key=lambda t: (t.name != "local", not t.available))


def _docker_engine_problem(env: Mapping[str, str]) -> str | None:
    """Why no Docker engine can be reached, or None. Only the socket file is checked (the
    engine may still refuse; the run then says so): listing targets must stay instant."""
    host = env.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    if not host.startswith("unix://"):
        return None  # tcp:// or ssh://: cannot be checked without connecting
    socket = Path(host.removeprefix("unix://"))
    if socket.exists():
        return None
    return (
        f"no Docker engine at {socket}: start Docker, or set DOCKER_HOST to the engine's "
        "socket (this repository's scripts/setup-docker.sh starts a private one)"
    )
