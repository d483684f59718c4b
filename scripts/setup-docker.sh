#!/usr/bin/env bash
# Starts (or reuses) a private Docker engine and builds, offline, the images @devcontainer runs
# steps in. Idempotent: a warm machine takes a second or two; a fresh one installs docker.io and
# debootstrap from apt, debootstraps Debian bookworm (~1 min) and installs Metaflow from wheels.
#
#   eval "$(bash scripts/setup-docker.sh)"     # exports DOCKER_HOST (the only line on stdout)
#
# Everything lives under ~/.cache/metaflow-studio/docker-<dockerd version>/ (socket, data-root,
# exec-root, pidfile, log) so images survive between runs. No image registry is needed: the base
# image is `docker import`ed from a debootstrap root filesystem, and Metaflow gets into the
# image from wheels the host downloads once (pip download), installed with --no-index.
# Images: local/mfstudio-bookworm-py:<BASE_KEY>, local/mfstudio-metaflow:<metaflow version>.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '\033[1m[setup-docker]\033[0m %s\n' "$*" >&2; }
die() { printf '[setup-docker] error: %s\n' "$*" >&2; exit 1; }

CACHE_ROOT=${MFSTUDIO_CACHE:-$HOME/.cache/metaflow-studio}
# Bump BASE_KEY when the debootstrap recipe below changes: it names the cached base image.
BASE_KEY=bookworm-minbase-py3-1
PY=${PYTHON_FOR_WHEELS:-.venv/bin/python}

# --- 1. docker.io + debootstrap ---------------------------------------------------------------
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing ${missing[*]}: run 'sudo apt-get install -y ${missing[*]}' first"
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -q >/dev/null
  apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends \
    "${missing[@]}" iptables >/dev/null
fi

# --- 2. a private dockerd, reused when already running ------------------------------------------
version=$(dockerd --version | sed -E 's/^Docker version ([^,]+),.*/\1/')
STATE=$CACHE_ROOT/docker-$version
SOCK=$STATE/docker.sock
export DOCKER_HOST=unix://$SOCK
mkdir -p "$STATE/data" "$STATE/exec"
engine_up() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
if ! engine_up; then
  if [ -f "$STATE/dockerd.pid" ] && kill -0 "$(cat "$STATE/dockerd.pid")" 2>/dev/null; then
    log "dockerd $(cat "$STATE/dockerd.pid") is starting; waiting for it"
  else
    rm -f "$STATE/dockerd.pid" "$SOCK"
    log "starting dockerd $version (state in $STATE)"
    # setsid + nohup: the engine outlives this script and the test session that started it.
    setsid nohup dockerd -H "$DOCKER_HOST" --data-root "$STATE/data" --exec-root "$STATE/exec" \
      --pidfile "$STATE/dockerd.pid" >"$STATE/dockerd.log" 2>&1 </dev/null &
  fi
  for _ in $(seq 120); do engine_up && break; sleep 0.25; done
  engine_up || die "dockerd did not come up in 30 s; see $STATE/dockerd.log"
fi

# --- 3. the base image: debootstrap bookworm + python3, docker import ---------------------------
BASE_IMAGE=local/mfstudio-bookworm-py:$BASE_KEY
if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  rootfs=$(mktemp -d "$STATE/rootfs.XXXXXX")
  trap 'rm -rf "$rootfs"' EXIT
  log "debootstrap bookworm (python3) from $mirror (about a minute)"
  debootstrap --variant=minbase --include=python3 bookworm "$rootfs" "$mirror" \
    >"$STATE/debootstrap.log" 2>&1 || die "debootstrap failed; see $STATE/debootstrap.log"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENV LANG=C.UTF-8' -c 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
fi

# --- 4. Metaflow from wheels the host downloads ------------------------------------------------
mf_version=$("$PY" -c 'import metaflow; print(metaflow.__version__)')
MF_IMAGE=local/mfstudio-metaflow:$mf_version
if ! docker image inspect "$MF_IMAGE" >/dev/null 2>&1; then
  wheels=$CACHE_ROOT/wheels/metaflow-$mf_version
  if [ ! -f "$wheels/.complete" ]; then
    log "pip download metaflow==$mf_version (+ pip itself) into $wheels"
    mkdir -p "$wheels"
    # The image's python3 is bookworm's 3.11: ask for wheels that fit it, whatever the host runs.
    "$PY" -m pip download -q --disable-pip-version-check --only-binary=:all: \
      --python-version 3.11 --platform manylinux2014_x86_64 --implementation cp \
      --dest "$wheels" "metaflow==$mf_version" pip
    touch "$wheels/.complete"
  fi
  ctx=$(mktemp -d "$STATE/build.XXXXXX")
  trap 'rm -rf "$ctx"' EXIT
  cp "$wheels"/*.whl "$ctx"/
  cat >"$ctx/Dockerfile" <<EOF
FROM $BASE_IMAGE
COPY *.whl /tmp/wheels/
# bookworm's python3 has no pip: run pip from its own wheel, offline, from the copied wheels.
RUN python3 "\$(echo /tmp/wheels/pip-*.whl)/pip" install -q --no-index --no-cache-dir \\
      --break-system-packages --root-user-action=ignore --find-links /tmp/wheels \\
      metaflow==$mf_version && rm -rf /tmp/wheels
EOF
  log "building $MF_IMAGE (Metaflow from wheels, offline)"
  DOCKER_BUILDKIT=0 docker build -q --force-rm --network none -t "$MF_IMAGE" "$ctx" >/dev/null 2>"$STATE/build.log" \
    || die "building $MF_IMAGE failed; see $STATE/build.log"
  rm -rf "$ctx"
  trap - EXIT
fi

echo "DOCKER_HOST=$DOCKER_HOST"
