#!/usr/bin/env bash
# The benchmarks: one run, written to benchmarks/RESULTS.md (median of RUNS, default 3).
#
#   benchmarks/run.sh [RUNS]
#
# Over two connections, the docker one and SSH (sshd in the test host, ControlPersist,
# pipelining: how users run it), each on fresh systemd containers of the test image:
#   - the dev preset: first converge and idempotent re-converge;
#   - beside it, the floor (benchmarks/floor-dev.sh: a plain script reaching the same end
#     state) and Ansible's fixed cost (one no-op task, without and with facts);
# then, on a converged host over SSH, the namespace module for BENCH_NAMESPACES namespaces,
# one task per namespace and one task for all (first run and no-op rerun, with the CLI calls
# counted) beside a plain loop of
# `temporal operator namespace describe`, and the dev server's resident memory; then the
# production stack (playbooks/site.yml, every group on one host) over SSH, beside its floor
# (benchmarks/floor-production.sh) and the same fixed cost, with each service's memory.
source "$(dirname "$0")/../tools/lib.sh"

runs="${1:-3}"
namespaces="${BENCH_NAMESPACES:-50}"
results="$REPO_ROOT/benchmarks/RESULTS.md"
bench="$CACHE_DIR/bench"
here="$REPO_ROOT/benchmarks"

