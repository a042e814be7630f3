#!/usr/bin/env bash
# Build the Debian 12 systemd image that molecule boots as a test host, when absent.
# No registry is reachable, so the root filesystem comes from debootstrap and Debian's
# package mirror, then a one-line build adds the stop signal systemd expects.
source "$(dirname "$0")/lib.sh"

"$REPO_ROOT/tools/docker-engine.sh"
if docker image inspect "$IMAGE_NAME" >/dev/null 2>&1; then
  exit 0
fi
command -v debootstrap >/dev/null || {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null
}

log "debootstrapping Debian 12 for $IMAGE_NAME (a few minutes, once per machine)"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,dbus,python3,sudo,iproute2,ca-certificates,curl,procps \
  bookworm "$root" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$CACHE_DIR/debootstrap.log" 2>&1 \
  || { tail -n 30 "$CACHE_DIR/debootstrap.log" >&2; die "debootstrap failed"; }

# A fresh machine-id on each container start; no timers or gettys churning in tests.
: >"$root/etc/machine-id"
for unit in apt-daily.timer apt-daily-upgrade.timer getty.target console-getty.service \
            getty@tty1.service; do
  ln -sf /dev/null "$root/etc/systemd/system/$unit"
done
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*

tar -C "$root" -c . | docker import - "$IMAGE_NAME-base" >/dev/null
printf 'FROM %s\nSTOPSIGNAL SIGRTMIN+3\nCMD ["/lib/systemd/systemd"]\n' "$IMAGE_NAME-base" \
  | DOCKER_BUILDKIT=0 docker build -q -t "$IMAGE_NAME" - >/dev/null
log "built $IMAGE_NAME"
