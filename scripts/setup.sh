#!/usr/bin/env bash
# Sets up everything Metaflow Studio needs to build, run and test, idempotently:
#   .venv/ (Python, the editable `metaflow-studio` package with dev tools; .venv/bin/mfstudio)
#   node_modules/ (npm workspaces), the media/ and extension bundles and the .vsix,
#   Chromium, Node 24 and code-server (cached under ~/.cache/metaflow-studio by version).
# Each step is skipped when its inputs (pyproject.toml, package-lock.json, sources) are unchanged.
# Writes the workbench env lines to .venv/workbench.env for scripts/demo.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
stamp() { cat "$@" | sha256sum | cut -c1-16; }

# --- Python -------------------------------------------------------------------------------
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  echo "Metaflow Studio needs Python >= 3.10 (found: $("$PY" --version 2>&1)). Set PYTHON=/path/to/python3." >&2
  exit 1
fi
py_stamp=$(stamp pyproject.toml)
if [ ! -x .venv/bin/mfstudio ] || [ "$(cat .venv/.setup-stamp 2>/dev/null)" != "$py_stamp" ]; then
  log "Python environment in .venv (metaflow-studio, editable, with dev tools)"
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  # setuptools' editable finder maps `mfstudio` to pyserver/mfstudio (compat mode would only
  # put the repo root on sys.path, where no package lives).
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
  echo "$py_stamp" > .venv/.setup-stamp
fi

# --- Node workspaces, bundles and the .vsix --------------------------------------------------
node_stamp=$(stamp package-lock.json)
if [ ! -d node_modules ] || [ "$(cat node_modules/.setup-stamp 2>/dev/null)" != "$node_stamp" ]; then
  log "npm ci (workspaces: media, vscode-extension)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$node_stamp" > node_modules/.setup-stamp
fi
# Everything the bundles and the in-host tests are built from (sources, tests, configs).
src_stamp=$(find media vscode-extension \( -name node_modules -o -name dist -o -name out \) -prune \
  -o -type f -print | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-16)
vsix=vscode-extension/dist/metaflow-studio.vsix
if [ ! -f "$vsix" ] || [ "$(cat vscode-extension/dist/.setup-stamp 2>/dev/null)" != "$src_stamp" ]; then
  log "building the DAG front-end, the extension and the .vsix"
  npm run --silent build
  npm run --silent package --workspace vscode-extension >/dev/null
  echo "$src_stamp" > vscode-extension/dist/.setup-stamp
fi

# --- The real workbench: Chromium, Node 24, code-server ----------------------------------------
bash scripts/setup-workbench.sh > .venv/workbench.env
log "ready: .venv/bin/mfstudio, $vsix, workbench env in .venv/workbench.env"
