#!/usr/bin/env bash
# Build the real Temporal binaries from their Go modules and pack them as the official
# releases are packed (names, layout, checksums.txt), into a mirror tree laid out like
# GitHub's release download paths:
#   $MIRROR_DIR/temporalio/<repo>/releases/download/v<version>/<archive>
# Nothing is rebuilt when the archive for that version is already in the cache.
#
# usage: tools/build-artifacts.sh [cli] [cli-previous] [server] [server-previous] [ui] [workers]
#        (default: all). server is SERVER_VERSION, what the stack runs; server-previous the
#        older SERVER_VERSIONS and cli-previous the older CLI, which only the upgrade scenario
#        needs (tools/test.sh builds those two in the background).
source "$(dirname "$0")/lib.sh"

GOARCH="${GOARCH:-amd64}"
export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:--buildvcs=false}" GOTOOLCHAIN=local
# The compiler collects garbage less often (measured on a cold build of CLI 1.4.1: 14% less
# CPU, 6% more memory): the builds are most of a new machine's first test run, on two cores.
export GOGC="${GOGC:-400}"

# pack DIR ARCHIVE FILE... : tar the files (top level, as the releases do) and
# write the release directory's checksums.txt in sha256sum format.
pack() {
  local release_dir="$1" archive="$2" stage="$3"
  mkdir -p "$release_dir"
  # Files at the top level, no "./" entry (it would carry the temp dir's 0700 mode).
  (cd "$stage" && tar -czf "$release_dir/$archive.tmp" --owner=0 --group=0 --sort=name -- *)
  mv "$release_dir/$archive.tmp" "$release_dir/$archive"
  (cd "$release_dir" && sha256sum -- *.tar.gz > checksums.txt)
  log "packed $release_dir/$archive"
}

