#!/usr/bin/env bash
# Serve the artifact mirror ($MIRROR_DIR) on 127.0.0.1:$MIRROR_PORT, building what is
# missing first. Leaves the server running in the background; idempotent.
source "$(dirname "$0")/lib.sh"

"$REPO_ROOT/tools/build-artifacts.sh" "$@"
# The mirror names the directory it serves, so a mirror of another cache directory on the
# same port (an earlier run's) is never taken for this one.
printf '%s\n' "$MIRROR_DIR" >"$MIRROR_DIR/.temporalops-mirror"
serves_this_cache() {
  [ "$(curl -fsS "$MIRROR_URL/.temporalops-mirror" 2>/dev/null)" = "$MIRROR_DIR" ]
}
serves_this_cache && exit 0
if curl -fsS -o /dev/null "$MIRROR_URL/" 2>/dev/null; then
  die "$MIRROR_URL answers but serves another directory than $MIRROR_DIR: stop that server or set TEMPORALOPS_MIRROR_PORT"
fi
log "serving $MIRROR_DIR on $MIRROR_URL"
nohup python3 -m http.server "$MIRROR_PORT" --bind 127.0.0.1 --directory "$MIRROR_DIR" \
  >"$CACHE_DIR/mirror.log" 2>&1 &
for _ in $(seq 1 50); do
  serves_this_cache && exit 0
  sleep 0.2
done
die "the mirror did not answer on $MIRROR_URL (log: $CACHE_DIR/mirror.log)"
