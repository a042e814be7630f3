#!/usr/bin/env bash
# Run ansible-test on this checkout. ansible-test insists on living under
# ansible_collections/<namespace>/<name>, so the tracked (and untracked, unignored)
# files are copied into such a tree in the cache first.
#
# usage: tools/ansible-test.sh sanity|units|integration [ansible-test options...]
source "$(dirname "$0")/lib.sh"
activate_venv

tree="$CACHE_DIR/ansible-test/$(basename "$(collections_dir)")/ansible_collections/temporalops/temporal"
rm -rf "$tree"
mkdir -p "$tree"
(cd "$REPO_ROOT" && git ls-files -z --cached --others --exclude-standard \
  | xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' \
  | tar --null -T - -cf -) | tar -C "$tree" -xf -
# ansible-test only looks at files git knows: give the copy its own repository.
(cd "$tree" && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm snapshot)

cd "$tree" || exit 1
exec ansible-test "$@"
