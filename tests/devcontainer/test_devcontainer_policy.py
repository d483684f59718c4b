"""Each sandbox policy setting, against the real engine, through the code path tasks use."""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from metaflow_extensions.studio.plugins.devcontainer import engine
from metaflow_extensions.studio.plugins.devcontainer.policy import SandboxPolicy

# One probe script: what the sandbox lets a step do. Prints a JSON object.
PROBE = r"""
import json, os, socket, sys
def attempt(fn):
    try:
        fn(); return "ok"
    except OSError as ex:
        return type(ex).__name__ + ": " + (ex.strerror or str(ex))
def write(path):
    with open(path, "w") as f: f.write("x")
def connect():
    host, port = sys.argv[1], int(sys.argv[2])
    socket.create_connection((host, port), timeout=3).close()
lines = open("/proc/self/status").read().splitlines()
status = dict(l.split(":\t", 1) for l in lines if ":\t" in l)
print(json.dumps({
    "uid": os.getuid(),
    "interfaces": sorted(os.listdir("/sys/class/net")),
    "write_root": attempt(lambda: write("/etc/probe")),
    "write_tmp": attempt(lambda: write("/tmp/probe")),
    "write_mount": attempt(lambda: write(sys.argv[3] + "/probe")),
    "connect": attempt(connect),
    "cap_eff": status["CapEff"].strip(),
    "no_new_privs": status["NoNewPrivs"].strip(),
}))
"""


def _image() -> str:
    import metaflow

    return f"local/mfstudio-metaflow:{metaflow.__version__}"


def run_in_sandbox(
    policy: SandboxPolicy, command: list[str], mount: Path
) -> tuple[engine.Outcome, str]:
    """Runs command in a container made exactly as a task's is, returns (outcome, stdout)."""
    client = engine.connect()
    box = engine.TaskContainer(
        image=_image(),
        command=command,
        working_dir="/",
        policy=policy,
        environment={},
        binds={str(mount): (str(mount), policy.mounts_read_only)},
        labels={engine.LABEL: "policy-test"},
    )
    output: list[bytes] = []
    container = engine.create(client, box)
    try:
        outcome = engine.run(container, 60, lambda out, err: output.append(out or err or b""))
    finally:
        engine.remove(container)
    return outcome, b"".join(output).decode()


@pytest.fixture
def host_server() -> Iterator[int]:
    """A TCP server on every host interface; a probe that reaches it has network access."""
    server = socket.create_server(("0.0.0.0", 0))
    server.settimeout(30)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                server.accept()[0].close()
            except OSError:
                return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    server.close()


def _gateway(docker_client: Any) -> str:
    """The host's address on Docker's bridge (the subnet's first address by default)."""
    config = docker_client.networks.get("bridge").attrs["IPAM"]["Config"][0]
    return str(config.get("Gateway") or next(ipaddress.ip_network(config["Subnet"]).hosts()))


def probe(policy: SandboxPolicy, mount: Path, host: str, port: int) -> dict[str, Any]:
    outcome, out = run_in_sandbox(
        policy, ["python3", "-c", PROBE, host, str(port), str(mount)], mount
    )
    assert outcome.exit_code == 0, out
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def test_devcontainer_default_policy_locks_the_sandbox_down(
    tmp_path: Path, docker_client: Any, host_server: int, no_leftovers: None
) -> None:
    result = probe(SandboxPolicy(), tmp_path, _gateway(docker_client), host_server)
    assert result["interfaces"] == ["lo"]  # network none
    assert "unreachable" in result["connect"].lower()
    assert "Read-only file system" in result["write_root"]
    assert result["write_tmp"] == "ok"  # the writable tmpfs
    assert "Read-only file system" in result["write_mount"]  # host folders read-only
    assert not (tmp_path / "probe").exists()
    assert result["uid"] == os.getuid()  # the host user: datastore files stay the user's
    assert result["cap_eff"] == "0000000000000000"  # every capability dropped
    assert result["no_new_privs"] == "1"


def test_devcontainer_bridge_network_reaches_the_host(
    tmp_path: Path, docker_client: Any, host_server: int, no_leftovers: None
) -> None:
    result = probe(SandboxPolicy(network="bridge"), tmp_path, _gateway(docker_client), host_server)
    assert "eth0" in result["interfaces"]
    assert result["connect"] == "ok"


def test_devcontainer_host_network_sees_the_host_interfaces(
    tmp_path: Path, host_server: int, no_leftovers: None
) -> None:
    result = probe(SandboxPolicy(network="host"), tmp_path, "127.0.0.1", host_server)
    assert set(result["interfaces"]) == set(os.listdir("/sys/class/net"))
    assert result["connect"] == "ok"


def test_devcontainer_writable_mounts_user_and_root_fs_are_configurable(
    tmp_path: Path, docker_client: Any, host_server: int, no_leftovers: None
) -> None:
    tmp_path.chmod(0o777)  # so that user 65534 may write into the mounted folder
    policy = SandboxPolicy(mounts_read_only=False, user="65534:65534", read_only_root=False)
    result = probe(policy, tmp_path, _gateway(docker_client), host_server)
    assert result["uid"] == 65534
    assert result["write_mount"] == "ok" and (tmp_path / "probe").read_text() == "x"
    # A writable root filesystem, but /etc belongs to root: the non-root user still cannot.
    assert "Permission denied" in result["write_root"]


def test_devcontainer_memory_limit_kills_with_oom(tmp_path: Path, no_leftovers: None) -> None:
    outcome, _ = run_in_sandbox(
        SandboxPolicy(memory="64m"),
        ["python3", "-c", "b = [bytearray(16 << 20) for _ in range(20)]"],
        tmp_path,
    )
    assert outcome.exit_code == 137 and outcome.oom_killed


def test_devcontainer_cpu_limit_is_set_in_the_cgroup(tmp_path: Path, no_leftovers: None) -> None:
    read_quota = (
        "import os\n"
        "v2 = '/sys/fs/cgroup/cpu.max'\n"
        "if os.path.exists(v2): print(open(v2).read().split()[0])\n"
        "else: print(open('/sys/fs/cgroup/cpu/cpu.cfs_quota_us').read().strip())\n"
    )
    outcome, out = run_in_sandbox(SandboxPolicy(cpu=0.5), ["python3", "-c", read_quota], tmp_path)
    assert outcome.exit_code == 0
    assert out.strip() == "50000"  # half of the 100 ms period


def test_devcontainer_pids_limit_stops_a_fork_storm(tmp_path: Path, no_leftovers: None) -> None:
    storm = (
        "import subprocess\n"
        "procs = []\n"
        "try:\n"
        "    for _ in range(60): procs.append(subprocess.Popen(['sleep', '5']))\n"
        "    print('spawned all')\n"
        "except OSError as ex: print('refused after', len(procs), ex.strerror)\n"
        "for p in procs: p.kill()\n"
    )
    outcome, out = run_in_sandbox(SandboxPolicy(pids=20), ["python3", "-c", storm], tmp_path)
    assert outcome.exit_code == 0
    assert "refused after" in out and "spawned all" not in out, out
