# shellcheck shell=bash disable=SC2034  # its variables are read by the scripts that source it
# Shared settings for the tools/ scripts. Source it; do not run it.
# Everything slow to make (venv, Go builds, tarballs, images) lives in one cache
# directory outside the checkout, so a fresh clone on the same machine reuses it.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${TEMPORALOPS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/temporalops}"

# Versions the test mirror carries; the roles' defaults pin the same ones.
CLI_VERSION="${TEMPORALOPS_CLI_VERSION:-1.5.1}"
# An older release, for the scenario that upgrades a running dev server.
CLI_PREVIOUS_VERSION="${TEMPORALOPS_CLI_PREVIOUS_VERSION:-1.4.1}"
SERVER_VERSION="${TEMPORALOPS_SERVER_VERSION:-1.31.2}"
UI_VERSION="${TEMPORALOPS_UI_VERSION:-2.45.3}"

MIRROR_DIR="$CACHE_DIR/mirror"
MIRROR_PORT="${TEMPORALOPS_MIRROR_PORT:-8765}"
MIRROR_URL="http://127.0.0.1:$MIRROR_PORT"

IMAGE_NAME="${TEMPORALOPS_IMAGE:-temporalops/debian12-systemd:latest}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

venv_dir() {
  local digest
  digest="$(sha256sum "$REPO_ROOT/requirements.txt" | cut -c1-12)"
  printf '%s/venv-%s' "$CACHE_DIR" "$digest"
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

# free_port: a TCP port nobody listens on right now, on 127.0.0.1.
free_port() {
  python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'
}
