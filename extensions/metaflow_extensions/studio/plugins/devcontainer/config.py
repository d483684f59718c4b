"""devcontainer.json: find it, read it (JSONC: comments and trailing commas), check it.

Only the fields a step container needs are read: image, build (dockerfile, context, args),
containerEnv, mounts, runArgs, postCreateCommand, remoteUser, and the project's sandbox policy
under customizations.mfstudio.policy. Every error names the file, the line and what to fix.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DevcontainerError
from .policy import parse_run_args

CONFIG_CANDIDATES = (".devcontainer/devcontainer.json", ".devcontainer.json")


@dataclass(frozen=True)
class Mount:
    source: str
    target: str
    read_only: bool


@dataclass(frozen=True)
class DevcontainerConfig:
    path: Path
    image: str | None = None
    dockerfile: Path | None = None
    context: Path | None = None
    build_args: dict[str, str] = field(default_factory=dict)
    container_env: dict[str, str] = field(default_factory=dict)
    mounts: tuple[Mount, ...] = ()
    run_args: tuple[str, ...] = ()
    post_create_command: tuple[str, ...] = ()
    remote_user: str | None = None
    policy: dict[str, Any] = field(default_factory=dict)


def find_config(start: Path) -> Path | None:
    """The nearest .devcontainer/devcontainer.json (or .devcontainer.json) at or above start."""
    for folder in (start, *start.parents):
        for name in CONFIG_CANDIDATES:
            if (folder / name).is_file():
                return folder / name
    return None


def strip_jsonc(text: str) -> str:
    """JSONC -> JSON of the same length and line layout, so json's positions stay true.

    Comments become spaces (newlines kept); a comma before `}` or `]` becomes a space.
    """
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                out[i] = " "
                i += 1
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            for j in range(i, end):
                if text[j] != "\n":
                    out[j] = " "
            i = end
            continue
        i += 1
    return _drop_trailing_commas("".join(out))


def _drop_trailing_commas(text: str) -> str:
    """Replace a comma (outside strings) followed only by whitespace and `}`/`]` with a space."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c == ",":
            j = i + 1
            while j < n and text[j].isspace():
                j += 1
            if j < n and text[j] in "}]":
                out[i] = " "
        i += 1
    return "".join(out)


def _line_of(text: str, key: str) -> int:
    """The line of the first `"key"` in the file (1-based), for error messages."""
    pos = text.find(f'"{key}"')
    return text.count("\n", 0, pos) + 1 if pos >= 0 else 1


def _substitute(value: str, workspace: Path) -> str:
    """The devcontainer variables a local run can resolve."""
    value = value.replace("${localWorkspaceFolder}", str(workspace))
    value = value.replace("${containerWorkspaceFolder}", str(workspace))
    value = value.replace("${localWorkspaceFolderBasename}", workspace.name)
    return re.sub(
        r"\$\{localEnv:([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}",
        lambda m: os.environ.get(m.group(1), m.group(2) or ""),
        value,
    )


def load_config(path: Path) -> DevcontainerConfig:
    """Read and check one devcontainer.json."""
    path = path.resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as ex:
        raise DevcontainerError(f"{path}: cannot read the devcontainer config: {ex}") from ex
    try:
        raw = json.loads(strip_jsonc(text))
    except json.JSONDecodeError as ex:
        raise DevcontainerError(
            f"{path}:{ex.lineno}:{ex.colno}: not valid JSON(C): {ex.msg}. "
            "Fix the syntax there (comments and trailing commas are allowed)."
        ) from ex
    if not isinstance(raw, dict):
        raise DevcontainerError(f"{path}:1: the top level must be an object {{...}}.")
    return _parse(raw, path, text)


