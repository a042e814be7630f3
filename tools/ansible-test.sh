#!/usr/bin/env bash
# Run ansible-test on this checkout. ansible-test insists on living under
# ansible_collections/<namespace>/<name>, so the tracked (and untracked, unignored)
# files are copied into such a tree in the cache first.
#
# usage: tools/ansible-test.sh sanity|units|integration [ansible-test options...]
# With TEMPORALOPS_ANSIBLE_TEST_VENV set (a venv such as tools/lib.sh's newest_venv), that
# venv's ansible-test runs instead of the pinned one, in a tree and a HOME of its own.
source "$(dirname "$0")/lib.sh"
activate_venv
other=""
if [ -n "${TEMPORALOPS_ANSIBLE_TEST_VENV:-}" ]; then
  export VIRTUAL_ENV="$TEMPORALOPS_ANSIBLE_TEST_VENV" PATH="$TEMPORALOPS_ANSIBLE_TEST_VENV/bin:$PATH"
  other="-$(basename "$TEMPORALOPS_ANSIBLE_TEST_VENV")"
fi

tree="$CACHE_DIR/ansible-test$other/$(basename "$(collections_dir)")/ansible_collections/temporalops/temporal"
rm -rf "$tree"
mkdir -p "$tree"
# Files git lists that are gone from the work tree (deleted, not committed yet) are left out.
# shellcheck disable=SC2016  # $1 is expanded by the inner sh, not here
(cd "$REPO_ROOT" && git ls-files -z --cached --others --exclude-standard \
  | xargs -0 -n1 sh -c 'if test -e "$1"; then printf "%s\0" "$1"; fi' sh \
  | tar --null -T - -cf -) | tar -C "$tree" -xf -
# ansible-test only looks at files git knows: give the copy its own repository.
(cd "$tree" && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm snapshot)

# ansible-test bootstraps pip into each sanity venv with a get-pip script it downloads from
# a host out of reach here, cached under ~/.ansible/test/cache. Give it a HOME inside the
# cache directory holding our stand-in and the pinned pip wheel (from PyPI) it installs.
pip_version="$(python - <<'PY'
import ansible_test._internal.python_requirements as r
import inspect, re
print(re.search(r"pip='([0-9.]+)'", inspect.getsource(r.get_venv_packages)).group(1))
PY
)" || die "cannot tell which pip version ansible-test bootstraps"
test_home="$CACHE_DIR/ansible-test-home$other"
bootstrap_dir="$test_home/.ansible/test/cache"
mkdir -p "$bootstrap_dir"
if [ ! -f "$bootstrap_dir/pip-$pip_version-py3-none-any.whl" ]; then
  log "fetching the pip $pip_version wheel ansible-test bootstraps its venvs with"
  pip download --quiet --no-deps --only-binary=:all: -d "$bootstrap_dir" "pip==$pip_version"
fi
cp "$REPO_ROOT/tools/get-pip-standin.py" "$bootstrap_dir/get_pip_${pip_version//./_}.py"

cd "$tree" || exit 1
HOME="$test_home" exec ansible-test "$@"
