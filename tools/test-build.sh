#!/usr/bin/env bash
# The collection as users get it: `ansible-galaxy collection build`, install the tarball
# into an empty collections path, and check that Ansible loads its roles, docs and playbook
# from there (not from this checkout).
source "$(dirname "$0")/lib.sh"
activate_venv

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ansible-galaxy collection build --output-path "$work" "$REPO_ROOT" >/dev/null
tarball="$(ls "$work"/temporalops-temporal-*.tar.gz)"
# Only the empty path and the collections the ansible package ships (its dependencies).
export ANSIBLE_COLLECTIONS_PATH="$work/installed:${ANSIBLE_COLLECTIONS_PATH#*:}" ANSIBLE_NOCOLOR=1
# --no-deps: Galaxy is out of reach here; the dependencies come with the pinned ansible package.
ansible-galaxy collection install --no-deps --collections-path "$work/installed" "$tarball" >/dev/null
installed="$work/installed/ansible_collections/temporalops/temporal"
[ -f "$installed/MANIFEST.json" ] || die "the built collection did not install"
for unwanted in tools molecule .ci; do
  [ ! -e "$installed/$unwanted" ] || die "the built collection ships $unwanted/"
done

for role in $(cd "$REPO_ROOT/roles" && ls); do
  ansible-doc -t role "temporalops.temporal.$role" | grep -q "ENTRY POINT:.*main" \
    || die "ansible-doc cannot render role $role from the built collection"
done
while read -r module; do
  ansible-doc "$module" | grep -q "EXAMPLES" || die "ansible-doc cannot render $module"
done < <(ansible-doc -l temporalops.temporal 2>/dev/null | awk '{print $1}')
printf '[temporal]\nexample ansible_connection=local\n[temporal_database]\ndb\n[temporal_server]\nserver\n[temporal_ui]\nui\n[temporal_worker]\nworker\n' >"$work/inventory"
for playbook in dev site operate; do
  ansible-playbook -i "$work/inventory" --syntax-check "temporalops.temporal.$playbook" >/dev/null
done
log "built $(basename "$tarball"): installs, ansible-doc renders every role and module, the playbooks parse"
