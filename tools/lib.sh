# shellcheck shell=bash disable=SC2034  # its variables are read by the scripts that source it
# Shared settings for the tools/ scripts. Source it; do not run it.
# Everything slow to make (venv, Go builds, tarballs, images) lives in one cache
# directory outside the checkout, so a fresh clone on the same machine reuses it.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${TEMPORALOPS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/temporalops}"
# Everything the tools and the tests keep between runs stays in the cache directory, so
# a run neither needs nor leaves state in HOME: Ansible's (~/.ansible: tmp, collections
# molecule installs) and every XDG cache (pip, molecule, ansible-compat, ansible-lint).
# Exported, so nested tools agree on the one cache directory.
export TEMPORALOPS_CACHE="$CACHE_DIR"
export ANSIBLE_HOME="$CACHE_DIR/ansible-home" XDG_CACHE_HOME="$CACHE_DIR/xdg-cache"
# Modules Ansible runs on this machine (delegate_to: localhost, pipelined) keep their scratch
# files in ~/.ansible/tmp whatever ANSIBLE_HOME says, and warn when they have to create it.
mkdir -p "$HOME/.ansible"
[ -d "$HOME/.ansible/tmp" ] || mkdir -m 0700 "$HOME/.ansible/tmp"

# Versions the test mirror carries; the roles' defaults pin the same ones.
CLI_VERSION="${TEMPORALOPS_CLI_VERSION:-1.5.1}"
# An older release, for the scenario that upgrades a running dev server.
CLI_PREVIOUS_VERSION="${TEMPORALOPS_CLI_PREVIOUS_VERSION:-1.5.0}"
# Server releases the mirror carries, oldest first, ending at the roles' default: the
# upgrade scenario starts at the first and walks through the others, one minor version
# per step. Adding a release is one word here.
SERVER_VERSION="${TEMPORALOPS_SERVER_VERSION:-1.32.2}"
SERVER_VERSIONS="${TEMPORALOPS_SERVER_VERSIONS:-1.30.9 1.31.2 $SERVER_VERSION}"
# The server and ui-server modules need a newer Go than Debian's; the Go proxy serves this
# toolchain.
SERVER_GOTOOLCHAIN="${TEMPORALOPS_SERVER_GOTOOLCHAIN:-go1.27.3}"
# The newest ui-server the Go proxy here serves every module of (2.56.1-2.56.3 and 2.58 need
# modules it refuses).
UI_VERSION="${TEMPORALOPS_UI_VERSION:-2.56.4}"

MIRROR_DIR="$CACHE_DIR/mirror"
# The npm cache the TypeScript example worker's build fills (npm ci --offline on the hosts),
# named by a digest of the example (its tests run when it changes).
npm_cache_archive() {
  printf '%s/npm-cache-%s.tar.gz' "$CACHE_DIR" "$(cd "$REPO_ROOT/examples/workers/typescript" \
    && cat package.json package-lock.json tsconfig.json src/*.ts | sha256sum | cut -c1-12)"
}
# The example Python worker's wheels, named by its requirements.
wheelhouse_dir() {
  printf '%s/wheelhouse-%s' "$CACHE_DIR" "$(sha256sum "$REPO_ROOT/examples/workers/python/requirements.txt" | cut -c1-12)"
}
# Go's module and build caches live in the cache directory too, so an empty HOME (the
# fresh-machine drill) neither needs nor leaves anything in ~/go or ~/.cache/go-build.
export GOPATH="$CACHE_DIR/go" GOCACHE="$CACHE_DIR/go-build" GOMODCACHE="$CACHE_DIR/go/pkg/mod"
MIRROR_PORT="${TEMPORALOPS_MIRROR_PORT:-8765}"
MIRROR_URL="http://127.0.0.1:$MIRROR_PORT"

# The systemd test images, one per Debian release the roles claim (molecule boots each).
# A new tag (the fresh-machine drill sets one) means images built from nothing.
TEST_SUITES="bookworm trixie"
# What the images hold beside Debian's minimal base: systemd, what Ansible needs, python3-venv
# for the Python workers, and Node.js (Debian 12's is 18, which the role refuses: a check of its
# own). npm, which debootstrap cannot configure, the role installs where a worker needs it.
TEST_IMAGE_PACKAGES="systemd,systemd-sysv,dbus,python3,python3-venv,nodejs,sudo,iproute2,ca-certificates,curl,procps"
# The tag names the package list, so a machine with images of an older list builds new ones.
export TEMPORALOPS_IMAGE_TAG="${TEMPORALOPS_IMAGE_TAG:-p$(printf '%s' "$TEST_IMAGE_PACKAGES" | sha256sum | cut -c1-10)}"
test_image() {
  case "$1" in
    bookworm) printf 'temporalops/debian12-systemd:%s' "$TEMPORALOPS_IMAGE_TAG" ;;
    trixie) printf 'temporalops/debian13-systemd:%s' "$TEMPORALOPS_IMAGE_TAG" ;;
    *) die "no test image for Debian '$1'" ;;
  esac
}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

