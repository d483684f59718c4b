#!/usr/bin/env bash
# Sets everything up, then runs every check and test: linters and type checkers, the Python
# suite (pytest), the TypeScript unit tests, and the end-to-end tests in a real workbench
# (code-server + Chromium). Runs all stages, prints a summary, exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "setup failed" >&2; exit 1; }
# shellcheck disable=SC1091
source .venv/workbench.env
export DOCKER_HOST=${DOCKER_HOST:-$(bash scripts/setup-docker.sh | sed -n 's/^DOCKER_HOST=//p')}  # @devcontainer engine
export USERNAME=${USERNAME:-mfstudio-test}
export METAFLOW_CLIENT_CACHE_PATH=${METAFLOW_CLIENT_CACHE_PATH:-$(mktemp -d)/metaflow-client}

declare -a results=()
failed=0
stage() {
  local name=$1; shift
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  local t0=$SECONDS
  if "$@"; then results+=("ok    $name ($((SECONDS - t0))s)")
  else results+=("FAIL  $name ($((SECONDS - t0))s)"); failed=1; fi
}

stage "ruff" .venv/bin/ruff check pyserver extensions tests bench
stage "mypy (strict, pyserver)" .venv/bin/mypy
stage "mypy (strict, Metaflow extension)" bash -c 'cd extensions && MYPYPATH=../pyserver ../.venv/bin/mypy --config-file ../pyproject.toml --strict --namespace-packages --explicit-package-bases metaflow_extensions'
stage "eslint" npx --no-install eslint media vscode-extension scripts tests/e2e
stage "tsc (strict)" npm run --silent typecheck --workspaces
stage "TypeScript unit tests" npm run --silent test:unit --workspaces
stage "pytest" .venv/bin/pytest -q -p no:cacheprovider
stage "DAG view in Chromium" npm run --silent test:browser --workspace media
stage "end-to-end (code-server + Chromium)" bash scripts/e2e.sh

printf '\n\033[1mSummary\033[0m\n'
printf '  %s\n' "${results[@]}"
n_failed=$(printf '%s\n' "${results[@]}" | grep -c '^FAIL' || true)
echo "stages: $(( ${#results[@]} - n_failed )) passed, $n_failed failed"
exit $failed
