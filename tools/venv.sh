#!/usr/bin/env bash
# Make (or reuse) the controller venv with the pinned packages from requirements.txt,
# and link this checkout in as the collection temporalops.temporal.
source "$(dirname "$0")/lib.sh"

dir="$(venv_dir)"
if [ ! -f "$dir/.complete" ]; then
  log "creating venv $dir"
  rm -rf "$dir"
  python3 -m venv "$dir"
  "$dir/bin/pip" install --quiet --upgrade pip
  "$dir/bin/pip" install --quiet -r "$REPO_ROOT/requirements.txt"
  touch "$dir/.complete"
fi

# The collection is the checkout itself: link it where Ansible looks for collections.
mkdir -p "$(collections_dir)/ansible_collections/temporalops"
ln -sfn "$REPO_ROOT" "$(collections_dir)/ansible_collections/temporalops/temporal"
