#!/usr/bin/env bash
# The main job: sets everything up, then opens the demo workspace (test-fixtures/demo) in a real
# VS Code (code-server) in the browser with Metaflow Studio installed, and prints the URL.
# The first time, it also makes two real runs of the demo flow. PORT=8080 by default; Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck disable=SC1091
source .venv/workbench.env
# Real runs to browse in the Runs view (once; they land in test-fixtures/demo/.metaflow).
.venv/bin/python scripts/demo_runs.py test-fixtures/demo --if-missing
exec node scripts/code-server.mjs --folder test-fixtures/demo \
  --vsix vscode-extension/dist/metaflow-studio.vsix --port "${PORT:-8080}"
