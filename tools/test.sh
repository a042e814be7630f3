#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing (venv, Docker
# engine, systemd test image, Temporal binaries built from Go modules), then runs
# lint, sanity, unit tests, module integration tests and the molecule scenarios.
#
# usage: tools/test.sh [lint|sanity|sanity-newest|units|build|modules|molecule ...]   (default: all but sanity-newest, which sanity runs)
#        TEMPORALOPS_SCENARIOS="default upgrade" limits the molecule step to those scenarios.
source "$(dirname "$0")/lib.sh"

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(lint sanity units build modules molecule)

# What the chosen steps run: lint and sanity need no Temporal binary, the unit tests load
# configs with the server and UI binaries, the module tests and the scenarios need all.
uses() { local step; for step in "$@"; do [[ " ${steps[*]} " == *" $step "* ]] && return 0; done; return 1; }
builds=()
if uses modules molecule; then
  builds=(cli server ui workers)
elif uses units; then
  builds=(server ui)
fi

"$REPO_ROOT/tools/host-packages.sh"
activate_venv
export TEMPORALOPS_CONTROLLER_CLI=""
! uses modules molecule || TEMPORALOPS_CONTROLLER_CLI="$(cli_binary)"
export TEMPORALOPS_MIRROR_URL="$MIRROR_URL" TEMPORALOPS_DOWNLOADS="$CACHE_DIR/downloads"
# The scenarios' inventories and checks read the versions the mirror carries from here.
export TEMPORALOPS_CLI_VERSION="$CLI_VERSION" TEMPORALOPS_CLI_PREVIOUS_VERSION="$CLI_PREVIOUS_VERSION"
export TEMPORALOPS_SERVER_VERSION="$SERVER_VERSION" TEMPORALOPS_SERVER_VERSIONS="$SERVER_VERSIONS"
export TEMPORALOPS_UI_VERSION="$UI_VERSION"
# What a person should look at afterwards (the web UI checks' screenshots) lands here.
export TEMPORALOPS_ARTIFACTS="${TEMPORALOPS_ARTIFACTS:-$CACHE_DIR/artifacts}"
# The test images (debootstrap: network and disk bound) build while the Go builds below keep
# the CPUs busy; the molecule step waits for them.
images_pid=""
if [[ " ${steps[*]} " == *" molecule "* ]]; then
  mkdir -p "$CACHE_DIR"
  "$REPO_ROOT/tools/test-image.sh" >"$CACHE_DIR/test-image.log" 2>&1 &
  images_pid=$!
