#!/usr/bin/env bash
# Runs every benchmark in bench/ after setup. Each prints its numbers and the ratio against
# the naive or peer way, measured in the same run (these machines are noisy).
# Benchmarks never fail a build; they report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export USERNAME=${USERNAME:-mfstudio-bench}
export METAFLOW_CLIENT_CACHE_PATH=${METAFLOW_CLIENT_CACHE_PATH:-$(mktemp -d)/metaflow-client}
for b in bench/*.py; do
  case "$b" in *_fixtures.py) continue ;; esac  # fixture builders: the benchmarks call them
  printf '\n\033[1m==> %s\033[0m\n' "$b"
  .venv/bin/python "$b" "$@"
done
