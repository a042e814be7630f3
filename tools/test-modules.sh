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
cd "$REPO_ROOT" || exit 1

WORKER_QUEUE=integration-worker
declare -A took

run_units() {
  log "unit tests"
  python -m pytest -q -p no:cacheprovider tests/unit
}

work="" server_pid="" worker_pids=()
cleanup() {
  # Only what this script started, by pid.
  local pid
  for pid in "${worker_pids[@]}" $server_pid; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${worker_pids[@]}" $server_pid; do
    wait "$pid" 2>/dev/null || true
  done
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

# start_server CLI: a dev server on a free port of 127.0.0.1; sets address. A port taken between
# picking and binding (another process got it first) means another try on a new port.
start_server() {
  local cli="$1" port attempt
  for attempt in 1 2 3; do
    port="$(free_port)"
    address="127.0.0.1:$port"
    log "starting temporal server start-dev on $address"
    "$cli" server start-dev --headless --ip 127.0.0.1 --port "$port" \
      --db-filename "$work/dev-$attempt.db" --log-level error >"$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 120); do
      # Healthy, and still ours: the answer comes from the process just started.
      if "$cli" operator cluster health --address "$address" --command-timeout 2s >/dev/null 2>&1 \
        && kill -0 "$server_pid" 2>/dev/null; then
        return 0
      fi
      if ! kill -0 "$server_pid" 2>/dev/null; then
        grep -qi 'address already in use' "$work/server.log" && continue 2
        cat "$work/server.log" >&2
        die "dev server exited"
      fi
      sleep 0.5
    done
    cat "$work/server.log" >&2
    die "dev server did not become healthy on $address"
  done
  die "no free port for the dev server after 3 tries"
}

# start_worker ADDRESS QUEUE [NAMESPACE]: the test worker, polling once this returns.
start_worker() {
  local address="$1" queue="$2" namespace="${3:-default}" log_file="$work/worker-$2.log" pid
  log "starting the test worker on task queue $queue in namespace $namespace"
  python -u tests/integration/worker.py "$address" "$queue" "$namespace" >"$log_file" 2>&1 &
  pid=$!
  worker_pids+=("$pid")
  for _ in $(seq 1 60); do
    grep -q 'worker polling' "$log_file" && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log_file" >&2; die "worker exited"; }
    sleep 0.5
  done
  cat "$log_file" >&2
  die "worker did not start"
}

playbook() {
  ANSIBLE_ROLES_PATH="$REPO_ROOT/tests/integration/targets" ANSIBLE_NOCOLOR=1 \
    ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
    ansible-playbook -i localhost, -c local -e "ansible_python_interpreter=$(command -v python)" "$@"
}

# playbooks/operate.yml, as a user would run it: once to set things up, then with a
# worker serving its queue and waiting for the result, which must change nothing.
check_operate_playbook() {
  local address="$1" cli="$2" second
  log "playbooks/operate.yml, first run"
  # set -e does not reach into functions called from `||` lists: every step says so itself.
  PATH="$(dirname "$cli"):$PATH" playbook -e "temporal_address=$address" playbooks/operate.yml || return 1
  start_worker "$address" reports orders || return 1
  log "playbooks/operate.yml, second run (must change nothing)"
  second="$(PATH="$(dirname "$cli"):$PATH" playbook -e "temporal_address=$address" \
    -e operate_wait_for_result=true playbooks/operate.yml)" || { printf '%s\n' "$second"; return 1; }
  printf '%s\n' "$second" | tail -n 12
  printf '%s\n' "$second" | grep -Eq 'localhost +: ok=[0-9]+ +changed=0 .*failed=0' \
    || die "second run of playbooks/operate.yml changed something"
  printf '%s\n' "$second" | grep -q 'report-c-42 run .* is completed' \
    || die "the report workflow of playbooks/operate.yml did not complete"
}

run_integration() {
  work="$(mktemp -d "${TMPDIR:-/tmp}/temporalops-modules.XXXXXX")"
  local cli
  cli="$(private_cli)"
  start_server "$cli"
  start_worker "$address" "$WORKER_QUEUE"

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
  playbook -e "@$work/vars.yml" "$work/targets.yml" || status=$?
  [ "$status" -ne 0 ] || check_operate_playbook "$address" "$cli" || status=$?
  [ "$status" -ne 0 ] || check_module_examples "$address" "$cli" || status=$?
  if [ "$status" -ne 0 ]; then
    log "server log (last lines)"; tail -n 20 "$work/server.log" >&2 || true
    log "worker logs (last lines)"; tail -n 20 "$work"/worker-*.log >&2 || true
    return "$status"
  fi
}

# The EXAMPLES of every module, run as written against the dev server (only the address
# changed), with what they assume: a worker on "billing", releases waiting for approval.
check_module_examples() {
  local address="$1" cli="$2" release
  log "module EXAMPLES, as written"
  start_worker "$address" billing || return 1
  for release in release-4.2 release-4.3; do
    "$cli" workflow start --address "$address" --workflow-id "$release" --type AsyncActivity \
      --task-queue billing --input '{"activity_id": "approval"}' -o none || return 1
  done
  python - "$address" "$work/examples.yml" <<'PY'
import ast, sys, yaml
address, out = sys.argv[1:]
modules = ['cluster_info', 'namespace', 'namespace_info', 'search_attribute', 'schedule', 'workflow',
           'workflow_info', 'task_queue_info', 'activity']
tasks = []
for name in modules:
    tree = ast.parse(open('plugins/modules/%s.py' % name).read())
    examples = next(n.value.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == 'EXAMPLES')
    # Waiting for a systemd unit's worker needs systemd, which this host lacks: the role's health
    # gate runs it in molecule/workers. The membership rings need tdbg of a server release and a
    # cluster: the server role's rolling restart runs them in molecule/production.
    tasks += [task for task in yaml.safe_load(examples.replace('127.0.0.1:7233', address))
              if 'wait_for_poller' not in str(task) and 'tdbg_path' not in str(task)]
play = [{'name': 'Module EXAMPLES', 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}]
open(out, 'w').write(yaml.safe_dump(play, sort_keys=False))
PY
  [ -s "$work/examples.yml" ] || return 1
  # The activity examples need the activities to be pending already.
  for release in release-4.2 release-4.3; do
    for _ in $(seq 1 40); do
      "$cli" workflow describe --address "$address" --workflow-id "$release" -o json | grep -q '"approval"' && break
      sleep 0.25
    done
  done
  PATH="$(dirname "$cli"):$PATH" playbook "$work/examples.yml"
}

for step in "${steps[@]}"; do
  started=$SECONDS
  case "$step" in
    units) run_units ;;
    integration) run_integration ;;
  esac
  took[$step]=$((SECONDS - started))
done

log "module tests passed"
for step in "${steps[@]}"; do
  printf '  %-12s %4ss\n' "$step" "${took[$step]}" >&2
done