fi
# The Temporal binaries and example workers build (minutes of Go on a new machine) while lint
# and sanity run, which need none of them; the first step that does waits (need_builds).
builds_pid=""
if [ ${#builds[@]} -gt 0 ]; then
  "$REPO_ROOT/tools/mirror.sh" "${builds[@]}" >"$CACHE_DIR/build.log" 2>&1 &
  builds_pid=$!
fi
# The older CLI and server releases only the upgrade scenario runs (about 570 CPU-seconds of
# Go on a new machine) build once the current ones are built (need_builds), beside the
# scenarios and at their priority, in a process group of their own (job control on while they
# start) so that an early exit stops the go builds under them too; their last line says they
# succeeded, as the lane that waits for them is not their parent. (The cold drill of 12-07 ran
# them from the start at nice 19: they got only the CPU nothing else wanted, finished when the
# production lane did, and the upgrade scenario, last in the other lane, waited 431 s for them.)
previous_pid=""
start_previous_builds() {
  [[ " ${steps[*]} " == *" molecule "* && " ${TEMPORALOPS_SCENARIOS:-upgrade} " == *" upgrade "* ]] || return 0
  set -m
  { "$REPO_ROOT/tools/build-artifacts.sh" cli-previous server-previous && echo "built-previous ok"; } \
    >"$CACHE_DIR/build-previous.log" 2>&1 &
  previous_pid=$!
  set +m
}
beside_pid=""
stop_background() {
  [ -z "$previous_pid" ] || kill -- "-$previous_pid" 2>/dev/null || true
  [ -z "$beside_pid" ] || kill -- "-$beside_pid" 2>/dev/null || true
}
trap stop_background EXIT
export TEMPORALOPS_WHEELHOUSE="" TEMPORALOPS_NPM_CACHE="" TEMPORALOPS_GO_WORKER_URL="" TEMPORALOPS_GO_WORKER_SHA256=""
need_builds() {
  [ -n "$builds_pid" ] || return 0
  log "waiting for the Temporal binaries and example workers ($CACHE_DIR/build.log)"
  wait "$builds_pid" || { cat "$CACHE_DIR/build.log" >&2; builds_pid=""; die "building the artifacts failed"; }
  builds_pid=""
  cat "$CACHE_DIR/build.log"
  start_previous_builds
  # The example workers the workers scenario deploys (tools/build-artifacts.sh built them).
  if uses modules molecule; then
    TEMPORALOPS_WHEELHOUSE="$(wheelhouse_dir)" TEMPORALOPS_NPM_CACHE="$(npm_cache_archive)"
    local go_worker
    go_worker="examples/greeter-go/$(cat "$MIRROR_DIR/examples/greeter-go/current")/greeter-go_linux_amd64.tar.gz"
    TEMPORALOPS_GO_WORKER_URL="$MIRROR_URL/$go_worker"
    TEMPORALOPS_GO_WORKER_SHA256="$(sha256sum "$MIRROR_DIR/$go_worker" | cut -d' ' -f1)"
  fi
}

# The scenarios run in two lanes at once: production (the cluster, about as long as the others
# together) beside default, workers and upgrade, one after another. Much of a scenario is
# waiting (a server starting, a workflow, a rolling restart), which the other lane fills; the
# production scenario's hosts and network have names of their own, so the lanes share
# nothing but the mirror. TEMPORALOPS_SCENARIOS runs the scenarios it names in one lane.
scenario_times=()
# Either lane of scenarios, or the steps beside them, leaves this when it fails: the lanes
# start no scenario after it.
failed_mark="$CACHE_DIR/molecule-failed"
# The steps beside the scenarios start when this appears: when the last scenario of the lane
# that ends last starts (beside_cue). The last of them (tail_steps) wait for the second: when
# one lane has ended, so that a single scenario runs and leaves a core idle (with one lane,
# when its last scenario starts: tail_cue).
beside_go="$CACHE_DIR/beside-go" beside_cue="" tail_go="$CACHE_DIR/tail-go" tail_cue=""
run_scenario() {
  local scenario="$1" started=$SECONDS rc=0
  if [ "$scenario" = upgrade ] && [ -n "$previous_pid" ]; then
    log "waiting for the older releases the upgrade scenario needs ($CACHE_DIR/build-previous.log)"
    while kill -0 "$previous_pid" 2>/dev/null; do sleep 5; done
    grep -q '^built-previous ok$' "$CACHE_DIR/build-previous.log" || {
      tail -n 40 "$CACHE_DIR/build-previous.log" >&2; die "building the older releases failed"; }
    cat "$CACHE_DIR/build-previous.log"
  fi
  [ "$scenario" != "$beside_cue" ] || touch "$beside_go"
  [ "$scenario" != "$tail_cue" ] || touch "$tail_go"
  (cd "$REPO_ROOT" && molecule test -s "$scenario") || rc=$?
  printf '    %-12s %4ss%s\n' "$scenario" "$((SECONDS - started))" "$([ $rc -eq 0 ] || echo ' FAILED')" >>"$lane_times"
  return $rc
}
# run_lane NAME SCENARIO... : the scenarios in turn, each one's output in a block of its own
# when it ends (lanes would interleave lines); the first failure stops both lanes' next scenario.
run_lane() {
  local lane="$1" scenario log rc
  shift
  for scenario in "$@"; do
    [ ! -e "$failed_mark" ] || return 1
    log="$CACHE_DIR/molecule-$scenario.log"
    log "scenario $scenario starts (lane $lane; its output: $log)"
    rc=0
    # A subshell: a die inside ends the scenario, not the lane before it reports.
    (run_scenario "$scenario") >"$log" 2>&1 || rc=$?
    { flock 9; cat "$log"; log "scenario $scenario $([ $rc -eq 0 ] && echo passed || echo FAILED) (lane $lane)"; } 9>"$CACHE_DIR/molecule-output.lock"
    [ $rc -eq 0 ] || { touch "$failed_mark"; return 1; }
  done
}
run_scenarios() {
  local lane_times="$CACHE_DIR/molecule-times.txt" rc=0 pid
  : >"$lane_times"
  if [ -n "${TEMPORALOPS_SCENARIOS:-}" ]; then
    local scenarios
    read -r -a scenarios <<<"$TEMPORALOPS_SCENARIOS"
    beside_cue="${scenarios[-1]}" tail_cue="${scenarios[-1]}"
    run_lane one "${scenarios[@]}" || rc=1
  else
    local others=() scenario pids=()
    for scenario in "$REPO_ROOT"/molecule/*/molecule.yml; do
      scenario="$(basename "$(dirname "$scenario")")"
      [[ " production upgrade " == *" $scenario "* ]] || others+=("$scenario")
    done
    # upgrade last in its lane: its older releases build in the background until then.
    beside_cue=upgrade
    (rc=0; run_lane cluster production || rc=$?; touch "$tail_go"; exit $rc) &
    pids+=($!)
    (rc=0; run_lane others "${others[@]}" upgrade || rc=$?; touch "$tail_go"; exit $rc) &
    pids+=($!)
    for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
  fi
  mapfile -t scenario_times <"$lane_times"
  if [ $rc -ne 0 ]; then
    # The steps beside the scenarios may be what stopped them: show them when they are over.
    [ -z "$beside_pid" ] || kill -0 "$beside_pid" 2>/dev/null || finish_beside
    printf '%s\n' "${scenario_times[@]}" >&2
    die "a molecule scenario failed"
  fi
}

declare -A took
run_step() {
  local name="$1" started=$SECONDS
  case "$name" in units|modules|molecule) need_builds ;; esac
  log "test step: $name"
  case "$name" in
    lint)
      # molecule installs a build of the collection under ~/.ansible; a stale one from an
      # earlier run would shadow this checkout for ansible-lint.
      rm -rf "${ANSIBLE_HOME:-$HOME/.ansible}/collections/ansible_collections/temporalops/temporal"
      (cd "$REPO_ROOT" && ansible-lint --offline) ;;
    sanity)
      # On the pinned and on the newest ansible-core (the releases meta/runtime.yml claims from).
      # With the scenarios, the newest one's run is a step beside them (sanity-newest): before
      # them, it takes CPU from the Go builds they wait for. Alone, both run at once: each has a
      # tree and a HOME of its own, and one alone leaves a core idle.
      if uses molecule; then
        "$REPO_ROOT/tools/ansible-test.sh" sanity --python 3.11 --local
      else
        local newest_log="$CACHE_DIR/sanity-newest.log" newest_pid
        run_step sanity-newest >"$newest_log" 2>&1 &
        newest_pid=$!
        "$REPO_ROOT/tools/ansible-test.sh" sanity --python 3.11 --local || { wait "$newest_pid" || true; exit 1; }
        wait "$newest_pid" || { cat "$newest_log"; die "sanity on the newest ansible-core failed"; }
        cat "$newest_log"
      fi ;;
    units)
      # Again on the newest ansible-core (the example workers' tests need their SDK: once is
      # enough), at once, as the sanity step: each run keeps one core busy.
      local newest newest_log="$CACHE_DIR/units-newest.log" newest_pid
      newest="$(newest_venv)"
      (cd "$REPO_ROOT" && "$newest/bin/python" -m pytest -q -p no:cacheprovider tests/unit --ignore tests/unit/test_example_workers.py) \
        >"$newest_log" 2>&1 &
      newest_pid=$!
      (cd "$REPO_ROOT" && python -m pytest -q tests/unit) || { wait "$newest_pid" || true; exit 1; }
      log "unit tests on $("$newest/bin/python" -c 'import ansible; print("ansible-core", ansible.__version__)')"
      wait "$newest_pid" || { cat "$newest_log"; die "unit tests on the newest ansible-core failed"; }
      cat "$newest_log" ;;
    sanity-newest)
      local newest
      newest="$(newest_venv)"
      log "sanity on $("$newest/bin/python" -c 'import ansible; print("ansible-core", ansible.__version__)')"
      TEMPORALOPS_ANSIBLE_TEST_VENV="$newest" "$REPO_ROOT/tools/ansible-test.sh" sanity --local \
        --python "$("$newest/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" ;;
    build)
      "$REPO_ROOT/tools/test-build.sh" ;;
    modules)
      # unit tests ran in the units step
      "$REPO_ROOT/tools/test-modules.sh" integration ;;
    molecule)
      if [ -n "$images_pid" ]; then
        wait "$images_pid" || { cat "$CACHE_DIR/test-image.log" >&2; die "building the test images failed"; }
        cat "$CACHE_DIR/test-image.log"
        images_pid=""
      fi
      "$REPO_ROOT/tools/test-image.sh"
      run_scenarios ;;
    *) die "unknown step '$name' (lint, sanity, sanity-newest, units, build, modules, molecule)" ;;
  esac
  took[$name]=$((SECONDS - started))
}

# The unit and module tests need the built binaries, and neither the scenarios nor the steps
# before them: with molecule among the steps they run beside the scenarios, one after the
# other in a lane of their own (their output shown when the scenarios end), from when the last
# scenario starts (beside_go), instead of before the scenarios. Sanity on the newest
# ansible-core and the collection's build check need nothing built either: they run last, once
# a lane has ended (tail_go), in the time a single scenario leaves a core idle (before the
# scenarios, their CPU delays the Go builds the scenarios wait for).
beside=() tail_steps=()
if uses molecule; then
  for step in units modules; do uses "$step" && beside+=("$step"); done
  ! uses sanity || tail_steps+=(sanity-newest)
  ! uses build || tail_steps+=(build)
  beside+=("${tail_steps[@]}")
fi
beside_log="$CACHE_DIR/beside-molecule.log"
start_beside() {
  rm -f "$failed_mark" "$beside_go" "$tail_go"
  [ ${#beside[@]} -gt 0 ] || return 0
  need_builds
  log "test steps ${beside[*]} run beside the scenarios (their output: $beside_log)"
  # A process group of its own (job control on while it starts), so that an early exit stops
  # the servers and tests under it too. A failure leaves the mark, and the lanes stop.
  set -m
  (
    trap '[ $? -eq 0 ] || touch "$failed_mark"' EXIT
    until [ -e "$beside_go" ] || [ -e "$failed_mark" ]; do sleep 2; done
    [ ! -e "$failed_mark" ] || { echo "not run: a scenario failed first"; exit 0; }
    for step in "${beside[@]}"; do
      if [[ " ${tail_steps[*]} " == *" $step "* ]]; then
        until [ -e "$tail_go" ] || [ -e "$failed_mark" ]; do sleep 2; done
        [ ! -e "$failed_mark" ] || { echo "$step not run: a scenario failed first"; exit 0; }
      fi
      run_step "$step"
    done
    for step in "${beside[@]}"; do printf 'took %s %s\n' "$step" "${took[$step]}"; done
  ) >"$beside_log" 2>&1 &
  beside_pid=$!
  set +m
}
finish_beside() {
  [ -n "$beside_pid" ] || return 0
  local rc=0 step
  touch "$beside_go" "$tail_go"
  wait "$beside_pid" || rc=$?
  beside_pid=""
  cat "$beside_log"
  [ $rc -eq 0 ] || die "test steps ${beside[*]} (beside the scenarios) failed"
  for step in "${beside[@]}"; do
    took[$step]="$(awk -v step="$step" '$1 == "took" && $2 == step {print $3}' "$beside_log")"
  done
}

for step in "${steps[@]}"; do
  [[ " ${beside[*]} " != *" $step "* ]] || continue
  [ "$step" != molecule ] || start_beside
  run_step "$step"
done
finish_beside

log "all test steps passed"
for step in "${steps[@]}"; do
  printf '  %-10s %4ss\n' "$step" "${took[$step]}"
  [ "$step" != sanity ] || [ -z "${took[sanity-newest]:-}" ] || printf '    %-12s %4ss (beside the scenarios)\n' newest "${took[sanity-newest]}"
  [ "$step" != molecule ] || printf '%s\n' "${scenario_times[@]}"
done
if [ -d "$TEMPORALOPS_ARTIFACTS" ]; then
  printf 'artifacts to look at:\n'
  find "$TEMPORALOPS_ARTIFACTS" -type f -printf '  %p (%s bytes)\n' | sort
fi
# set -e stops at the first failing step, so reaching here means every step passed.
printf 'steps: %d passed, 0 failed\n' "${#steps[@]}"
