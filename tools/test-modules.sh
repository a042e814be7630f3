#!/usr/bin/env bash
# Test the collection's modules: unit tests (mocked CLI), then every integration target
# against a real `temporal server start-dev` with a real worker, on 127.0.0.1.
#
# usage: tools/test-modules.sh [units|integration ...] [-- target...]   (default: both, all targets)
#
# The dev server, the worker and their files live in a temporary directory that is
# removed at the end, whatever happens. The integration targets are plain roles in
# tests/integration/targets (ansible-test layout); they read these variables, which
# this script passes and an ansible-test integration_config.yml could pass as well:
#   temporal_address, temporal_cli, temporal_worker_queue
source "$(dirname "$0")/lib.sh"

steps=() targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --) shift; targets=("$@"); break ;;
    units|integration) steps+=("$1") ;;
    *) die "unknown argument '$1' (units, integration, -- target...)" ;;
  esac
  shift
done
[ ${#steps[@]} -gt 0 ] || steps=(units integration)
[ ${#targets[@]} -gt 0 ] || targets=(cluster_info namespace namespace_info search_attribute schedule
                                     workflow workflow_info task_queue_info activity)

activate_venv
cd "$REPO_ROOT"

WORKER_QUEUE=integration-worker
declare -A took

run_units() {
  log "unit tests"
  python -m pytest -q -p no:cacheprovider tests/unit
}

work="" server_pid="" worker_pid=""
cleanup() {
  # Only what this script started, by pid.
  [ -z "$worker_pid" ] || kill "$worker_pid" 2>/dev/null || true
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  [ -z "$server_pid" ] || wait "$server_pid" 2>/dev/null || true
  [ -z "$worker_pid" ] || wait "$worker_pid" 2>/dev/null || true
  [ -z "$work" ] || rm -rf "$work"
}
trap cleanup EXIT

# A private copy of the CLI, so a rebuild of the shared cache cannot pull it away mid-run.
private_cli() {
  local shared
  shared="$(cli_binary)"
  [ -x "$shared" ] || die "no temporal CLI binary at $shared"
  cp "$shared" "$work/temporal"
  printf '%s/temporal' "$work"
}

start_server() {
  local cli="$1" address="$2" port="${2##*:}"
  log "starting temporal server start-dev on $address"
  "$cli" server start-dev --headless --ip 127.0.0.1 --port "$port" \
    --db-filename "$work/dev.db" --log-level error >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do
    if "$cli" operator cluster health --address "$address" --command-timeout 2s >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; die "dev server exited"; }
    sleep 0.5
  done
  cat "$work/server.log" >&2
  die "dev server did not become healthy on $address"
}

start_worker() {
  local address="$1"
  log "starting the test worker on task queue $WORKER_QUEUE"
  python -u tests/integration/worker.py "$address" "$WORKER_QUEUE" >"$work/worker.log" 2>&1 &
  worker_pid=$!
  for _ in $(seq 1 60); do
    grep -q 'worker polling' "$work/worker.log" && return 0
    kill -0 "$worker_pid" 2>/dev/null || { cat "$work/worker.log" >&2; die "worker exited"; }
    sleep 0.5
  done
  cat "$work/worker.log" >&2
  die "worker did not start"
}

run_integration() {
  work="$(mktemp -d "${TMPDIR:-/tmp}/temporalops-modules.XXXXXX")"
  local cli address
  cli="$(private_cli)"
  address="127.0.0.1:$(free_port)"
  start_server "$cli" "$address"
  start_worker "$address"

  cat >"$work/vars.yml" <<EOF
temporal_address: "$address"
temporal_cli: "$cli"
temporal_worker_queue: "$WORKER_QUEUE"
EOF
  # One play running each target as a role, like ansible-test does, in the order given.
  {
    printf -- '- name: Module integration targets\n  hosts: localhost\n  gather_facts: false\n  tasks:\n'
    for target in "${targets[@]}"; do
      [ -f "tests/integration/targets/$target/tasks/main.yml" ] || die "no integration target '$target'"
      printf '    - name: Target %s\n      ansible.builtin.include_role:\n        name: %s\n' "$target" "$target"
    done
  } >"$work/targets.yml"

  log "integration targets: ${targets[*]}"
  local status=0
  ANSIBLE_ROLES_PATH="$REPO_ROOT/tests/integration/targets" ANSIBLE_NOCOLOR=1 \
    ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
    ansible-playbook -i localhost, -c local -e "ansible_python_interpreter=$(command -v python)" \
    -e "@$work/vars.yml" "$work/targets.yml" || status=$?
  if [ "$status" -ne 0 ]; then
    log "server log (last lines)"; tail -n 20 "$work/server.log" >&2 || true
    log "worker log (last lines)"; tail -n 20 "$work/worker.log" >&2 || true
    return "$status"
  fi
}

for step in "${steps[@]}"; do
  started=$SECONDS
  "run_$step"
  took[$step]=$((SECONDS - started))
done

log "module tests passed"
for step in "${steps[@]}"; do
  printf '  %-12s %4ss\n' "$step" "${took[$step]}" >&2
done