# module_dir MODULE@VERSION : where the module's source sits in GOMODCACHE (the caller's
# GOTOOLCHAIN applies: a module that needs a newer Go is not downloaded by an older one).
module_dir() {
  (cd "$CACHE_DIR" && go mod download -json "$1" | python3 -c '
import json, sys
info = json.load(sys.stdin)
sys.exit("go mod download %s: %s" % (sys.argv[1], info["Error"])) if "Error" in info else print(info["Dir"])' "$1")
}

build_cli() {
  local v="$1" rel="$MIRROR_DIR/temporalio/cli/releases/download/v$1"
  local archive="temporal_cli_${v}_linux_${GOARCH}.tar.gz"
  [ -f "$rel/$archive" ] && { log "cached $archive"; return; }
  log "building temporal CLI $v (go install; the first build takes minutes)"
  local stage; stage="$(mktemp -d)"
  GOBIN="$stage" go install -trimpath \
    -ldflags "-s -w -X github.com/temporalio/cli/temporalcli.Version=$v" \
    "github.com/temporalio/cli/cmd/temporal@v$v"
  cp "$(module_dir "github.com/temporalio/cli@v$v")/LICENSE" "$stage/LICENSE"
  chmod 0644 "$stage/LICENSE"
  pack "$rel" "$archive" "$stage"
  rm -rf "$stage"
}

build_server() {
  local v="$1" rel="$MIRROR_DIR/temporalio/temporal/releases/download/v$1"
  local archive="temporal_${v}_linux_${GOARCH}.tar.gz"
  [ -f "$rel/$archive" ] && { log "cached $archive"; return; }
  log "building temporal-server, temporal-sql-tool, tdbg $v (the first build takes minutes)"
  local stage; stage="$(mktemp -d)"
  GOTOOLCHAIN="$SERVER_GOTOOLCHAIN" GOBIN="$stage" go install -trimpath -ldflags "-s -w" \
    "go.temporal.io/server/cmd/server@v$v" \
    "go.temporal.io/server/cmd/tools/sql@v$v" \
    "go.temporal.io/server/cmd/tools/tdbg@v$v"
  mv "$stage/server" "$stage/temporal-server"
  mv "$stage/sql" "$stage/temporal-sql-tool"
  local src; src="$(GOTOOLCHAIN="$SERVER_GOTOOLCHAIN" module_dir "go.temporal.io/server@v$v")"
  cp "$src/LICENSE" "$stage/LICENSE"
  # The releases ship the sample configs and the versioned SQL schema files beside the binaries.
  cp -r "$src/config" "$stage/config"
  mkdir -p "$stage/schema"
  cp -r "$src/schema/postgresql" "$src/schema/sqlite" "$stage/schema/"
  find "$stage/schema" -name '*.go' -delete
  chmod -R u+w,go+rX "$stage"
  pack "$rel" "$archive" "$stage"
  rm -rf "$stage"
}

build_ui() {
  local v="$UI_VERSION" rel="$MIRROR_DIR/temporalio/ui-server/releases/download/v$UI_VERSION"
  local archive="ui-server_${v}_linux_${GOARCH}.tar.gz"
  [ -f "$rel/$archive" ] && { log "cached $archive"; return; }
  log "building ui-server $v"
  local stage; stage="$(mktemp -d)"
  GOTOOLCHAIN="$SERVER_GOTOOLCHAIN" GOBIN="$stage" go install -trimpath -ldflags "-s -w" \
    "github.com/temporalio/ui-server/v2/cmd/server@v$v"
  mv "$stage/server" "$stage/ui-server"
  local src; src="$(GOTOOLCHAIN="$SERVER_GOTOOLCHAIN" module_dir "github.com/temporalio/ui-server/v2@v$v")"
  cp "$src/LICENSE" "$stage/LICENSE"
  cp -r "$src/config" "$stage/config"
  chmod -R u+w,go+rX "$stage"
  pack "$rel" "$archive" "$stage"
  rm -rf "$stage"
}

# The example workers the workers scenario runs: the Go one built and packed as a user's
# release would be (an archive with its checksum, named by a digest of its source), the
# Python one's requirements as a wheelhouse and the TypeScript one's packages as an npm cache,
# for hosts that reach no package index.
build_workers() {
  local src="$REPO_ROOT/examples/workers" digest
  digest="$(cd "$src/go" && cat go.mod go.sum ./*.go | sha256sum | cut -c1-12)"
  local rel="$MIRROR_DIR/examples/greeter-go/$digest" archive="greeter-go_linux_${GOARCH}.tar.gz"
  if [ -f "$rel/$archive" ]; then
    log "cached $archive ($digest)"
  else
    log "testing and building the example Go worker"
    local stage; stage="$(mktemp -d)"
    # Its tests (settings_test.go) are in the digest: a cached build passed them.
    (cd "$src/go" && go test ./... && go build -trimpath -ldflags "-s -w" -o "$stage/greeter" .)
    chmod 0755 "$stage/greeter"
    pack "$rel" "$archive" "$stage"
    rm -rf "$stage"
  fi
  printf '%s\n' "$digest" >"$MIRROR_DIR/examples/greeter-go/current"
  local npm_cache; npm_cache="$(npm_cache_archive)"
  if [ -f "$npm_cache" ]; then
    log "cached $(basename "$npm_cache")"
  else
    log "testing the example TypeScript worker and filling its npm cache"
    command -v npm >/dev/null || die "npm is not installed: the example TypeScript worker is built with it"
    local stage; stage="$(mktemp -d)"
    mkdir "$stage/app"
    tar -C "$src/typescript" --exclude=./node_modules --exclude=./lib -cf - . | tar -C "$stage/app" -xf -
    # Its tests (src/settings.test.ts) are in the digest: a cached archive passed them.
    (cd "$stage/app" && npm ci --no-audit --no-fund --cache "$stage/cache" && npm test)
    tar -C "$stage/cache" -czf "$npm_cache.partial" . && mv "$npm_cache.partial" "$npm_cache"
    rm -rf "$stage"
  fi
  local wheels; wheels="$(wheelhouse_dir)"
  if [ ! -f "$wheels/.complete" ]; then
    log "downloading the example Python worker's wheels"
    rm -rf "$wheels"
    # Debian 12's python3.11 and 13's python3.13; the wheels here are abi3 or pure.
    local py
    for py in 3.11 3.13; do
      python3 -m pip download --quiet --only-binary=:all: --platform manylinux2014_x86_64 --python-version "$py" \
        -r "$src/python/requirements.txt" -d "$wheels"
    done
    touch "$wheels/.complete"
  fi
}

command -v go >/dev/null || die "go is not installed: the test mirror builds Temporal from its Go modules"
mkdir -p "$CACHE_DIR" "$MIRROR_DIR"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(cli cli-previous server server-previous ui workers)
for t in "${targets[@]}"; do
  case "$t" in
    cli) build_cli "$CLI_VERSION" ;;
    cli-previous) build_cli "$CLI_PREVIOUS_VERSION" ;;  # for the upgrade scenario
    server) build_server "$SERVER_VERSION" ;;
    server-previous)
      for v in $SERVER_VERSIONS; do
        [ "$v" = "$SERVER_VERSION" ] || build_server "$v"
      done ;;
    ui) build_ui ;;
    workers) build_workers ;;
    *) die "unknown artifact '$t' (expected cli, cli-previous, server, server-previous, ui or workers)" ;;
  esac
done
