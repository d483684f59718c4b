"""Daytona: each task runs in a Daytona sandbox, through the official `daytona` Python SDK.

A Daytona sandbox is remote: it cannot see the host's folders. So the task's inputs are copied
in and its results copied back. Before the task, the working directory, the flow's folder, the
studio extension and the flow's part of the local datastore (`.metaflow/<Flow>/`) go into the
sandbox as one archive, under a private prefix that mirrors the host's absolute paths (paths in
the task command and METAFLOW_* variables are rewritten to it). After the task, every file the
task wrote into the datastore comes back; files already on the host are never overwritten.

The task runs as an asynchronous session command; its stdout and stderr stream back live
through the SDK's log stream. Policy: cpu and memory become the sandbox's resources and
network="none" blocks its network; the container-level settings (read-only root, dropped
capabilities, pids) are the Daytona service's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import math
import os
import re
import shlex
import tarfile
import threading
import uuid
from pathlib import Path
from typing import Any

from ..engine import _CONTEXT_SKIP, LABEL, Outcome, TaskContainer
from ..errors import DevcontainerError
from ..policy import SandboxPolicy
from . import OutputSink

EXTENSION_MOUNT = "/opt/mfstudio/ext"  # mirrors launcher.EXTENSION_MOUNT (no import cycle)
INSTALL_HINT = (
    "install the Daytona SDK with `pip install 'metaflow-studio[daytona]'` (or `pip install "
    'daytona`), or use the default backend="docker"'
)
KEY_HINT = (
    "create an API key in the Daytona dashboard and `export DAYTONA_API_KEY=...` "
    '(DAYTONA_API_URL selects a self-hosted Daytona), or use the default backend="docker"'
)
_SESSION = "mfstudio-task"
# Runs in the sandbox: unpack the inputs at /, then touch the marker that splits "ours" from
# "written by the task" (unpacked files keep the host's older modification times).
_UNPACK = (
    "import sys,tarfile\ntarfile.open(sys.argv[1]).extractall('/')\nopen(sys.argv[2],'w').close()\n"
)
# Runs in the sandbox: pack every file under the given roots modified since the marker.
_PACK = (
    "import os,sys,tarfile\n"
    "since=os.stat(sys.argv[1]).st_mtime_ns\n"
    "with tarfile.open(sys.argv[2],'w:gz') as tar:\n"
    "    for root in sys.argv[3:]:\n"
    "        for d,_,files in os.walk(root):\n"
    "            for f in files:\n"
    "                p=os.path.join(d,f)\n"
    "                if os.lstat(p).st_mtime_ns>=since: tar.add(p,recursive=False)\n"
)


def _gib(memory: str | None) -> int | None:
    """Docker-style memory ("4096m", "2g") -> whole GiB, rounded up (Daytona's unit)."""
    if not memory:
        return None
    match = re.fullmatch(r"(\d+)([kmg]?)", memory)
    if match is None:
        return None
    scale = {"k": 1 / 1024**2, "m": 1 / 1024, "g": 1.0, "": 1 / 1024**3}[match.group(2)]
    return max(1, math.ceil(int(match.group(1)) * scale))


class PathMap:
    """Host paths (bind sources) <-> their mirror in the sandbox (prefix + bind target)."""

    def __init__(self, binds: dict[str, tuple[str, bool]], prefix: str) -> None:
        self.prefix = prefix
        # Longest host path first, so a nested bind wins over its parent.
        self.binds = sorted(binds.items(), key=lambda item: -len(item[0]))

    def remote(self, text: str) -> str:
        for host, (target, _) in self.binds:
            if text == host or text.startswith(host + "/"):
                return self.prefix + target + text[len(host) :]
        return text

    def host(self, remote: str) -> Path | None:
        for host, (target, _) in self.binds:
            mirror = self.prefix + target
            if remote == mirror or remote.startswith(mirror + "/"):
                return Path(host + remote[len(mirror) :])
        return None


def _pack_inputs(box: TaskContainer, paths: PathMap, run_id: str) -> bytes:
    """One tar.gz of what the task reads, named by its absolute path in the sandbox."""
    buffer = io.BytesIO()
    seen: set[str] = set()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for host, (_, read_only) in box.binds.items():
            roots = [Path(host)]
            if not read_only:  # the datastore: only the flow that owns this run
                roots = [d for d in Path(host).glob("*") if (d / run_id).is_dir()]
            for root in roots:
                for folder, dirs, files in os.walk(root):
                    dirs[:] = [d for d in dirs if d not in _CONTEXT_SKIP or not read_only]
                    for name in files:
                        local = os.path.join(folder, name)
                        remote = paths.remote(local)
                        if remote not in seen and os.path.isfile(local):
                            seen.add(remote)
                            tar.add(local, arcname=remote.lstrip("/"), recursive=False)
    return buffer.getvalue()


class Backend:
    name = "daytona"
    uses_local_engine = False

    def __init__(self) -> None:
        self._daytona: Any = None
        self._sandbox: Any = None
        self._paths: PathMap | None = None

    def check(self) -> None:
        try:
            import daytona  # noqa: F401
        except ImportError as ex:
            raise DevcontainerError(
                f'backend="daytona" needs the Python package `daytona`, not installed: '
                f"{INSTALL_HINT}."
            ) from ex
        if not os.environ.get("DAYTONA_API_KEY"):
            raise DevcontainerError(
                f'backend="daytona" needs DAYTONA_API_KEY, not set: {KEY_HINT}.'
            )

    def _client(self) -> Any:
        if self._daytona is None:
            from daytona import Daytona, DaytonaConfig

            self._daytona = Daytona(
                DaytonaConfig(
                    api_key=os.environ["DAYTONA_API_KEY"],
                    api_url=os.environ.get("DAYTONA_API_URL") or None,
                )
            )
        return self._daytona

    def prepare(self, box: TaskContainer) -> str:
        from daytona import CreateSandboxFromImageParams, DaytonaError, Resources

        prefix = f"/tmp/mfstudio/{uuid.uuid4().hex[:12]}"
        self._paths = paths = PathMap(box.binds, prefix)
        env = {key: paths.remote(value) for key, value in box.environment.items()}
        env["PYTHONPATH"] = prefix + EXTENSION_MOUNT
        policy: SandboxPolicy = box.policy
        params = CreateSandboxFromImageParams(
            image=box.image,
            env_vars=env,
            labels=dict(box.labels),
            network_block_all=policy.network == "none",
            # Deleted once stopped: a sandbox orphaned by a crash goes at Daytona's auto-stop.
            ephemeral=True,
            resources=Resources(
                cpu=math.ceil(policy.cpu) if policy.cpu else None, memory=_gib(policy.memory)
            ),
        )
        run_id = box.labels.get(LABEL, "").split("/")[0]
        try:
            self._sandbox = self._client().create(params, timeout=600)
            archive = f"{prefix}/in.tar.gz"
            self._sandbox.fs.upload_file(_pack_inputs(box, paths, run_id), archive)
            self._exec(_UNPACK, archive, f"{prefix}/started")
        except DaytonaError as ex:
            service = os.environ.get("DAYTONA_API_URL") or "Daytona's cloud (DAYTONA_API_URL unset)"
            raise DevcontainerError(f"Daytona at {service}: {ex}") from ex
        return str(self._sandbox.id)

    def _exec(self, script: str, *args: str) -> None:
        command = shlex.join(["python3", "-c", script, *args])
        response = self._sandbox.process.exec(command, timeout=600)
        if response.exit_code != 0:
            raise DevcontainerError(
                f"Daytona sandbox {self._sandbox.id}: copying files failed "
                f"(exit {response.exit_code}): {response.result[-2000:]}"
            )

    def run(self, box: TaskContainer, timeout: float | None, on_output: OutputSink) -> Outcome:
        from daytona import SessionExecuteRequest

        assert self._paths is not None
        paths = self._paths
        argv = [paths.remote(arg) for arg in box.command]
        command = f"cd {shlex.quote(paths.remote(box.working_dir))} && exec {shlex.join(argv)}"
        process = self._sandbox.process
        process.create_session(_SESSION)
        started = process.execute_session_command(
            _SESSION, SessionExecuteRequest(command=command, run_async=True)
        )

        failures: list[BaseException] = []

        def stream_logs() -> None:
            try:
                asyncio.run(
                    process.get_session_command_logs_async(
                        _SESSION,
                        started.cmd_id,
                        lambda text: on_output(text.encode(), None),
                        lambda text: on_output(None, text.encode()),
                    )
                )
            except Exception as ex:  # reported below, unless the timeout deleted the sandbox
                failures.append(ex)

        # The stream runs in its own thread so the main thread stays free for the launcher's
        # signal handlers (Ctrl-C) and for the timeout.
        streamer = threading.Thread(target=stream_logs, daemon=True)
        streamer.start()
        streamer.join(timeout)
        if streamer.is_alive():  # timeout: deleting the sandbox ends the command and its stream
            self.cleanup()
            streamer.join(60)
            return Outcome(exit_code=137, oom_killed=False, timed_out=True)
        if failures:
            raise DevcontainerError(f"Daytona: the task's log stream failed: {failures[0]}")
        code = process.get_session_command(_SESSION, started.cmd_id).exit_code
        self._fetch_results(box)
        return Outcome(
            exit_code=1 if code is None else int(code), oom_killed=False, timed_out=False
        )

    def _fetch_results(self, box: TaskContainer) -> None:
        """Copy the files the task wrote into the read-write binds back to the host."""
        assert self._paths is not None
        prefix = self._paths.prefix
        roots = [prefix + target for target, read_only in box.binds.values() if not read_only]
        archive = f"{prefix}/out.tar.gz"
        self._exec(_PACK, f"{prefix}/started", archive, *roots)
        data = self._sandbox.fs.download_file(archive)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member in tar.getmembers():
                local = self._paths.host("/" + member.name)
                if local is None or not member.isfile() or ".." in Path(member.name).parts:
                    continue
                if local.exists():  # never overwrite the user's files
                    continue
                local.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None
                local.write_bytes(source.read())

    def cleanup(self) -> None:
        sandbox, self._sandbox = self._sandbox, None
        if sandbox is not None:
            self.discard(str(sandbox.id))

    def discard(self, handle: str) -> None:
        from daytona import DaytonaNotFoundError

        with contextlib.suppress(DaytonaNotFoundError):
            self._client().get(handle).delete()
