#!/usr/bin/env bash
# The floor: the least a plain script must do to reach the preset's end state on one fresh
# host, so the preset's converge can be read against it. Fetch the CLI release archive and
# its checksums from the mirror (on this machine), verify, ship, unpack, add a user, a unit
# and a link, start, wait until the frontend answers SERVING.
#
# usage: benchmarks/floor-dev.sh MIRROR_URL VERSION EXEC...
#   EXEC, given one more argument, runs it as a shell command line on the host with this
#   script's stdin: `docker exec -i NAME sh -c` or `ssh -o ... root@ADDRESS`.
set -euo pipefail
mirror="$1" version="$2"
shift 2
archive="temporal_cli_${version}_linux_amd64.tar.gz"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

curl -fsS -o "$work/$archive" "$mirror/temporalio/cli/releases/download/v$version/$archive"
curl -fsS -o "$work/checksums.txt" "$mirror/temporalio/cli/releases/download/v$version/checksums.txt"
(cd "$work" && grep " $archive\$" checksums.txt | sha256sum -c --quiet -)

dir="/opt/temporal/cli/$version"
"$@" "mkdir -p $dir && tar -C $dir -xzf - temporal" <"$work/$archive"
"$@" "
set -e
id temporal >/dev/null 2>&1 || useradd --system --home-dir /var/lib/temporal-dev --shell /usr/sbin/nologin temporal
install -d -o temporal -g temporal -m 0750 /var/lib/temporal-dev
ln -sfn $dir/temporal /usr/local/bin/temporal
cat >/etc/systemd/system/temporal-dev-server.service <<EOF
[Unit]
Description=Temporal dev server
After=network-online.target
[Service]
User=temporal
ExecStart=$dir/temporal server start-dev --ip 127.0.0.1 --db-filename /var/lib/temporal-dev/temporal.db
Restart=on-failure
[Install]
WantedBy=multi-user.target
EOF
systemctl daemon-reload
systemctl enable --now temporal-dev-server >/dev/null 2>&1
for _ in \$(seq 1 600); do
  temporal operator cluster health --address 127.0.0.1:7233 2>/dev/null | grep -q SERVING && exit 0
  sleep 0.1
done
exit 1
" </dev/null
