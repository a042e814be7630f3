#!/usr/bin/env bash
# Serve the artifact mirror ($MIRROR_DIR) on 127.0.0.1:$MIRROR_PORT, building what is
# missing first. Leaves the server running in the background; idempotent.
source "$(dirname "$0")/lib.sh"

"$REPO_ROOT/tools/build-artifacts.sh" "$@"
probe="$MIRROR_URL/temporalio/cli/releases/download/v$CLI_VERSION/checksums.txt"
if curl -fsS -o /dev/null "$probe" 2>/dev/null; then
  exit 0
fi
log "serving $MIRROR_DIR on $MIRROR_URL"
nohup python3 -m http.server "$MIRROR_PORT" --bind 127.0.0.1 --directory "$MIRROR_DIR" \
  >"$CACHE_DIR/mirror.log" 2>&1 &
for _ in $(seq 1 50); do
  curl -fsS -o /dev/null "$probe" 2>/dev/null && exit 0
  sleep 0.2
done
die "the mirror did not answer on $MIRROR_URL (log: $CACHE_DIR/mirror.log)"
