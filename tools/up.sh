#!/usr/bin/env bash
# Bring up a development Temporal through the collection (playbooks/dev.yml).
#
#   tools/up.sh                 a local systemd container, frontend and UI published on 127.0.0.1
#   tools/up.sh -i INVENTORY    your hosts (group "temporal"); extra args go to ansible-playbook
#   tools/up.sh down            remove the local container (its data goes with it)
#
# Release archives come from the local mirror that tools/mirror.sh builds from the Go
# modules (this machine cannot reach GitHub). Set TEMPORALOPS_RELEASES=github to use the
# official release downloads instead.
source "$(dirname "$0")/lib.sh"

CONTAINER="${TEMPORALOPS_UP_CONTAINER:-temporalops-dev}"
FRONTEND_PORT="${TEMPORALOPS_UP_FRONTEND_PORT:-7233}"
UI_PORT="${TEMPORALOPS_UP_UI_PORT:-8233}"

if [ "${1:-}" = down ]; then
  docker rm -f "$CONTAINER" >/dev/null 2>&1 || true
  log "removed $CONTAINER"
  exit 0
fi

"$REPO_ROOT/tools/host-packages.sh"
activate_venv
release_vars=()
if [ "${TEMPORALOPS_RELEASES:-mirror}" = mirror ]; then
  "$REPO_ROOT/tools/mirror.sh" cli
  release_vars=(-e "temporal_install_base_url=$MIRROR_URL")
fi

if [ $# -gt 0 ]; then
  ansible-playbook temporalops.temporal.dev "${release_vars[@]}" "$@"
  exit 0
fi

"$REPO_ROOT/tools/test-image.sh" bookworm
if ! docker inspect "$CONTAINER" >/dev/null 2>&1; then
  log "starting systemd container $CONTAINER"
  run_systemd_container "$CONTAINER" "$(test_image bookworm)" \
    -p "127.0.0.1:$FRONTEND_PORT:7233" -p "127.0.0.1:$UI_PORT:8233"
fi
docker start "$CONTAINER" >/dev/null
wait_systemd "$CONTAINER"

inventory="$(mktemp)"
trap 'rm -f "$inventory"' EXIT
printf '[temporal]\n%s ansible_connection=community.docker.docker ansible_python_interpreter=/usr/bin/python3\n' \
  "$CONTAINER" >"$inventory"
# Inside the container the server listens on every interface (insecure on purpose: Docker
# publishes it on the machine's loopback only).
ansible-playbook -i "$inventory" temporalops.temporal.dev "${release_vars[@]}" -e temporal_dev_server_ip=0.0.0.0 \
  -e temporal_dev_server_insecure=true

cat <<EOM

Temporal dev server is up (container $CONTAINER, systemd unit temporal-dev-server):
  frontend (gRPC)  127.0.0.1:$FRONTEND_PORT
  web UI           http://127.0.0.1:$UI_PORT
  CLI              docker exec $CONTAINER temporal workflow list
                   $(cli_binary) workflow list --address 127.0.0.1:$FRONTEND_PORT
  stop and remove  tools/up.sh down
EOM
