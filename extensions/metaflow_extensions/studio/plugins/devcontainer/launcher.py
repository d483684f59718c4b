"""The host process of one @devcontainer task: runs Metaflow's own step command in a container.

The decorator's runtime_step_cli prefixes the task's command line with
`python -m ...devcontainer.launcher SPEC --`, so this process receives exactly the command the
local runtime would have run (every decorator's options included) and runs it, unchanged but
for the interpreter, inside the container. Unlike @batch's `flow.py batch step` indirection it
never imports the flow or Metaflow on the host: that keeps the per-task overhead low.

The flow's folder and the working directory are mounted at the same absolute paths (read-only
by default) and the local datastore read-write, so artifacts, metadata and logs land in the
same .metaflow as every other step. Output streams live; the exit code is the task's, with a
clear message for the codes a user cannot read (137, 126/127, a timeout).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from . import backends, engine
from .errors import DevcontainerError
from .policy import SandboxPolicy

IN_CONTAINER_ENV = "MFSTUDIO_IN_DEVCONTAINER"
EXTENSION_MOUNT = "/opt/mfstudio/ext"
# Environment a task needs besides METAFLOW_*: nothing else of the host leaks into the sandbox.
_FORWARDED = ("USERNAME", "USER", "LOGNAME", "TZ")
TIMEOUT_EXIT = 124


@dataclass
class LaunchSpec:
    """What the decorator decided on the host, handed to the launcher as one JSON argument."""

    image: str
    policy: dict[str, Any]
    env: dict[str, str] = field(default_factory=dict)
    # [host path, container path, read_only] from devcontainer.json "mounts"
    mounts: list[tuple[str, str, bool]] = field(default_factory=list)
    timeout: float | None = None
    backend: str = backends.DEFAULT_BACKEND

    def to_json(self) -> str:
        return json.dumps(self.__dict__, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> LaunchSpec:
        raw = json.loads(text)
        raw["mounts"] = [tuple(m) for m in raw.get("mounts", [])]
        return cls(**raw)


def command_prefix(spec: LaunchSpec) -> list[str]:
    """What runtime_step_cli puts before the task's own argv."""
    return [sys.executable, "-m", __name__, spec.to_json(), "--"]


def _option(argv: list[str], name: str) -> str | None:
    for i, arg in enumerate(argv[:-1]):
        if arg == name:
            return argv[i + 1]
    return None


def _datastore_root(argv: list[str], cwd: Path) -> Path:
    given = _option(argv, "--datastore-root")
    if given:
        return Path(given)
    for folder in (cwd, *cwd.parents):  # Metaflow's own lookup for the local datastore
        if (folder / ".metaflow").is_dir():
            return folder / ".metaflow"
    return cwd / ".metaflow"


def task_container(spec: LaunchSpec, argv: list[str], cwd: Path) -> engine.TaskContainer:
    """The container for the task command argv (argv[0] is the host's Python)."""
    policy = SandboxPolicy(**{**spec.policy, "writable": tuple(spec.policy.get("writable", ()))})
    flow_dir = (cwd / argv[1]).resolve().parent
    if Path("/") in (cwd, flow_dir):
        raise DevcontainerError(
            "the flow runs from / : mounting the host's root over the container's is refused; "
            "run it from the flow's own folder."
        )
    mounts_ro = policy.mounts_read_only
    binds: dict[str, tuple[str, bool]] = {str(cwd): (str(cwd), mounts_ro)}
    binds.setdefault(str(flow_dir), (str(flow_dir), mounts_ro))
    datastore = _datastore_root(argv, cwd)
    binds[str(datastore)] = (str(datastore), False)
    studio = engine.extension_root()
    binds[str(studio)] = (f"{EXTENSION_MOUNT}/metaflow_extensions/{studio.name}", True)
    for host, target, read_only in spec.mounts:
        binds[host] = (target, read_only or mounts_ro)
    env = {k: v for k, v in os.environ.items() if k.startswith("METAFLOW_") or k in _FORWARDED}
    env.update(spec.env)
    env.update(
        {
            IN_CONTAINER_ENV: "1",
            "PYTHONPATH": EXTENSION_MOUNT,
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",  # the flow's folder is read-only
            "HOME": "/tmp",
        }
    )
    step = argv[argv.index("step") + 1] if "step" in argv else "?"
    pathspec = f"{_option(argv, '--run-id')}/{step}/{_option(argv, '--task-id')}"
    return engine.TaskContainer(
        image=spec.image,
        command=["python3", *argv[1:]],
        working_dir=str(cwd),
        policy=policy,
        environment=env,
        binds=binds,
        labels={engine.LABEL: pathspec, engine.LABEL_LAUNCHER: str(os.getpid())},
    )


