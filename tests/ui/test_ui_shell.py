"""The app shell (pyserver/mfstudio/ui/shell.py) and the page it starts, in Chromium.

The shell inlines the boot script under its own CSP hash and preloads what the runs page
imports; the boot script starts the runs view's first requests before the bundle loads,
and the view adopts them. Checked here on the real built bundle (media/dist) over real runs
(the ``query_runs`` fixture): the page asks for the flows and the runs once each, breaks no
CSP rule, loads the run view's code (and dagre) only when a run is opened, and draws it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mfstudio.ui.shell import MANIFEST, ShellError, build_shell, shell_csp
from runs_fixture import QueryRuns
from ui_server_proc import ROOT, running_ui

DIST = ROOT / "media" / "dist"
PROBE = Path(__file__).with_name("ui_shell_probe.mjs")
CHROMIUM = Path("/usr/bin/chromium")


def bundle(folder: Path, boot_text: str = "window.booted = 1;", **manifest: Any) -> Path:
    """A small bundle in ``folder``: entry, one chunk, style, boot and the manifest."""
    for name in ("app.js", "chunk.js", "ui.css"):
        (folder / name).write_text("/* */\n")
    (folder / "boot.js").write_text(boot_text)
    shell = {"script": "app.js", "preload": ["chunk.js"], "style": "ui.css", "boot": "boot.js"}
    (folder / MANIFEST).write_text(json.dumps({**shell, **manifest}))
    return folder


def test_the_boot_script_runs_first_under_its_own_hash(tmp_path: Path) -> None:
    shell = build_shell(bundle(tmp_path))
    digest = base64.b64encode(hashlib.sha256(b"window.booted = 1;").digest()).decode()
    assert shell.boot_hash == f"sha256-{digest}"
    html = shell.html
    # Before the stylesheet: an inline script after a pending stylesheet waits for it.
    assert html.index("<script>window.booted = 1;</script>") < html.index('rel="stylesheet"')
    assert '<link rel="modulepreload" href="/assets/chunk.js">' in html
    assert '<script type="module" src="/assets/app.js"></script>' in html
    csp = shell_csp("127.0.0.1:8324", shell.boot_hash)
    assert f"script-src 'self' 'sha256-{digest}';" in csp
    assert "unsafe" not in csp and "default-src 'none'" in csp


@pytest.mark.parametrize(
    ("manifest", "boot", "says"),
    [
        ({"script": "missing.js"}, "x", "names missing.js, which is not there"),
        ({"preload": ["../secret.js"]}, "x", "a preload is not a plain file name"),
        ({"boot": None}, "x", "boot is not a plain file name"),
        ({}, "a('</SCRIPT>')", "contains '</script' and cannot be inlined"),
    ],
)
def test_a_broken_bundle_says_what_is_wrong(
    tmp_path: Path, manifest: dict[str, Any], boot: str, says: str
) -> None:
    with pytest.raises(ShellError, match=re.escape(says)):
        build_shell(bundle(tmp_path, boot, **manifest))


def test_a_broken_manifest_answers_503_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    assets = bundle(tmp_path / "assets")
    (assets / MANIFEST).write_text("{not json")
    (tmp_path / ".metaflow").mkdir()
    with running_ui("--root", str(tmp_path), env={"MFSTUDIO_UI_ASSETS": str(assets)}) as ui:
        status, _, body = ui.raw_get("/")
    assert status == 503
    assert MANIFEST.encode() in body and b"npm run build --workspace media" in body


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium")
@pytest.mark.skipif(shutil.which("node") is None, reason="needs node for playwright-core")
def test_the_runs_page_adopts_the_boot_requests_and_loads_views_on_demand(
    query_runs: QueryRuns,
) -> None:
    manifest = json.loads((DIST / MANIFEST).read_text())  # the real build
    flow, run = query_runs.ok_run.split("/")
    with running_ui("--root", str(query_runs.root), env={"MFSTUDIO_UI_ASSETS": str(DIST)}) as ui:
        page = httpx2.get(ui.base + "/", timeout=30)
        assert "unsafe-inline" not in page.headers["content-security-policy"]
        done = subprocess.run(
            ["node", str(PROBE), ui.base, flow, run],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=ROOT,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["problems"] == [] and seen["violations"] == []
    assert seen["rows"] == 2
    # One request each: the boot script's, taken by the view (not sent a second time).
    runs = [r for r in seen["requests"] if r.startswith("/api/runs?")]
    assert runs == [f"/api/runs?flow={flow}&limit=25"], seen["requests"]
    assert [r for r in seen["requests"] if r.startswith("/api/flows")] == ["/api/flows"]
    assert seen["prefetchLeft"] == 0
    # The runs page loads the entry and what it preloads, nothing else (no dagre, no
    # other view); opening a run loads the run view's chunks, which draw the DAG.
    assert set(seen["scripts"]) == {manifest["script"], *manifest["preload"]}
    assert len(seen["runScripts"]) > len(seen["scripts"])
    assert seen["dagNodes"] >= 3
