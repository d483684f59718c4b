"""devcontainer.json reading (JSONC) and policy layering: clear errors, no engine needed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from metaflow_extensions.studio.plugins.devcontainer import launcher
from metaflow_extensions.studio.plugins.devcontainer.config import (
    find_config,
    load_config,
    strip_jsonc,
)
from metaflow_extensions.studio.plugins.devcontainer.errors import DevcontainerError
from metaflow_extensions.studio.plugins.devcontainer.policy import (
    SandboxPolicy,
    merge,
    parse_run_args,
)


def _write(folder: Path, text: str) -> Path:
    path = folder / ".devcontainer" / "devcontainer.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_devcontainer_jsonc_comments_and_trailing_commas_keep_positions() -> None:
    text = (
        '{\n  // a comment with "quotes"\n  "a": "x // not a comment",\n  /* b */ "b": [1, 2,],\n}'
    )
    cleaned = strip_jsonc(text)
    assert len(cleaned) == len(text) and cleaned.count("\n") == text.count("\n")
    assert json.loads(cleaned) == {"a": "x // not a comment", "b": [1, 2]}


def test_devcontainer_config_fields_are_read(tmp_path: Path) -> None:
    (tmp_path / ".devcontainer" / "Dockerfile").parent.mkdir()
    (tmp_path / ".devcontainer" / "Dockerfile").write_text("FROM scratch\n")
    path = _write(
        tmp_path,
        """{
  "build": {"dockerfile": "Dockerfile", "context": "..", "args": {"A": "1"}},
  "containerEnv": {"HOME_DIR": "${localWorkspaceFolder}/home"},
  "mounts": ["source=/srv/data,target=/data,type=bind,readonly",
             {"source": "/srv/x", "target": "/x", "type": "bind"}],
  "runArgs": ["--memory=1g", "--network", "bridge", "-e", "K=V"],
  "postCreateCommand": "echo hi",
  "remoteUser": "1000",
}""",
    )
    config = load_config(path)
    assert config.dockerfile == tmp_path / ".devcontainer" / "Dockerfile"
    assert config.context == tmp_path and config.build_args == {"A": "1"}
    assert config.container_env == {"HOME_DIR": f"{tmp_path}/home"}
    assert [(m.source, m.target, m.read_only) for m in config.mounts] == [
        ("/srv/data", "/data", True),
        ("/srv/x", "/x", False),
    ]
    assert config.post_create_command == ("/bin/sh", "-c", "echo hi")
    assert config.remote_user == "1000"
    overrides, env = parse_run_args(config.run_args, "here")
    assert overrides == {"memory": "1g", "network": "bridge"} and env == {"K": "V"}
    assert find_config(tmp_path / "sub" / "dir") == path  # found from a subfolder


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ('{\n  "image": "x",\n  "mounts": [\n}', 4, "not valid JSON(C)"),
        ('{\n  "name": "no image"\n}', 1, 'set "image"'),
        ('{\n  "image": "x",\n  "runArgs": ["--privileged"]\n}', 3, "--privileged"),
        ('{\n  "image": 3\n}', 2, '"image" must be a non-empty string'),
        ('{\n  "image": "x",\n\n  "mounts": ["type=volume,target=/v"]\n}', 4, "bind mounts"),
        ('{\n  "build": {"dockerfile": "Nope"}\n}', 2, "does not exist"),
    ],
)
def test_devcontainer_config_errors_name_file_line_and_fix(
    tmp_path: Path, text: str, line: int | None, fragment: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(DevcontainerError) as info:
        load_config(path)
    message = str(info.value)
    assert str(path) in message and fragment in message
    if line is not None:
        assert message.startswith(f"{path}:{line}:")


def test_devcontainer_policy_layers_and_refusals() -> None:
    policy = merge(SandboxPolicy(), {"memory": 512, "cpu": "2", "network": None}, "here")
    assert (policy.memory, policy.cpu, policy.network) == ("512m", 2.0, "none")
    options = policy.docker_options()
    assert options["cap_drop"] == ["ALL"] and options["security_opt"] == ["no-new-privileges"]
    assert options["mem_limit"] == options["memswap_limit"] == "512m"
    from_cli = merge(policy, {"writable": "/work", "mounts_read_only": "False"}, "--with")
    assert from_cli.writable == ("/work",) and from_cli.mounts_read_only is False
    with pytest.raises(DevcontainerError, match="network='wifi' is not one of none, bridge"):
        merge(policy, {"network": "wifi"}, "@devcontainer on step a")
    with pytest.raises(DevcontainerError, match="memory='lots' is not a size"):
        merge(policy, {"memory": "lots"}, "x")
    with pytest.raises(DevcontainerError, match="unknown policy setting"):
        merge(policy, {"netwrk": "host"}, "x")
    with pytest.raises(DevcontainerError, match="capabilities and privileges are always"):
        parse_run_args(("--cap-add=SYS_ADMIN",), "x")


def test_devcontainer_task_container_mounts_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".metaflow").mkdir()
    monkeypatch.setenv("METAFLOW_FOO", "1")
    monkeypatch.setenv("MY_SECRET_TOKEN", "hunter2")
    spec = launcher.LaunchSpec(image="img", policy={}, env={"FROM_DECO": "yes"})
    argv = ["/host/python", "flow.py", "--datastore-root", str(tmp_path / ".metaflow")]
    argv += ["step", "train", "--run-id", "7", "--task-id", "3"]
    box = launcher.task_container(spec, argv, tmp_path)
    assert box.command[:2] == ["python3", "flow.py"]
    assert box.working_dir == str(tmp_path)
    assert box.binds[str(tmp_path)] == (str(tmp_path), True)  # the flow's folder: read-only
    assert box.binds[str(tmp_path / ".metaflow")] == (str(tmp_path / ".metaflow"), False)
    assert box.environment["METAFLOW_FOO"] == "1" and box.environment["FROM_DECO"] == "yes"
    assert "MY_SECRET_TOKEN" not in box.environment  # the host's environment does not leak
    assert box.labels["mfstudio.devcontainer"] == "7/train/3"
    assert box.labels["mfstudio.devcontainer.launcher-pid"] == str(os.getpid())
