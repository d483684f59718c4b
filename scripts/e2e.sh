#!/usr/bin/env bash
# End-to-end tests in a real VS Code workbench (code-server + headless Chromium).
#   1. scripts/setup.sh: Chromium, Node 24 and code-server (cached), and the DAG front-end, the
#      extension and its .vsix, rebuilt only when their sources changed
#   2. runs tests/e2e/ with node's test runner, one file at a time
# Exit code = the test result. Arguments: test files to run instead of tests/e2e/*.e2e.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "[e2e] $*" >&2; }

bash scripts/setup.sh
# shellcheck disable=SC1091
source .venv/workbench.env
export MFSTUDIO_NODE24 MFSTUDIO_CODE_SERVER

# Node 20's runner does not pick up *.e2e.mjs from a bare directory (it would run nothing and
# pass), so the files are listed explicitly.
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(tests/e2e/*.e2e.mjs)
[ -e "${files[0]}" ] || { log "no e2e test files found"; exit 1; }
log "node --test --test-concurrency=1 ${files[*]}"
exec node --test --test-concurrency=1 "${files[@]}"
