"""``mfstudio ui`` and ``metaflow ui`` as a user runs them: the address printed, the page
served, Ctrl-C stops cleanly (checked by running_ui on every server of these tests), a
busy or impossible address is a clear message with exit 2."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from runs_fixture import QueryRuns, metaflow_env
from ui_server_proc import ROOT, running_ui, ui_command

METAFLOW = Path(sys.executable).parent / "metaflow"


def test_a_busy_port_is_a_clear_message() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run(
            ui_command("--port", str(port)), cwd=ROOT, capture_output=True, text=True, timeout=60
        )
    assert done.returncode == 2
    assert f"Port {port} on 127.0.0.1 is in use" in done.stderr
    assert "--port" in done.stderr and done.stdout == ""


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--host", "no-such-host.invalid"], "is not an address of this machine"),
        (["--port", "70000"], "is not a port"),
        (["--port", "http"], "is not a port number"),
    ],
)
def test_impossible_addresses_are_refused(args: list[str], says: str) -> None:
    done = subprocess.run(ui_command(*args), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and says in done.stderr, done.stderr


def test_without_port_a_taken_default_falls_back_to_a_free_port(query_runs: QueryRuns) -> None:
    from mfstudio.ui.serve import DEFAULT_PORT

    with socket.socket() as taken:
        try:
            taken.bind(("127.0.0.1", DEFAULT_PORT))
            taken.listen(1)
        except OSError:
            pass  # something else holds it already: the same situation
        command = ui_command("--root", str(query_runs.root))
        with running_ui(command=command) as ui:
            assert ui.port != DEFAULT_PORT
            assert ui.raw_get("/api/flows")[0] == 200


def test_metaflow_ui_is_the_same_server(query_runs: QueryRuns) -> None:
    env = metaflow_env(query_runs.root)
    helped = subprocess.run(
        [str(METAFLOW), "ui", "--help"], capture_output=True, text=True, timeout=120, env=env
    )
    assert helped.returncode == 0, helped.stderr
    for option in ("--root", "--port", "--host", "--no-browser"):
        assert option in helped.stdout
    command = [str(METAFLOW), "ui", "--root", str(query_runs.root), "--port", "0", "--no-browser"]
    with running_ui(command=command, env=env) as ui:
        status, _, body = ui.raw_get("/api/flows")
        assert status == 200 and b'"QueryFlow"' in body
