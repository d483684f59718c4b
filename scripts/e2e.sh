#!/usr/bin/env bash
# End-to-end tests in a real VS Code workbench (code-server + headless Chromium).
#   1. installs/locates Chromium, Node 24 and code-server (scripts/setup-workbench.sh, cached)
#   2. builds the DAG front-end, the extension and its .vsix (skip: MFSTUDIO_E2E_SKIP_BUILD=1)
#   3. runs tests/e2e/ with node's test runner, one file at a time
# Exit code = the test result. Arguments: test files to run instead of tests/e2e/*.e2e.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "[e2e] $*" >&2; }

eval "$(bash scripts/setup-workbench.sh)"
export MFSTUDIO_NODE24 MFSTUDIO_CODE_SERVER

if [ "${MFSTUDIO_E2E_SKIP_BUILD:-0}" = 1 ]; then
  log "MFSTUDIO_E2E_SKIP_BUILD=1: using the existing build and .vsix"
else
  [ -d node_modules ] || { log "npm ci"; npm ci --no-audit --no-fund >&2; }
  log "building media + extension"
  npm run build >&2
  log "packaging the .vsix"
  npm run package --workspace vscode-extension >&2
fi

# Node 20's runner does not pick up *.e2e.mjs from a bare directory (it would run nothing and
# pass), so the files are listed explicitly.
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(tests/e2e/*.e2e.mjs)
[ -e "${files[0]}" ] || { log "no e2e test files found"; exit 1; }
log "node --test --test-concurrency=1 ${files[*]}"
exec node --test --test-concurrency=1 "${files[@]}"