def explain(
    outcome: engine.Outcome, spec: LaunchSpec, policy: SandboxPolicy, stderr_tail: str
) -> str | None:
    """A sentence for the exit codes that say nothing by themselves."""
    if outcome.timed_out:
        return (
            f"the step ran longer than its @devcontainer timeout ({spec.timeout:g} s); "
            "the container was stopped."
        )
    if outcome.oom_killed:
        return (
            f"the step ran out of memory (limit {policy.memory}); raise "
            "@devcontainer(memory=...) or @resources(memory=...)."
        )
    if outcome.exit_code == 137:
        return "the step's container was killed (SIGKILL) before the step finished."
    if outcome.exit_code in (126, 127):
        return f"the image {spec.image} cannot run python3: it needs python3 and Metaflow."
    if "No module named 'metaflow'" in stderr_tail:
        return (
            f"the image {spec.image} has no Metaflow: install the host's Metaflow version in it "
            "(see docs/devcontainer.md), or use local/mfstudio-metaflow:<version>."
        )
    return None


class _Cancelled(Exception):
    pass


def _cancel(signum: int, frame: FrameType | None) -> None:
    raise _Cancelled(signal.Signals(signum).name)


def _start_watchdog(backend: str, handle: str) -> subprocess.Popen[bytes]:
    """A detached helper that removes the sandbox if this process is SIGKILLed."""
    return subprocess.Popen(
        [sys.executable, "-m", f"{__package__}.watchdog", str(os.getpid()), handle, backend],
        start_new_session=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def launch(spec: LaunchSpec, argv: list[str]) -> int:
    stdout, stderr = sys.stdout.buffer, sys.stderr.buffer
    tail = bytearray()

    def on_output(out: bytes | None, err: bytes | None) -> None:
        if out:
            stdout.write(out)
            stdout.flush()
        if err:
            stderr.write(err)
            stderr.flush()
            tail.extend(err)
            del tail[:-4096]

    box = task_container(spec, argv, Path.cwd())
    backend = backends.create(spec.backend)
    backend.check()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _cancel)
    watchdog = None
    try:
        handle = backend.prepare(box)
        watchdog = _start_watchdog(spec.backend, handle)
        outcome = backend.run(box, spec.timeout, on_output)
    except _Cancelled as ex:
        print(f"@devcontainer: cancelled ({ex}); container removed.", file=sys.stderr)
        return 130
    finally:
        backend.cleanup()
        if watchdog is not None:
            watchdog.terminate()
    message = explain(outcome, spec, box.policy, tail.decode(errors="replace"))
    if message:
        print(f"@devcontainer: {message}", file=sys.stderr, flush=True)
    if outcome.timed_out:
        return TIMEOUT_EXIT
    return outcome.exit_code


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: python -m ...devcontainer.launcher SPEC_JSON -- TASK_ARGV", file=sys.stderr)
        return 2
    try:
        return launch(LaunchSpec.from_json(argv[0]), argv[2:])
    except DevcontainerError as ex:
        print(f"@devcontainer: {ex}", file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
