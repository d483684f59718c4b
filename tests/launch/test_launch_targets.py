"""Which compute targets the run form offers, from the user's Metaflow configuration."""

from __future__ import annotations

import json
from pathlib import Path

from mfstudio.launch.targets import list_targets


def by_name(env: dict[str, str]) -> dict[str, dict[str, object]]:
    return {t.name: t.to_json() for t in list_targets(env)}


def test_without_configuration_only_local_is_available(tmp_path: Path) -> None:
    targets = by_name({"METAFLOW_HOME": str(tmp_path)})
    assert targets["local"]["available"]
    assert not targets["kubernetes"]["available"]
    reason = targets["kubernetes"]["reason"]
    assert isinstance(reason, str)
    assert str(tmp_path / "config.json") in reason and "METAFLOW_KUBERNETES_NAMESPACE" in reason
    assert not targets["batch"]["available"]
    assert next(iter(targets)) == "local"


def test_a_profile_file_enables_kubernetes_with_its_options(tmp_path: Path) -> None:
    (tmp_path / "config_work.json").write_text(json.dumps({"METAFLOW_KUBERNETES_NAMESPACE": "ml"}))
    targets = by_name({"METAFLOW_HOME": str(tmp_path), "METAFLOW_PROFILE": "work"})
    kube = targets["kubernetes"]
    assert kube["available"] and kube["reason"] is None
    assert [o["name"] for o in kube["options"]] == ["cpu", "memory", "gpu", "image"]  # type: ignore[attr-defined]
    assert not targets["batch"]["available"]
    # available targets come right after local
    assert list(targets)[:2] == ["local", "kubernetes"]


def test_environment_variables_override_the_file(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{not json")  # a damaged file is ignored
    targets = by_name({"METAFLOW_HOME": str(tmp_path), "METAFLOW_BATCH_JOB_QUEUE": "q"})
    assert targets["batch"]["available"]


def test_devcontainer_needs_a_reachable_engine_socket(tmp_path: Path) -> None:
    """The @devcontainer target (installed with this project) is offered with its options
    when DOCKER_HOST names an existing socket, and explains what to start when it does not."""
    missing = tmp_path / "no-docker.sock"
    off = by_name({"METAFLOW_HOME": str(tmp_path), "DOCKER_HOST": f"unix://{missing}"})
    target = off["devcontainer"]
    assert not target["available"]
    assert str(missing) in str(target["reason"]) and "DOCKER_HOST" in str(target["reason"])

    socket = tmp_path / "docker.sock"
    socket.touch()
    on = by_name({"METAFLOW_HOME": str(tmp_path), "DOCKER_HOST": f"unix://{socket}"})[
        "devcontainer"
    ]
    assert on["available"] and on["reason"] is None
    names = [o["name"] for o in on["options"]]  # type: ignore[attr-defined]
    assert names == ["image", "config", "cpu", "memory", "network"]
