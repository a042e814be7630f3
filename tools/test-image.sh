#!/usr/bin/env bash
# Build the systemd images that molecule boots as test hosts, when absent: one per Debian
# release the collection claims (12 bookworm, 13 trixie). No registry is reachable, so each
# root filesystem comes from debootstrap and Debian's package mirror, then a one-line build
# adds the stop signal systemd expects.
#
# usage: tools/test-image.sh [SUITE...]   (default: every suite in TEST_SUITES)
source "$(dirname "$0")/lib.sh"

build_image() {
  local suite="$1" image
  image="$(test_image "$suite")"
  if docker image inspect "$image" >/dev/null 2>&1; then
    return 0
  fi
  log "debootstrapping Debian $suite for $image (a few minutes, once per machine)"
  local root
  root="$(mktemp -d)"
  # shellcheck disable=SC2064  # expand now: the trap outlives this function's locals
  trap "rm -rf '$root'" EXIT
  debootstrap --variant=minbase \
    --include="$TEST_IMAGE_PACKAGES" \
    "$suite" "$root" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$CACHE_DIR/debootstrap-$suite.log" 2>&1 \
    || { tail -n 30 "$CACHE_DIR/debootstrap-$suite.log" >&2; die "debootstrap $suite failed"; }

  # A fresh machine-id on each container start; no timers or gettys churning in tests.
  : >"$root/etc/machine-id"
  local unit
  for unit in apt-daily.timer apt-daily-upgrade.timer getty.target console-getty.service \
              getty@tty1.service; do
    ln -sf /dev/null "$root/etc/systemd/system/$unit"
  done
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*

  tar -C "$root" -c . | docker import - "$image-base" >/dev/null
  printf 'FROM %s\nSTOPSIGNAL SIGRTMIN+3\nCMD ["/lib/systemd/systemd"]\n' "$image-base" \
    | DOCKER_BUILDKIT=0 docker build -q -t "$image" - >/dev/null
  docker image rm "$image-base" >/dev/null
  rm -rf "$root"
  trap - EXIT
  log "built $image"
}

"$REPO_ROOT/tools/docker-engine.sh"
command -v debootstrap >/dev/null || "$REPO_ROOT/tools/host-packages.sh"
suites=("$@")
[ ${#suites[@]} -gt 0 ] || read -r -a suites <<<"$TEST_SUITES"
for suite in "${suites[@]}"; do
  build_image "$suite"
done