def _parse(raw: dict[str, Any], path: Path, text: str) -> DevcontainerConfig:
    # The workspace is the folder that holds .devcontainer/ (or the .devcontainer.json file).
    folder = path.parent
    workspace = folder.parent if folder.name == ".devcontainer" else folder

    def fail(key: str, what: str) -> DevcontainerError:
        return DevcontainerError(f"{path}:{_line_of(text, key)}: {what}")

    def want_str(key: str, value: Any) -> str:
        if not isinstance(value, str) or not value:
            raise fail(key, f'"{key}" must be a non-empty string, got {json.dumps(value)}.')
        return _substitute(value, workspace)

    def want_str_map(key: str, value: Any) -> dict[str, str]:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise fail(key, f'"{key}" must be an object of strings, like {{"NAME": "value"}}.')
        return {str(k): _substitute(v, workspace) for k, v in value.items()}

    image = want_str("image", raw["image"]) if "image" in raw else None
    dockerfile = context = None
    build_args: dict[str, str] = {}
    if "build" in raw:
        build = raw["build"]
        if not isinstance(build, dict) or "dockerfile" not in build:
            raise fail("build", '"build" must be an object with "dockerfile" (and "context").')
        # Relative paths in "build" are relative to the devcontainer.json's folder.
        dockerfile = (folder / want_str("dockerfile", build["dockerfile"])).resolve()
        context = (folder / want_str("context", build.get("context", "."))).resolve()
        if not dockerfile.is_file():
            raise fail("dockerfile", f"the Dockerfile {dockerfile} does not exist.")
        build_args = want_str_map("args", build.get("args", {}))
    if image is None and dockerfile is None:
        raise DevcontainerError(
            f'{path}:1: set "image" (for example "local/mfstudio-metaflow:<version>") or '
            '"build": {"dockerfile": "Dockerfile"}; "dockerComposeFile" is not supported.'
        )
    if image is not None and dockerfile is not None:
        raise fail("build", 'set either "image" or "build", not both.')

    run_args = raw.get("runArgs", [])
    if not isinstance(run_args, list) or not all(isinstance(a, str) for a in run_args):
        raise fail("runArgs", '"runArgs" must be a list of strings, like ["--memory=1g"].')
    # Checked here too, so that a refused runArg is reported with its line.
    parse_run_args(tuple(run_args), f"{path}:{_line_of(text, 'runArgs')}")
    remote_user = raw.get("remoteUser", raw.get("containerUser"))
    policy = raw.get("customizations", {}).get("mfstudio", {}).get("policy", {})
    if not isinstance(policy, dict):
        raise fail("policy", '"customizations.mfstudio.policy" must be an object.')
    return DevcontainerConfig(
        path=path,
        image=image,
        dockerfile=dockerfile,
        context=context,
        build_args=build_args,
        container_env=want_str_map("containerEnv", raw.get("containerEnv", {})),
        mounts=tuple(_parse_mount(m, fail, workspace) for m in raw.get("mounts", [])),
        run_args=tuple(_substitute(a, workspace) for a in run_args),
        post_create_command=_parse_command(raw.get("postCreateCommand"), fail),
        remote_user=want_str("remoteUser", remote_user) if remote_user is not None else None,
        policy=policy,
    )


def _parse_mount(value: Any, fail: Any, workspace: Path) -> Mount:
    if isinstance(value, str):
        pairs = (p.partition("=") for p in value.split(","))
        parts = {k: v if sep else "true" for k, sep, v in pairs}
    elif isinstance(value, dict):
        parts = {str(k): str(v) for k, v in value.items()}
    else:
        raise fail("mounts", '"mounts" entries must be strings or objects.')
    kind = parts.get("type", "bind")
    source = parts.get("source", parts.get("src", ""))
    target = parts.get("target", parts.get("dst", parts.get("destination", "")))
    if kind != "bind" or not source or not target:
        raise fail(
            "mounts",
            f"mount {json.dumps(value)}: only bind mounts with source and target are "
            'supported, like "source=${localWorkspaceFolder}/data,target=/data,type=bind".',
        )
    read_only = parts.get("readonly", parts.get("ro", "false")).lower() in ("true", "1", "")
    return Mount(_substitute(source, workspace), _substitute(target, workspace), read_only)


def _parse_command(value: Any, fail: Any) -> tuple[str, ...]:
    """postCreateCommand: a string runs through sh -c, a list is the argv."""
    if value is None:
        return ()
    if isinstance(value, str):
        return ("/bin/sh", "-c", value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise fail(
        "postCreateCommand",
        '"postCreateCommand" must be a string or a list of strings '
        "(the object form with parallel commands is not supported).",
    )
