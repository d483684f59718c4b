"""Ask the real Metaflow client about the fixture runs, in a subprocess.

The client must read the fixture's datastore (``runs_fixture.metaflow_env``) and sees every
namespace; ``client_json(root, body)`` runs ``body`` after ``from metaflow import *`` and
``namespace(None)``; ``body`` assigns the answer to ``result``, which comes back as JSON.
Note: the client finds a task's files through the ``ds-root`` recorded at run time, so it
always reads the original folder, never a copy of it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from runs_fixture import metaflow_env

_PRELUDE = """\
import json, sys
from metaflow import Flow, Run, Step, Task, namespace
namespace(None)
"""

_EPILOGUE = """
sys.stdout.write("\\n@@RESULT@@" + json.dumps(result))
"""


def client_json(root: Path, body: str) -> Any:
    script = _PRELUDE + textwrap.dedent(body) + _EPILOGUE
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        env=metaflow_env(root),
        capture_output=True,
        text=True,
        timeout=240,
    )
    if done.returncode != 0 or "@@RESULT@@" not in done.stdout:
        raise AssertionError(f"client probe failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.rsplit("@@RESULT@@", 1)[1])
