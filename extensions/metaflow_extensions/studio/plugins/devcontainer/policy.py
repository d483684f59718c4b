"""The sandbox policy of a step container, and how it becomes Docker's run options.

Layers, later wins: DEFAULTS, the project's devcontainer.json (customizations.mfstudio.policy,
then runArgs), the step's @devcontainer attributes. What is never negotiable: every
capability is dropped and no-new-privileges is set (runArgs that would undo that are refused).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from typing import Any

from .errors import DevcontainerError

NETWORKS = ("none", "bridge", "host")


@dataclass(frozen=True)
class SandboxPolicy:
    network: str = "none"
    read_only_root: bool = True
    # In-container paths that stay writable (tmpfs) when the root filesystem is read-only.
    writable: tuple[str, ...] = ("/tmp",)
    user: str | None = None  # None: the host's uid:gid, so datastore files stay yours
    memory: str | None = "4096m"  # Metaflow's @resources default
    cpu: float | None = 1.0
    pids: int | None = 1024
    mounts_read_only: bool = True  # host folders the step sees (the flow's folder, mounts)

    def describe(self) -> str:
        return (
            f"network={self.network} read_only_root={self.read_only_root} "
            f"user={self.effective_user()} memory={self.memory} cpu={self.cpu} pids={self.pids}"
        )

    def effective_user(self) -> str:
        return self.user or f"{os.getuid()}:{os.getgid()}"

    def docker_options(self) -> dict[str, Any]:
        """Keyword arguments for docker SDK's containers.create()."""
        options: dict[str, Any] = {
            "network_mode": self.network,
            "read_only": self.read_only_root,
            "cap_drop": ["ALL"],
            "security_opt": ["no-new-privileges"],
            "user": self.effective_user(),
        }
        if self.read_only_root:
            options["tmpfs"] = {path: "rw,exec,nosuid,size=1g" for path in self.writable}
        if self.memory:
            # Same limit for memory+swap: past it the kernel OOM-kills (exit 137) rather than
            # letting the step crawl in swap.
            options["mem_limit"] = self.memory
            options["memswap_limit"] = self.memory
        if self.cpu:
            options["nano_cpus"] = int(self.cpu * 1e9)
        if self.pids:
            options["pids_limit"] = self.pids
        return options

    def run_args(self) -> list[str]:
        """The same settings as `docker run` flags (devcontainer.json runArgs, for DevPod)."""
        args = [f"--network={self.network}", "--cap-drop=ALL"]
        args += ["--security-opt=no-new-privileges", f"--user={self.effective_user()}"]
        if self.read_only_root:
            args.append("--read-only")
            args += [f"--tmpfs={path}:rw,exec,nosuid,size=1g" for path in self.writable]
        if self.memory:
            args += [f"--memory={self.memory}", f"--memory-swap={self.memory}"]
        if self.cpu:
            args.append(f"--cpus={self.cpu:g}")
        if self.pids:
            args.append(f"--pids-limit={self.pids}")
        return args


def normalize_memory(value: Any, where: str) -> str | None:
    """Metaflow style (an int of MB, as in @resources) or Docker style ("256m", "1g")."""
    if value in (None, "", 0):
        return None
    text = str(value).strip().lower()
    if re.fullmatch(r"\d+(\.0+)?", text):
        return f"{int(float(text))}m"
    if re.fullmatch(r"\d+[kmg]b?", text):
        return text.rstrip("b")
    raise DevcontainerError(
        f"{where}: memory={value!r} is not a size: use megabytes (memory=512) or '512m'/'2g'."
    )


def _check(policy: SandboxPolicy, where: str) -> SandboxPolicy:
    if policy.network not in NETWORKS:
        raise DevcontainerError(
            f"{where}: network={policy.network!r} is not one of {', '.join(NETWORKS)}."
        )
    for path in policy.writable:
        if not path.startswith("/"):
            raise DevcontainerError(f"{where}: writable path {path!r} must be absolute.")
    return policy


def merge(policy: SandboxPolicy, overrides: dict[str, Any], where: str) -> SandboxPolicy:
    """A copy of policy with the non-None overrides applied and checked."""
    known = set(SandboxPolicy.__dataclass_fields__)
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise DevcontainerError(
            f"{where}: unknown policy setting(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(known))}."
        )
    values = {k: v for k, v in overrides.items() if v is not None}
    if "memory" in values:
        values["memory"] = normalize_memory(values["memory"], where)
    if "cpu" in values:
        values["cpu"] = float(values["cpu"])
    if "pids" in values:
        values["pids"] = int(values["pids"])
    if "writable" in values:  # a list, or one path (`--with devcontainer:writable=/work`)
        writable = values["writable"]
        values["writable"] = (writable,) if isinstance(writable, str) else tuple(writable)
    for flag in ("read_only_root", "mounts_read_only"):
        if isinstance(values.get(flag), str):  # `--with` gives strings
            values[flag] = values[flag].strip().lower() not in ("false", "0", "no", "off")
    return _check(replace(policy, **values), where)


# runArgs we understand -> policy field; anything else is refused with the list below.
_RUN_ARG_FIELDS = {
    "--memory": "memory",
    "-m": "memory",
    "--cpus": "cpu",
    "--network": "network",
    "--net": "network",
    "--pids-limit": "pids",
    "--user": "user",
    "-u": "user",
}


def parse_run_args(args: tuple[str, ...], where: str) -> tuple[dict[str, Any], dict[str, str]]:
    """devcontainer.json runArgs -> (policy overrides, environment variables)."""
    overrides: dict[str, Any] = {}
    env: dict[str, str] = {}
    items = list(args)
    while items:
        arg = items.pop(0)
        name, _, value = arg.partition("=")
        if not _ and name in (*_RUN_ARG_FIELDS, "-e", "--env"):
            if not items:
                raise DevcontainerError(f"{where}: runArgs {arg!r} needs a value.")
            value = items.pop(0)
        if name in ("-e", "--env"):
            key, _, val = value.partition("=")
            env[key] = val if _ else os.environ.get(key, "")
        elif name in _RUN_ARG_FIELDS:
            overrides[_RUN_ARG_FIELDS[name]] = value
        elif name == "--read-only":
            overrides["read_only_root"] = True
        else:
            raise DevcontainerError(
                f"{where}: runArgs {arg!r} is not supported in a step sandbox; supported: "
                f"{', '.join(sorted(_RUN_ARG_FIELDS))}, -e/--env, --read-only "
                "(capabilities and privileges are always dropped)."
            )
    return overrides, env
