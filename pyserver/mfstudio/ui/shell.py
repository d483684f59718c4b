"""The app shell, the page ``/`` answers: built from the bundle's ``ui-shell.json``.

The page's first paint waits on three things, and the shell starts all three at once:

- the first requests of the runs view: the boot script (``media/src/ui/boot.ts``, a few
  KB) is inlined at the very top, before the stylesheet (an inline script after a pending
  stylesheet would wait for it), and starts ``/api/flows`` and the first page of runs
  while the browser still fetches the bundle. The CSP stays strict: the script runs under
  its own ``sha256`` hash, never ``'unsafe-inline'``;
- the entry module ``ui-app.js`` (the runs page; other views are chunks loaded on
  navigation) and, as ``modulepreload``, the chunks it imports, so they are fetched in
  parallel instead of after the entry was parsed;
- the stylesheet.

``ui-shell.json`` is written by ``media/build.mjs``: ``{"script", "preload", "style",
"boot"}``, each a plain file name in the same folder.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ASSET_NAME", "MANIFEST", "Shell", "ShellCache", "ShellError", "shell_csp"]

MANIFEST = "ui-shell.json"
ASSET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")  # a plain name in the bundle's folder


class ShellError(Exception):
    """The bundle's manifest is unusable (a partial or old build): rebuild it."""


@dataclass(frozen=True)
class Shell:
    html: str
    boot_hash: str  # the CSP source of the inline boot script: 'sha256-...'


def shell_csp(host: str, boot_hash: str) -> str:
    return (
        f"default-src 'none'; script-src 'self' '{boot_hash}'; style-src 'self'; "
        f"img-src 'self' data:; font-src 'self'; connect-src 'self' ws://{host}; "
        "frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def _name(folder: Path, value: Any, what: str) -> str:
    if not isinstance(value, str) or not ASSET_NAME.match(value):
        raise ShellError(f"{MANIFEST} in {folder}: {what} is not a plain file name: {value!r}.")
    if not (folder / value).is_file():
        raise ShellError(f"{MANIFEST} in {folder} names {value}, which is not there.")
    return value


def build_shell(folder: Path) -> Shell:
    """The shell for the bundle in ``folder``; ShellError saying what is wrong when its
    manifest or a file it names is missing or malformed."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ShellError(f"{MANIFEST} in {folder} is unreadable: {error}.") from error
    if not isinstance(manifest, dict) or not isinstance(manifest.get("preload", []), list):
        raise ShellError(f"{MANIFEST} in {folder} is not an object with a preload list.")
    script = _name(folder, manifest.get("script"), "script")
    style = _name(folder, manifest.get("style"), "style")
    preload = [_name(folder, p, "a preload") for p in manifest.get("preload", [])]
    boot = (folder / _name(folder, manifest.get("boot"), "boot")).read_text(encoding="utf-8")
    if "</script" in boot.lower():
        raise ShellError(f"The boot script in {folder} contains '</script' and cannot be inlined.")
    digest = base64.b64encode(hashlib.sha256(boot.encode("utf-8")).digest()).decode("ascii")
    links = "".join(f'<link rel="modulepreload" href="/assets/{p}">\n' for p in preload)
    html = (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Metaflow Studio</title>\n"
        f"<script>{boot}</script>\n"
        f'<link rel="stylesheet" href="/assets/{style}">\n'
        f"{links}"
        f'<script type="module" src="/assets/{script}"></script>\n'
        '</head>\n<body>\n<div id="app"></div>\n</body>\n</html>\n'
    )
    return Shell(html, f"sha256-{digest}")


class ShellCache:
    """The shell, built again only when the manifest changed (a rebuild rewrites it), so
    the page costs a stat, not a read and a hash."""

    def __init__(self) -> None:
        self._key: tuple[Path, int, int] | None = None
        self._shell: Shell | None = None

    def get(self, folder: Path) -> Shell:
        stat = (folder / MANIFEST).stat()
        key = (folder, stat.st_mtime_ns, stat.st_size)
        if self._shell is None or self._key != key:
            self._shell = build_shell(folder)
            self._key = key
        return self._shell
