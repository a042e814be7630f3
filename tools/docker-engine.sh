#!/usr/bin/env bash
# Make sure a Docker engine answers: install Debian's docker.io and start dockerd by
# hand when none runs (the CI machines have no systemd to start it for us).
source "$(dirname "$0")/lib.sh"

if docker info >/dev/null 2>&1; then
  exit 0
fi
if ! command -v dockerd >/dev/null; then
  log "installing Debian's docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
fi
log "starting dockerd"
# A dockerd killed with its machine's last session leaves a pid file that blocks a new one.
if ! pgrep -x dockerd >/dev/null; then
  rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid
fi
mkdir -p "$CACHE_DIR"
nohup dockerd >"$CACHE_DIR/dockerd.log" 2>&1 &
for _ in $(seq 1 60); do
  docker info >/dev/null 2>&1 && exit 0
  sleep 1
done
tail -n 30 "$CACHE_DIR/dockerd.log" >&2
die "dockerd did not answer within 60 s (log: $CACHE_DIR/dockerd.log)"
