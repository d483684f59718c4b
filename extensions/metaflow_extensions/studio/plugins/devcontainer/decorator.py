"""@devcontainer: Metaflow's compute-decorator pattern (@batch, @kubernetes) on local Docker.

On the host, step_init reads the devcontainer.json and settles the sandbox policy,
runtime_init makes sure the image exists (building it once, cached), and runtime_step_cli
prefixes each attempt's command with the launcher, which runs it in a fresh container.
Inside the container the same decorator is instantiated again (the task command carries it);
it then only records where the task ran.
"""

from __future__ import annotations

import inspect
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any, ClassVar

from metaflow.decorators import StepDecorator
from metaflow.exception import MetaflowException
from metaflow.metadata_provider.metadata import MetaDatum

from . import backends, engine, policy
from . import config as dc_config
from .errors import DevcontainerError
from .launcher import IN_CONTAINER_ENV, LaunchSpec, command_prefix

# Seconds the container outlives a step's @timeout, so the in-task @timeout reports first.
TIMEOUT_GRACE = 30


class DevcontainerException(MetaflowException):
    headline = "@devcontainer error"

    def __init__(self, msg: str) -> None:
        super().__init__(msg)  # type: ignore[no-untyped-call]


class DevcontainerDecorator(StepDecorator):
    """Run this step in a container on the local Docker engine (see docs/devcontainer.md).

    Parameters: config (path to a devcontainer.json; default: the repository's
    .devcontainer/), image (a local image; overrides config), cpu, memory (MB or "512m"),
    gpu (refused: no GPU runtime), timeout (seconds), network ("none" | "bridge" | "host"),
    user, pids, read_only_root, mounts_read_only, writable (in-container tmpfs paths),
    backend ("docker" | "devpod" | "daytona"; default: METAFLOW_DEVCONTAINER_BACKEND or docker).
    """

    name = "devcontainer"
    defaults = {  # noqa: RUF012 - Metaflow's Decorator declares it as a plain attribute
        "config": None,
        "image": None,
        "cpu": None,
        "memory": None,
        "gpu": None,
        "timeout": None,
        "network": None,
        "user": None,
        "pids": None,
        "read_only_root": None,
        "mounts_read_only": None,
        "writable": None,
        "backend": None,
    }
    _POLICY_ATTRIBUTES = (
        "cpu",
        "memory",
        "network",
        "user",
        "pids",
        "read_only_root",
        "mounts_read_only",
        "writable",
    )
    # runtime_init of every @devcontainer step shares one engine client and resolved images.
    _images: ClassVar[dict[tuple[str | None, str | None], str]] = {}

    def step_init(
        self,
        flow: Any,
        graph: Any,
        step_name: str,
        decorators: list[Any],
        environment: Any,
        flow_datastore: Any,
        logger: Any,
    ) -> None:
        self._step = step_name
        if os.environ.get(IN_CONTAINER_ENV):
            return
        try:
            self._settle(flow, step_name, decorators, flow_datastore)
        except DevcontainerError as ex:
            raise DevcontainerException(f"step *{step_name}*: {ex}") from ex

    def _settle(self, flow: Any, step: str, decorators: list[Any], flow_datastore: Any) -> None:
        where = f"@devcontainer on step {step}"
        if flow_datastore.TYPE != "local":
            raise DevcontainerError(
                f"{where} mounts the local datastore into the container; run with "
                f"--datastore=local (got --datastore={flow_datastore.TYPE})."
            )
        self._backend = backends.resolve_name(self.attributes["backend"], where)
        flow_dir = Path(inspect.getfile(type(flow))).resolve().parent
        if self.attributes["config"]:
            path = Path(self.attributes["config"])
            path = path if path.is_absolute() else flow_dir / path
            if not path.is_file():
                raise DevcontainerError(f"{where}: config={path} does not exist.")
            found: Path | None = path
        else:
            found = dc_config.find_config(flow_dir)
        self._config = dc_config.load_config(found) if found is not None else None

        settled = policy.SandboxPolicy()
        env: dict[str, str] = {}
        if self._config is not None:
            origin = str(self._config.path)
            settled = policy.merge(settled, self._config.policy, origin)
            run_args, env = policy.parse_run_args(self._config.run_args, origin)
            settled = policy.merge(settled, run_args, origin)
            env.update(self._config.container_env)
            if self._config.remote_user:
                settled = policy.merge(settled, {"user": self._config.remote_user}, origin)
        for deco in decorators:
            if deco.name == "resources":  # @devcontainer's own attributes still win
                res = {k: deco.attributes.get(k) for k in ("cpu", "memory")}
                settled = policy.merge(settled, res, f"@resources on step {step}")
            if deco.name == "environment":
                env.update({k: str(v) for k, v in deco.attributes["vars"].items()})
        own = {k: self.attributes[k] for k in self._POLICY_ATTRIBUTES}
        self._policy = policy.merge(settled, own, where)
        self._env = env

        timeout = self.attributes["timeout"]
        if timeout is None:
            step_timeout = [d for d in decorators if d.name == "timeout"]
            if step_timeout:
                timeout = step_timeout[0].secs + TIMEOUT_GRACE
        self._timeout = float(timeout) if timeout is not None else None

    def runtime_init(self, flow: Any, graph: Any, package: Any, run_id: str) -> None:
        try:
            backend = backends.create(self._backend)
            backend.check()  # a missing tool or credential fails the run before any task
            if backend.uses_local_engine:
                self._image = self._local_image()
            else:
                self._image = self._remote_image()
        except DevcontainerError as ex:
            raise DevcontainerException(f"step *{self._step}*: {ex}") from ex

    def _local_image(self) -> str:
        """The image on the local engine: checked, built or committed once per run."""
        config_path = str(self._config.path) if self._config is not None else None
        key = (self.attributes["image"], config_path)
        if self.attributes["gpu"] or key not in self._images:
            client = engine.connect()
            if self.attributes["gpu"]:
                engine.check_gpu(client, self.attributes["gpu"])
            if key not in self._images:
                image = engine.resolve_image(client, self.attributes["image"], self._config)
                self._images[key] = image
        return self._images[key]

    def _remote_image(self) -> str:
        """An image name the remote service resolves itself: nothing is built locally."""
        config = self._config
        if config is not None and (config.dockerfile is not None or config.post_create_command):
            raise DevcontainerError(
                f'{config.path}: backend="{self._backend}" takes an image name; a "build" or '
                "postCreateCommand is built only on the local engine. Give an image= the "
                f"{self._backend} service knows, or use the docker/devpod backend."
            )
        if self.attributes["gpu"]:
            raise DevcontainerError(f'gpu= is not supported with backend="{self._backend}".')
        if self.attributes["image"]:
            return str(self.attributes["image"])
        return config.image if config is not None and config.image else engine.default_image()

    def runtime_step_cli(
        self, cli_args: Any, retry_count: int, max_user_code_retries: int, ubf_context: Any
    ) -> None:
        # Once every attempt of the user's code failed, @catch's fallback runs on the host:
        # it records the exception and runs no user code (as @batch and @kubernetes do).
        if retry_count > max_user_code_retries:
            return
        mounts = [(m.source, m.target, m.read_only) for m in getattr(self._config, "mounts", ())]
        spec = LaunchSpec(
            image=self._image,
            policy=asdict(self._policy),
            env={**self._env, "MFSTUDIO_DEVCONTAINER_IMAGE": self._image},
            mounts=mounts,
            timeout=self._timeout,
            backend=self._backend,
        )
        cli_args.entrypoint = [*command_prefix(spec), *cli_args.entrypoint]

    def task_pre_step(
        self,
        step_name: str,
        task_datastore: Any,
        metadata: Any,
        run_id: str,
        task_id: str,
        flow: Any,
        graph: Any,
        retry_count: int,
        max_retries: int,
        ubf_context: Any,
        inputs: Any,
    ) -> None:
        image = os.environ.get("MFSTUDIO_DEVCONTAINER_IMAGE")
        if not os.environ.get(IN_CONTAINER_ENV) or not image:
            return
        metadata.register_metadata(
            run_id,
            step_name,
            task_id,
            [
                MetaDatum(
                    field="devcontainer-image",
                    value=image,
                    type="devcontainer-image",
                    tags=[f"attempt_id:{retry_count}"],
                )
            ],
        )
