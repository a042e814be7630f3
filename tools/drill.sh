#!/usr/bin/env bash
# The fresh-machine drill: the README's two commands run as a brand-new machine runs them.
#
#   tools/drill.sh          cold: a fresh clone of this checkout's HEAD, an empty HOME, an
#                           empty TEMPORALOPS_CACHE and TMPDIR, a new image tag (test images
#                           built from nothing), no dockerd running (a running one is
#                           stopped; the tools start it again), its own mirror port
#   tools/drill.sh DIR      warm: again in DIR from an earlier drill, with its caches kept
#
# Then: tools/up.sh, tools/up.sh down, tools/test.sh, each timed; the figures go to
# DIR/times.txt. Needs only what a new machine of this kind has (root, Debian's apt, Go,
# Python). Stopping dockerd stops every running container on this machine.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"

if [ $# -gt 0 ]; then
  drill="$(cd "$1" && pwd)" mode=warm
  [ -d "$drill/cache" ] || { echo "error: $drill holds no earlier drill" >&2; exit 1; }
else
  drill="$(mktemp -d /var/tmp/temporalops-drill.XXXXXX)" mode=cold
fi
log() { printf '\033[1m==> drill: %s\033[0m\n' "$*" >&2; }

rm -rf "$drill/clone" "$drill/tmp"
mkdir -p "$drill/home" "$drill/cache" "$drill/tmp"
git clone -q "$repo" "$drill/clone"
tag="drill-$(basename "$drill" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')"
# Three free ports at once (mirror, frontend, UI): held together while picked, so they differ.
read -r mirror_port frontend_port ui_port < <(python3 -c '
import socket
held = [socket.socket() for _ in range(3)]
for s in held:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in held))')

if [ "$mode" = cold ] && pgrep -x dockerd >/dev/null; then
  log "stopping the running dockerd (a new machine has none)"
  pkill -x dockerd
  for _ in $(seq 1 60); do pgrep -x dockerd >/dev/null || break; sleep 1; done
  ! pgrep -x dockerd >/dev/null || { echo "error: dockerd did not stop" >&2; exit 1; }
fi

# Only what a new machine has: the system PATH, root, and this drill's own directories.
run() {
  (cd "$drill/clone" && env -i PATH=/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME="$drill/home" TMPDIR="$drill/tmp" LANG=C.UTF-8 CI=true \
    TEMPORALOPS_CACHE="$drill/cache" TEMPORALOPS_IMAGE_TAG="$tag" \
    TEMPORALOPS_MIRROR_PORT="$mirror_port" TEMPORALOPS_UP_CONTAINER="temporalops-$tag" \
    TEMPORALOPS_UP_FRONTEND_PORT="$frontend_port" TEMPORALOPS_UP_UI_PORT="$ui_port" \
    "$@" </dev/null)
}
: >"$drill/times.$mode.txt"
step() {
  local name="$1" started=$SECONDS
  shift
  log "$mode: $name"
  run "$@" 2>&1 | tee "$drill/$name.$mode.log"
  printf '%-14s %5ss\n' "$name" "$((SECONDS - started))" | tee -a "$drill/times.$mode.txt"
}
stop_mirror() { pkill -f "http.server $mirror_port" 2>/dev/null || true; }
trap stop_mirror EXIT

step up tools/up.sh
step up-down tools/up.sh down
step test tools/test.sh
log "$mode drill passed in $drill (times: $drill/times.$mode.txt); warm run: tools/drill.sh $drill"
{ printf '\n%s drill, %s, per step:\n' "$mode" "$(date -u +%FT%TZ)"; cat "$drill/times.$mode.txt";
  printf '\ntest.sh steps:\n'; sed -n '/all test steps passed/,/^steps:/p' "$drill/test.$mode.log" | grep -E '^  [a-z]+ +[0-9]+s$' || true
} >>"$drill/times.txt"
