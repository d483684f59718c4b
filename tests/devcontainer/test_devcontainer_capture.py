"""`mfstudio devcontainer generate`: @pypi/@conda environments captured as an offline image."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from devcontainer_support import FIXTURES
from metaflow_extensions.studio.plugins.devcontainer import config, engine
from mfstudio.devcontainer_capture import CaptureError, capture, requirement_lines

FLOW_TEMPLATE = """
from metaflow import FlowSpec, pypi, pypi_base, conda, step

{base}
class EnvFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.a)

    {a_deco}
    @step
    def a(self):
        self.next(self.end)

    @step
    def end(self):
        pass
"""


def _flow(tmp_path: Path, base: str = "", a_deco: str = "") -> Path:
    path = tmp_path / "env_flow.py"
    path.write_text(FLOW_TEMPLATE.format(base=base, a_deco=a_deco))
    return path


def test_devcontainer_capture_merges_base_and_step_environments() -> None:
    flow = FIXTURES / "capture" / "capture_flow.py"
    assert requirement_lines(capture(flow, "train")) == ["idna==3.20", "six==1.17.0"]
    assert requirement_lines(capture(flow, "start")) == ["six==1.17.0"]
    assert requirement_lines(capture(flow)) == ["idna==3.20", "six==1.17.0"]
    assert capture(flow).python == "3.11"


def test_devcontainer_capture_conda_libraries_become_requirements(tmp_path: Path) -> None:
    flow = _flow(tmp_path, a_deco='@conda(packages={"numpy": "2.1.0"}, python="3.11.4")')
    assert requirement_lines(capture(flow, "a")) == ["numpy==2.1.0"]


@pytest.mark.parametrize(
    ("base", "a_deco", "step", "fragment"),
    [
        (
            '@pypi_base(packages={"six": "1.17.0"})',
            '@pypi(packages={"six": "1.16.0"})',
            None,
            "six is pinned to",
        ),
        ("", '@pypi(packages={"six": "1"}, python="3.9")', "a", "python=3.9 is requested"),
        ("", "", "train", "has no step 'train'; steps: start, a, end"),
    ],
)
def test_devcontainer_capture_errors_say_what_to_do(
    tmp_path: Path, base: str, a_deco: str, step: str | None, fragment: str
) -> None:
    with pytest.raises(CaptureError, match=fragment):
        capture(_flow(tmp_path, base, a_deco), step)


def test_devcontainer_generate_builds_an_image_with_the_captured_packages(
    tmp_path: Path, docker_client: Any, no_leftovers: None
) -> None:
    shutil.copy(FIXTURES / "capture" / "capture_flow.py", tmp_path)
    command = [sys.executable, "-m", "mfstudio.cli", "devcontainer", "generate"]
    command += [str(tmp_path / "capture_flow.py"), "--step", "train"]
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    dc = tmp_path / ".devcontainer"
    assert {p.name for p in dc.iterdir()} == {"devcontainer.json", "Dockerfile", "wheels"}
    assert any(p.name.startswith("six-1.17.0") for p in (dc / "wheels").iterdir())

    client = engine.connect()
    image = engine.resolve_image(client, None, config.load_config(dc / "devcontainer.json"))
    probe = "import six, idna; print(six.__version__, idna.__version__)"
    output = client.containers.run(image, ["python3", "-c", probe], remove=True)
    assert output.decode().split() == ["1.17.0", "3.20"]

    # Generating again changes nothing, so the same cached image is used (no rebuild).
    subprocess.run(command, capture_output=True, check=True)
    again = engine.resolve_image(client, None, config.load_config(dc / "devcontainer.json"))
    assert again == image
