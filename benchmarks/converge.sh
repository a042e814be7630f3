#!/usr/bin/env bash
# Wall time of the preset on a fresh systemd container: first converge (install + start +
# SERVING), idempotent re-converge, and --check on the converged host. Prints one line each.
#
# usage: benchmarks/converge.sh [runs]      (default 3; the container is recreated per run)
source "$(dirname "$0")/../tools/lib.sh"

runs="${1:-3}"
"$REPO_ROOT/tools/host-packages.sh"
activate_venv
"$REPO_ROOT/tools/mirror.sh" cli
"$REPO_ROOT/tools/test-image.sh" bookworm

container=temporalops-bench
inventory="$(mktemp)"
trap 'rm -f "$inventory"; docker rm -f "$container" >/dev/null 2>&1 || true' EXIT
printf '[temporal]\n%s ansible_connection=community.docker.docker ansible_python_interpreter=/usr/bin/python3\n' \
  "$container" >"$inventory"

timed() {  # timed LABEL CMD... : run, print "LABEL seconds changed=N"
  local label="$1"; shift
  local start out
  start=$(date +%s.%N)
  out="$("$@" 2>&1)" || { printf '%s\n' "$out" | tail -n 40 >&2; die "$label failed"; }
  printf '%-14s %6.1fs  %s\n' "$label" "$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{print e - s}')" \
    "$(printf '%s\n' "$out" | grep -o 'changed=[0-9]*' | tail -n 1)"
}

for run in $(seq 1 "$runs"); do
  docker rm -f "$container" >/dev/null 2>&1 || true
  docker run -d --name "$container" --cap-add SYS_ADMIN --cgroupns host \
    -v /sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs /run --tmpfs /run/lock --tmpfs /tmp \
    "$(test_image bookworm)" /lib/systemd/systemd >/dev/null
  sleep 3
  echo "run $run"
  play=(ansible-playbook -i "$inventory" temporalops.temporal.dev -e "temporal_install_base_url=$MIRROR_URL")
  timed converge "${play[@]}"
  timed re-converge "${play[@]}"
  timed check "${play[@]}" --check
done
