"""DevPod: each task gets a DevPod workspace on the docker provider, driven by the CLI.

Only DevPod's documented commands are used: `devpod up SOURCE --id ID --provider docker
--ide none --devcontainer-path PATH` (SOURCE is a scratch folder holding a generated
devcontainer.json: the image, the sandbox policy as runArgs, the binds as mounts, the
environment as containerEnv), `devpod ssh ID --command CMD` (stdout and stderr stream back
apart; its exit code is the command's) and `devpod delete ID --force`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import IO

from ..engine import Outcome, TaskContainer
from ..errors import DevcontainerError
from . import OutputSink

DEVPOD_ENV = "MFSTUDIO_DEVPOD"  # path of the devpod binary, when it is not on PATH
INSTALL_HINT = (
    "install the DevPod CLI (https://devpod.sh/docs/getting-started/install) and run "
    "`devpod provider add docker`, or set MFSTUDIO_DEVPOD to its path; or use the default "
    'backend="docker", which needs only the Python docker SDK and a Docker engine'
)


def devpod_binary() -> str:
    found = shutil.which(os.environ.get(DEVPOD_ENV) or "devpod")
    if found is None:
        raise DevcontainerError(
            f'backend="devpod" needs the `devpod` command, not found: {INSTALL_HINT}.'
        )
    return found


def workspace_config(box: TaskContainer) -> dict[str, object]:
    """The devcontainer.json DevPod builds the task's workspace from."""
    mounts = []
    for host, (target, read_only) in box.binds.items():
        mount = f"type=bind,source={host},target={target}"
        mounts.append(mount + (",readonly" if read_only else ""))
    labels = [f"--label={key}={value}" for key, value in box.labels.items()]
    return {
        "image": box.image,
        "runArgs": [*box.policy.run_args(), *labels],
        "mounts": mounts,
        "containerEnv": box.environment,
    }


def workspace_id(box: TaskContainer) -> str:
    """DevPod IDs are lowercase letters, digits and dashes: a hash of the task and launcher."""
    digest = hashlib.sha256(json.dumps(sorted(box.labels.items())).encode()).hexdigest()
    return f"mfstudio-{digest[:16]}"


class Backend:
    name = "devpod"
    uses_local_engine = True  # the docker provider runs on the same engine

    def __init__(self) -> None:
        self._binary = ""
        self._id: str | None = None
        self._source: Path | None = None

    def check(self) -> None:
        self._binary = devpod_binary()

    def _devpod(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self._binary, *args], capture_output=True, text=True, check=False, timeout=600
        )

    def prepare(self, box: TaskContainer) -> str:
        self._source = Path(tempfile.mkdtemp(prefix="mfstudio-devpod-"))
        (self._source / "devcontainer.json").write_text(json.dumps(workspace_config(box), indent=1))
        self._id = workspace_id(box)
        done = self._devpod(
            "up", str(self._source), "--id", self._id, "--provider", "docker", "--ide", "none",
            "--devcontainer-path", "devcontainer.json",
        )  # fmt: skip
        if done.returncode != 0:
            raise DevcontainerError(
                f"`devpod up` failed (exit {done.returncode}) for image {box.image}:\n"
                f"{(done.stderr or done.stdout)[-2000:]}"
            )
        return self._id

    def run(self, box: TaskContainer, timeout: float | None, on_output: OutputSink) -> Outcome:
        assert self._id is not None
        command = f"cd {shlex.quote(box.working_dir)} && exec {shlex.join(box.command)}"
        proc = subprocess.Popen(
            [self._binary, "ssh", self._id, "--command", command],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        lock = threading.Lock()

        def pump(stream: IO[bytes], is_err: bool) -> None:
            for chunk in iter(lambda: stream.read1(65536), b""):  # type: ignore[attr-defined]
                with lock:
                    on_output(None, chunk) if is_err else on_output(chunk, None)

        assert proc.stdout is not None and proc.stderr is not None
        pumps = [
            threading.Thread(target=pump, args=(proc.stdout, False), daemon=True),
            threading.Thread(target=pump, args=(proc.stderr, True), daemon=True),
        ]
        for thread in pumps:
            thread.start()
        timed_out = False
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            proc.kill()
            code = proc.wait()
            self.cleanup()  # the workspace, and the step in it, stop here
        finally:
            if proc.poll() is None:  # cancelled: the ssh session goes with the workspace
                proc.kill()
        for thread in pumps:
            thread.join()
        # A step killed by SIGKILL comes back as 137 through ssh; DevPod does not tell OOM apart.
        return Outcome(exit_code=137 if timed_out else code, oom_killed=False, timed_out=timed_out)

    def cleanup(self) -> None:
        if self._id is not None:
            self.discard(self._id)
            self._id = None
        if self._source is not None:
            shutil.rmtree(self._source, ignore_errors=True)
            self._source = None

    def discard(self, handle: str) -> None:
        binary = self._binary or devpod_binary()
        subprocess.run(
            [binary, "delete", handle, "--force"], capture_output=True, check=False, timeout=120
        )
