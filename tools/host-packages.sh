#!/usr/bin/env bash
# Debian packages the tests need on this machine: the Docker engine, debootstrap for the
# test image, shellcheck for ansible-test sanity, curl, and chromium (headless) for the web UI
# checks. Installs only what is missing.
source "$(dirname "$0")/lib.sh"

missing=()
for pair in dockerd:docker.io debootstrap:debootstrap shellcheck:shellcheck curl:curl chromium:chromium; do
  command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
log "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