venv_dir() {
  local digest
  digest="$(sha256sum "$REPO_ROOT/requirements.txt" | cut -c1-12)"
  printf '%s/venv-%s' "$CACHE_DIR" "$digest"
}

# A second venv with the newest ansible-core (requirements-newest.txt), on a Python it supports:
# the first python3.12 or later on PATH or installed by pyenv. Prints its directory.
newest_venv() {
  local dir python candidate
  dir="$CACHE_DIR/venv-newest-$(sha256sum "$REPO_ROOT/requirements-newest.txt" | cut -c1-12)"
  if [ ! -f "$dir/.complete" ]; then
    python=""
    for candidate in python3.13 python3.12 /root/.pyenv/versions/3.1[2-9]*/bin/python3; do
      if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
        python="$candidate"
        break
      fi
    done
    [ -n "$python" ] || die "the newest ansible-core needs Python 3.12 or later, and none is installed (pyenv install 3.12)"
    log "creating venv $dir ($("$python" --version))" >&2
    rm -rf "$dir"
    "$python" -m venv "$dir"
    "$dir/bin/pip" install --quiet --upgrade pip >&2
    "$dir/bin/pip" install --quiet -r "$REPO_ROOT/requirements-newest.txt" >&2
    touch "$dir/.complete"
  fi
  printf '%s' "$dir"
}

# A collections tree per checkout, outside it, holding a link back to the checkout
# (a link inside the tree would make it contain itself).
collections_dir() {
  printf '%s/checkouts/%s' "$CACHE_DIR" "$(printf '%s' "$REPO_ROOT" | sha256sum | cut -c1-12)"
}

# Put the project's venv first on PATH and this checkout on the collections path.
activate_venv() {
  "$REPO_ROOT/tools/venv.sh"
  local dir
  dir="$(venv_dir)"
  export VIRTUAL_ENV="$dir" PATH="$dir/bin:$PATH"
  # This checkout first, then the collections shipped in the pinned `ansible` package.
  ANSIBLE_COLLECTIONS_PATH="$(collections_dir):$("$dir/bin/python" -c 'import ansible_collections,os;print(os.path.dirname(ansible_collections.__path__[0]))')"
  export ANSIBLE_COLLECTIONS_PATH
}

# Path of the real temporal CLI binary (built from its Go module and unpacked from the
# mirror's release archive), for tests that run it directly on this machine.
cli_binary() {
  local archive="$MIRROR_DIR/temporalio/cli/releases/download/v$CLI_VERSION/temporal_cli_${CLI_VERSION}_linux_amd64.tar.gz"
  local dir="$CACHE_DIR/bin/cli-$CLI_VERSION"
  [ -f "$archive" ] || "$REPO_ROOT/tools/build-artifacts.sh" cli >&2
  if [ ! -x "$dir/temporal" ] || [ "$archive" -nt "$dir/temporal" ]; then
    mkdir -p "$dir"
    tar -C "$dir" -xzf "$archive" temporal
    touch "$dir/temporal"
  fi
  printf '%s/temporal' "$dir"
}

# run_systemd_container NAME IMAGE [DOCKER_RUN_ARGS...]: a detached systemd test host with what
# the suite allows it (SYS_ADMIN, the host's cgroup namespace; never privileged).
run_systemd_container() {
  local name="$1" image="$2"
  shift 2
  docker run -d --name "$name" --hostname "$name" --cap-add SYS_ADMIN --cgroupns host \
    -v /sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs /run --tmpfs /run/lock --tmpfs /tmp "$@" "$image" /lib/systemd/systemd >/dev/null
}
# wait_systemd NAME: until systemd in container NAME has booted (up to 30 s).
wait_systemd() {
  local state
  for _ in $(seq 1 150); do
    state="$(docker exec "$1" systemctl is-system-running 2>/dev/null || true)"
    case "$state" in running|degraded) return 0 ;; esac
    sleep 0.2
  done
}

# free_port: a TCP port nobody listens on right now, on 127.0.0.1.
free_port() {
  python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'
}