"$REPO_ROOT/tools/host-packages.sh"
activate_venv
"$REPO_ROOT/tools/mirror.sh" cli server ui workers
"$REPO_ROOT/tools/test-image.sh" bookworm
mkdir -p "$bench"
[ -f "$bench/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$bench/id_ed25519"
export ANSIBLE_PIPELINING=1 ANSIBLE_HOST_KEY_CHECKING=0
# Every play reports its slowest tasks (the last run's are in RESULTS.md): where the time goes.
export ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks PROFILE_TASKS_TASK_OUTPUT_LIMIT=12
# Containers come and go on reused addresses: no known_hosts, and each one's master
# connection is closed with it (drop_host).
ssh_options=(-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o LogLevel=ERROR
             -o ControlMaster=auto -o ControlPersist=120s -o "ControlPath=$bench/cp-%C")
export ANSIBLE_SSH_ARGS="${ssh_options[*]}"

# The test image plus sshd, built once per test image.
ssh_image="temporalops/debian12-sshd:$TEMPORALOPS_IMAGE_TAG"
if ! docker image inspect "$ssh_image" >/dev/null 2>&1; then
  log "adding openssh-server to the test image ($ssh_image)"
  docker rm -f temporalops-bench-build >/dev/null 2>&1 || true
  docker run -d --name temporalops-bench-build "$(test_image bookworm)" sleep infinity >/dev/null
  docker exec temporalops-bench-build sh -c \
    'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null && rm -rf /var/lib/apt/lists/*'
  docker commit -c 'CMD ["/lib/systemd/systemd"]' temporalops-bench-build "$ssh_image" >/dev/null
  docker rm -f temporalops-bench-build >/dev/null
fi

containers=()
cleanup() { [ ${#containers[@]} -eq 0 ] || docker rm -f "${containers[@]}" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# fresh_host NAME: a new systemd container from the sshd image, booted, taking our key.
fresh_host() {
  docker rm -f "$1" >/dev/null 2>&1 || true
  containers+=("$1")
  run_systemd_container "$1" "$ssh_image"
  wait_systemd "$1"
  docker exec -i "$1" sh -c 'install -d -m 0700 /root/.ssh && cat >/root/.ssh/authorized_keys' <"$bench/id_ed25519.pub"
}
address() { docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"; }
ssh_to() {  # ssh_to NAME: the ssh command line the floor and the loops use for host NAME
  printf '%s\n' ssh -i "$bench/id_ed25519" "${ssh_options[@]}" "root@$(address "$1")"
}
drop_host() {  # drop_host NAME...: close the SSH master connections to NAME, remove it
  local name
  for name in "$@"; do
    ssh "${ssh_options[@]}" -O exit "root@$(address "$name")" 2>/dev/null || true
  done
  docker rm -f "$@" >/dev/null
}
# inventory CONNECTION NAME: an inventory file for host NAME over CONNECTION (docker|ssh)
inventory() {
  local file="$bench/inventory-$2"
  if [ "$1" = docker ]; then
    printf '[temporal]\n%s ansible_connection=community.docker.docker ansible_python_interpreter=/usr/bin/python3\n' "$2" >"$file"
  else
    printf '[temporal]\n%s ansible_host=%s ansible_user=root ansible_ssh_private_key_file=%s ansible_python_interpreter=/usr/bin/python3\n' \
      "$2" "$(address "$2")" "$bench/id_ed25519" >"$file"
  fi
  printf '%s' "$file"
}
on_host() {  # on_host CONNECTION NAME: the command running one shell line on NAME
  if [ "$1" = docker ]; then printf '%s\n' docker exec -i "$2" sh -c; else ssh_to "$2"; fi
}

# service_figures NAME UNIT: on host NAME, UNIT's resident memory (KiB) and its overall
# systemd-analyze security score, into $bench/rss.UNIT and $bench/exposure.UNIT.
service_figures() {
  docker exec "$1" sh -c "ps -o rss= -p \"\$(systemctl show -p MainPID --value $2)\"" >"$bench/rss.$2"
  docker exec "$1" systemd-analyze security --no-pager "$2.service" \
    | sed -n 's/.*Overall exposure level for [^ ]*: \([0-9.]*\).*/\1/p' >"$bench/exposure.$2"
}

# timed KEY CMD...: run CMD, append its seconds to $bench/times (KEY seconds changed); its
# output (the last run's) stays in $bench/out.KEY.
timed() {
  local key="$1" start out changed
  shift
  start=$(date +%s.%N)
  out="$("$@" 2>&1)" || { printf '%s\n' "$out" | tail -n 40 >&2; die "$key failed"; }
  printf '%s\n' "$out" >"$bench/out.$key"
  changed="$(printf '%s\n' "$out" | grep -o 'changed=[0-9]*' | tail -n 1 | cut -d= -f2 || true)"
  printf '%s %s %s\n' "$key" "$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.2f", e - s}')" "${changed:--}" \
    | tee -a "$bench/times" >&2
}

: >"$bench/times"
play=(ansible-playbook temporalops.temporal.dev -e "temporal_install_base_url=$MIRROR_URL")
for run in $(seq 1 "$runs"); do
  for connection in docker ssh; do
    log "run $run of $runs, $connection connection"
    host="temporalops-bench-$connection"
    fresh_host "$host"
    inv="$(inventory "$connection" "$host")"
    timed "$connection.noop" ansible-playbook -i "$inv" "$here/playbooks/noop.yml"
    timed "$connection.noop_facts" ansible-playbook -i "$inv" "$here/playbooks/noop.yml" -e bench_facts=true
    # An empty controller download cache: the preset fetches the archive as the floor does.
    rm -rf "$bench/downloads"
    timed "$connection.converge" "${play[@]}" -i "$inv" -e "temporal_install_controller_cache=$bench/downloads"
    timed "$connection.reconverge" "${play[@]}" -i "$inv" -e "temporal_install_controller_cache=$bench/downloads"
    mapfile -t exec_on < <(on_host "$connection" "$host")
    if [ "$connection" = ssh ] && [ "$run" = 1 ]; then
      # The dev server's memory and exposure, and the module runs, on this converged host.
      service_figures "$host" temporal-dev-server
      docker exec -i "$host" sh -c 'cat >/usr/local/bin/temporal-counted && chmod 0755 /usr/local/bin/temporal-counted' <<'EOF'
#!/bin/sh
echo "$1 $2 $3" >>/tmp/temporal-calls
exec /usr/local/bin/temporal "$@"
EOF
      for form in loop bulk; do
        for pass in first rerun; do
          docker exec "$host" rm -f /tmp/temporal-calls
          timed "modules.$form.$pass" ansible-playbook -i "$inv" "$here/playbooks/namespaces.yml" \
            -e "bench_count=$namespaces" -e "bench_form=$form" -e bench_cli_path=/usr/local/bin/temporal-counted
          docker exec "$host" sh -c 'wc -l </tmp/temporal-calls' >"$bench/calls.$form.$pass"
        done
      done
      timed modules.describe_loop "${exec_on[@]}" \
        "for i in \$(seq 1 $namespaces); do temporal operator namespace describe -n bench-bulk-\$i --address 127.0.0.1:7233 >/dev/null || exit 1; done"
    fi
    fresh_host "$host-floor"
    mapfile -t floor_on < <(on_host "$connection" "$host-floor")
    timed "$connection.floor" "$here/floor-dev.sh" "$MIRROR_URL" "$CLI_VERSION" "${floor_on[@]}"
    drop_host "$host" "$host-floor"
  done
done

# The production stack: playbooks/site.yml with one host in every group (PostgreSQL, the
# server and the CLI, the UI, the example Go worker), over SSH, beside its own floor.
go_worker="examples/greeter-go/$(cat "$MIRROR_DIR/examples/greeter-go/current")/greeter-go_linux_amd64.tar.gz"
cat >"$bench/production-vars.yml" <<EOF
temporal_install_base_url: $MIRROR_URL
temporal_install_controller_cache: $bench/downloads
temporal_postgresql_password: bench-password
temporal_server_db_password: bench-password
temporal_server_num_history_shards: 4
temporal_worker_instances:
  - name: greeter
    task_queue: greeter
    archive:
      url: $MIRROR_URL/$go_worker
      checksum: "sha256:$(sha256sum "$MIRROR_DIR/$go_worker" | cut -d' ' -f1)"
      binary: greeter
EOF
site=(ansible-playbook temporalops.temporal.site -e "@$bench/production-vars.yml")
for run in $(seq 1 "$runs"); do
  log "run $run of $runs, production stack over ssh"
  host=temporalops-bench-prod
  fresh_host "$host"
  inv="$bench/inventory-$host"
  {
    for group in temporal_database temporal_server temporal_ui temporal_worker; do
      printf '[%s]\n%s\n' "$group" "$host"
    done
    printf '[all:vars]\nansible_host=%s\nansible_user=root\nansible_ssh_private_key_file=%s\nansible_python_interpreter=/usr/bin/python3\n' \
      "$(address "$host")" "$bench/id_ed25519"
  } >"$inv"
  timed production.noop ansible-playbook -i "$inv" "$here/playbooks/noop.yml"
  timed production.noop_facts ansible-playbook -i "$inv" "$here/playbooks/noop.yml" -e bench_facts=true
  rm -rf "$bench/downloads"
  timed production.converge "${site[@]}" -i "$inv"
  timed production.reconverge "${site[@]}" -i "$inv"
  if [ "$run" = 1 ]; then
    for unit in temporal-server temporal-ui temporal-worker@greeter; do
      service_figures "$host" "$unit"
    done
    # PostgreSQL is a process per connection: all of them.
    docker exec "$host" sh -c 'ps -C postgres -o rss= | awk "{s += \$1} END {print s}"' >"$bench/rss.postgresql"
  fi
  fresh_host "$host-floor"
  mapfile -t floor_on < <(on_host ssh "$host-floor")
  timed production.floor "$here/floor-production.sh" "$MIRROR_URL" "$SERVER_VERSION" "$UI_VERSION" "$CLI_VERSION" \
    "$go_worker" "${floor_on[@]}"
  drop_host "$host" "$host-floor"
done

log "writing $results"
python3 "$here/results.py" "$bench/times" "$runs" "$namespaces" "$bench" "$(git -C "$REPO_ROOT" rev-parse --short HEAD)" \
  "$CLI_VERSION" >"$results"
cat "$results"
