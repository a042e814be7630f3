#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing (venv, Docker
# engine, systemd test image, Temporal binaries built from Go modules), then runs
# lint, sanity, unit tests, module integration tests and the molecule scenarios.
#
# usage: tools/test.sh [lint|sanity|units|build|modules|molecule ...]   (default: all)
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
[ ${#builds[@]} -eq 0 ] || "$REPO_ROOT/tools/mirror.sh" "${builds[@]}"
# The older CLI and server releases only the upgrade scenario runs (about 10 minutes of Go
# builds on a new machine) build in the background, at the lowest CPU priority, while the
# other steps and scenarios run; the upgrade scenario runs last and waits for them.
previous_pid=""
stop_previous_builds() { [ -z "$previous_pid" ] || kill -- "-$previous_pid" 2>/dev/null || true; }
trap stop_previous_builds EXIT
if [[ " ${steps[*]} " == *" molecule "* && " ${TEMPORALOPS_SCENARIOS:-upgrade} " == *" upgrade "* ]]; then
  # Its own process group (setsid), so that an early exit stops the go builds under it too.
  setsid nice -n 19 "$REPO_ROOT/tools/build-artifacts.sh" cli-previous server-previous \
    >"$CACHE_DIR/build-previous.log" 2>&1 &
  previous_pid=$!
fi
# The example workers the workers scenario deploys (tools/build-artifacts.sh built them).
export TEMPORALOPS_WHEELHOUSE="" TEMPORALOPS_NPM_CACHE="" TEMPORALOPS_GO_WORKER_URL="" TEMPORALOPS_GO_WORKER_SHA256=""
if uses modules molecule; then
  TEMPORALOPS_WHEELHOUSE="$(wheelhouse_dir)" TEMPORALOPS_NPM_CACHE="$(npm_cache_archive)"
  go_worker="examples/greeter-go/$(cat "$MIRROR_DIR/examples/greeter-go/current")/greeter-go_linux_amd64.tar.gz"
  TEMPORALOPS_GO_WORKER_URL="$MIRROR_URL/$go_worker"
  TEMPORALOPS_GO_WORKER_SHA256="$(sha256sum "$MIRROR_DIR/$go_worker" | cut -d' ' -f1)"
fi

declare -A took
scenario_times=()
run_step() {
  local name="$1" started=$SECONDS
  log "test step: $name"
  case "$name" in
    lint)
      # molecule installs a build of the collection under ~/.ansible; a stale one from an
      # earlier run would shadow this checkout for ansible-lint.
      rm -rf "${ANSIBLE_HOME:-$HOME/.ansible}/collections/ansible_collections/temporalops/temporal"
      (cd "$REPO_ROOT" && ansible-lint --offline) ;;
    sanity)
      # On the pinned and on the newest ansible-core (the releases meta/runtime.yml claims from),
      # at once: each has a tree and a HOME of its own, and one alone leaves a core idle.
      local newest newest_log="$CACHE_DIR/sanity-newest.log" newest_pid
      newest="$(newest_venv)"
      TEMPORALOPS_ANSIBLE_TEST_VENV="$newest" "$REPO_ROOT/tools/ansible-test.sh" sanity --local \
        --python "$("$newest/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" >"$newest_log" 2>&1 &
      newest_pid=$!
      "$REPO_ROOT/tools/ansible-test.sh" sanity --python 3.11 --local || { wait "$newest_pid" || true; exit 1; }
      log "sanity on $("$newest/bin/python" -c 'import ansible; print("ansible-core", ansible.__version__)')"
      wait "$newest_pid" || { cat "$newest_log"; die "sanity on the newest ansible-core failed"; }
      cat "$newest_log" ;;
    units)
      (cd "$REPO_ROOT" && python -m pytest -q tests/unit)
      # Again on the newest ansible-core (the example workers' tests need their SDK: once is enough).
      local newest
      newest="$(newest_venv)"
      log "unit tests on $("$newest/bin/python" -c 'import ansible; print("ansible-core", ansible.__version__)')"
      (cd "$REPO_ROOT" && "$newest/bin/python" -m pytest -q -p no:cacheprovider tests/unit --ignore tests/unit/test_example_workers.py) ;;
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
      local scenario scenarios=()
      for scenario in "$REPO_ROOT"/molecule/*/molecule.yml; do
        scenario="$(basename "$(dirname "$scenario")")"
        [ "$scenario" = upgrade ] || scenarios+=("$scenario")
      done
      # Last: its older releases build in the background until then.
      scenarios+=(upgrade)
      [ -z "${TEMPORALOPS_SCENARIOS:-}" ] || read -r -a scenarios <<<"$TEMPORALOPS_SCENARIOS"
      for scenario in "${scenarios[@]}"; do
        local scenario_started=$SECONDS
        if [ "$scenario" = upgrade ] && [ -n "$previous_pid" ]; then
          log "waiting for the older releases the upgrade scenario needs ($CACHE_DIR/build-previous.log)"
          wait "$previous_pid" || { tail -n 40 "$CACHE_DIR/build-previous.log" >&2; previous_pid=""; die "building the older releases failed"; }
          previous_pid=""
          cat "$CACHE_DIR/build-previous.log"
        fi
        (cd "$REPO_ROOT" && molecule test -s "$scenario")
        log "scenario $scenario passed in $((SECONDS - scenario_started))s"
        scenario_times+=("$(printf '    %-12s %4ss' "$scenario" "$((SECONDS - scenario_started))")")
      done ;;
    *) die "unknown step '$name' (lint, sanity, units, build, modules, molecule)" ;;
  esac
  took[$name]=$((SECONDS - started))
}

for step in "${steps[@]}"; do
  run_step "$step"
done

log "all test steps passed"
for step in "${steps[@]}"; do
  printf '  %-10s %4ss\n' "$step" "${took[$step]}"
  [ "$step" != molecule ] || printf '%s\n' "${scenario_times[@]}"
done
if [ -d "$TEMPORALOPS_ARTIFACTS" ]; then
  printf 'artifacts to look at:\n'
  find "$TEMPORALOPS_ARTIFACTS" -type f -printf '  %p (%s bytes)\n' | sort
fi
# set -e stops at the first failing step, so reaching here means every step passed.
printf 'steps: %d passed, 0 failed\n' "${#steps[@]}"
