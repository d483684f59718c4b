"""Environment capture: a step's @pypi/@conda (and the _base flow decorators) -> a
devcontainer.json and a Dockerfile that reproduce it offline, for the user to commit.

The flow is read from its source (mfstudio.flowgraph: never imported). Wheels are downloaded
on the host (`pip download`, once per requirement set) into .devcontainer/wheels/ and the
Dockerfile installs them with --no-index on top of local/mfstudio-metaflow:<version>, the
image scripts/setup-docker.sh builds: nothing needs a registry at build time.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from mfstudio.flowgraph import Decorator, analyze_file

# The offline base image is Debian bookworm's Python.
IMAGE_PYTHON = "3.11"
# Wheels that run on bookworm (glibc 2.36), newest tag first.
PLATFORMS = (
    "manylinux_2_36_x86_64",
    "manylinux_2_28_x86_64",
    "manylinux_2_17_x86_64",
    "manylinux2014_x86_64",
    "manylinux1_x86_64",
)
ENV_DECORATORS = ("pypi", "conda")


class CaptureError(Exception):
    """What cannot be captured, where, and what to do instead."""


@dataclass(frozen=True)
class Captured:
    requirements: dict[str, str]  # package -> version ("" for any)
    python: str | None
    sources: dict[str, str]  # package -> the decorator it came from, for messages


def _literal(value: object) -> object:
    return None if value in (None, "None") else value


def _merge(into: Captured, deco: Decorator, where: str) -> Captured:
    packages = _literal(deco.attributes.get("packages")) or {}
    if not isinstance(packages, dict):
        raise CaptureError(f"{where}: @{deco.name} packages must be a literal dict to capture.")
    requirements = dict(into.requirements)
    sources = dict(into.sources)
    for name, version in packages.items():
        requirements[str(name)] = str(_literal(version) or "")
        sources[str(name)] = f"@{deco.name} ({where})"
    if deco.name.startswith("conda"):
        libraries = _literal(deco.attributes.get("libraries")) or {}
        if isinstance(libraries, dict):
            for name, version in libraries.items():
                requirements[str(name)] = str(_literal(version) or "")
                sources[str(name)] = f"@{deco.name} ({where})"
    python = _literal(deco.attributes.get("python"))
    return Captured(requirements, str(python) if python else into.python, sources)


def capture(flow_file: Path, step: str | None = None, flow_name: str | None = None) -> Captured:
    """The environment of ``step`` (flow-level base, then the step's own decorator), or of
    every step when ``step`` is None (conflicting pins are an error naming both steps)."""
    analysis = analyze_file(flow_file)
    flow = analysis.flow(flow_name)
    if flow is None:
        raise CaptureError(f"{flow_file}: no FlowSpec subclass found.")
    base = Captured({}, None, {})
    for deco in flow.decorators:
        if deco.name in (f"{d}_base" for d in ENV_DECORATORS):
            base = _merge(base, deco, f"{flow_file}:{deco.range.start.line}")
    if step is not None and step not in flow.steps:
        raise CaptureError(
            f"{flow_file}: flow {flow.name} has no step {step!r}; steps: {', '.join(flow.steps)}."
        )
    chosen = [step] if step is not None else list(flow.steps)
    result = Captured(dict(base.requirements), base.python, dict(base.sources))
    for name in chosen:
        env = base
        for deco in flow.steps[name].decorators:
            if deco.name in ENV_DECORATORS:
                env = _merge(env, deco, f"step {name}, {flow_file}:{deco.range.start.line}")
        for package, version in env.requirements.items():
            known = result.requirements.get(package)
            if known is not None and known != version:
                raise CaptureError(
                    f"{package} is pinned to {known or 'any'} by {result.sources[package]} and "
                    f"to {version or 'any'} by {env.sources[package]}: one image cannot hold "
                    "both; generate per step with --step."
                )
            result.requirements[package] = version
            result.sources[package] = env.sources[package]
        if env.python:
            result = Captured(result.requirements, env.python, result.sources)
    python = result.python
    if python and python != IMAGE_PYTHON and not python.startswith(IMAGE_PYTHON + "."):
        raise CaptureError(
            f"python={python} is requested but the offline base image has Python "
            f"{IMAGE_PYTHON} (Debian bookworm); use python='{IMAGE_PYTHON}' or your own image."
        )
    return result


def requirement_lines(captured: Captured) -> list[str]:
    return [f"{n}=={v}" if v else n for n, v in sorted(captured.requirements.items())]


def download_wheels(lines: list[str], wheels: Path) -> None:
    """pip download, once per requirement set (a stamp file records which set is there)."""
    wheels.mkdir(parents=True, exist_ok=True)
    stamp = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
    stamp_file = wheels / ".complete"
    if stamp_file.is_file() and stamp_file.read_text().strip() == stamp:
        return
    (wheels / "requirements.txt").write_text("".join(f"{line}\n" for line in lines))
    argv = [sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check"]
    argv += ["--only-binary=:all:", "--implementation", "cp", "--python-version", IMAGE_PYTHON]
    for platform in PLATFORMS:
        argv += ["--platform", platform]
    argv += ["--dest", str(wheels), "-r", str(wheels / "requirements.txt"), "pip"]
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise CaptureError(
            "pip download failed (conda packages are fetched as wheels of the same name; a "
            f"package without a Linux wheel cannot be captured):\n{proc.stderr[-2000:]}"
        )
    stamp_file.write_text(stamp)


def dockerfile_text(base_image: str, command: str) -> str:
    return (
        f"# Generated by `{command}`\n"
        "# from the flow's @pypi/@conda decorators: re-run it after changing them. The wheels\n"
        "# come from .devcontainer/wheels/ (pip download on the host): no registry needed.\n"
        f"FROM {base_image}\n"
        "COPY wheels/ /tmp/wheels/\n"
        'RUN python3 "$(echo /tmp/wheels/pip-*.whl)/pip" install -q --no-index --no-cache-dir \\\n'
        "      --break-system-packages --root-user-action=ignore --find-links /tmp/wheels \\\n"
        "      -r /tmp/wheels/requirements.txt && rm -rf /tmp/wheels\n"
    )


def _write_if_changed(path: Path, text: str) -> None:
    """Unchanged files keep their mtime, so the cached image (keyed on it) is reused."""
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)


def generate(
    flow_file: Path, step: str | None, base_image: str, download: bool = True
) -> list[Path]:
    """Writes .devcontainer/{devcontainer.json,Dockerfile,wheels/} next to the flow file."""
    captured = capture(flow_file, step)
    folder = flow_file.resolve().parent / ".devcontainer"
    folder.mkdir(exist_ok=True)
    lines = requirement_lines(captured)
    command = f"mfstudio devcontainer generate {flow_file.name}" + (
        f" --step {step}" if step else ""
    )
    config = {
        "name": f"{flow_file.stem}{'-' + step if step else ''}",
        "build": {"dockerfile": "Dockerfile", "context": "."},
        "customizations": {"mfstudio": {"captured": {"command": command, "packages": lines}}},
    }
    _write_if_changed(folder / "devcontainer.json", json.dumps(config, indent=2) + "\n")
    _write_if_changed(folder / "Dockerfile", dockerfile_text(base_image, command))
    wheels = folder / "wheels"
    if download:
        download_wheels(lines, wheels)
    wheels.mkdir(exist_ok=True)
    _write_if_changed(wheels / ".gitignore", "# downloaded by mfstudio devcontainer generate\n*\n")
    return [folder / "devcontainer.json", folder / "Dockerfile", wheels]
