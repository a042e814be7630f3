#!/usr/bin/env bash
# The floor of the production stack: the least a plain script does, on one fresh host, to
# reach the end state of playbooks/site.yml with that host in every group: PostgreSQL with
# Temporal's user and two databases, both schemas set up with temporal-sql-tool, the server
# on the release's own sample config (development-postgres12.yaml) under systemd, the
# "default" namespace, the web UI on its sample config, and the example Go worker polling.
# Archives come from the mirror, each checked against its checksums.txt first.
#
# usage: benchmarks/floor-production.sh MIRROR_URL SERVER_VERSION UI_VERSION CLI_VERSION WORKER_PATH EXEC...
#   WORKER_PATH: the Go worker archive's path under MIRROR_URL; EXEC as in floor-dev.sh.
set -euo pipefail
mirror="$1" server="$2" ui="$3" cli="$4" worker="$5"
shift 5
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# fetch DIR ARCHIVE: download ARCHIVE and DIR's checksums.txt, verify, leave it in $work.
fetch() {
  curl -fsS -o "$work/$2" "$mirror/$1/$2"
  curl -fsS -o "$work/checksums.txt" "$mirror/$1/checksums.txt"
  (cd "$work" && grep " $2\$" checksums.txt | sha256sum -c --quiet -)
}
fetch "temporalio/temporal/releases/download/v$server" "temporal_${server}_linux_amd64.tar.gz"
fetch "temporalio/ui-server/releases/download/v$ui" "ui-server_${ui}_linux_amd64.tar.gz"
fetch "temporalio/cli/releases/download/v$cli" "temporal_cli_${cli}_linux_amd64.tar.gz"
curl -fsS -o "$work/worker.tar.gz" "$mirror/$worker"
curl -fsS -o "$work/worker.sums" "$mirror/$(dirname "$worker")/checksums.txt"
(cd "$work" && grep " $(basename "$worker")\$" worker.sums | sed "s| .*| worker.tar.gz|" | sha256sum -c --quiet -)

"$@" "mkdir -p /opt/temporal/server/$server && tar -C /opt/temporal/server/$server -xzf -" <"$work/temporal_${server}_linux_amd64.tar.gz"
"$@" "mkdir -p /opt/temporal/ui/$ui && tar -C /opt/temporal/ui/$ui -xzf -" <"$work/ui-server_${ui}_linux_amd64.tar.gz"
"$@" "mkdir -p /opt/temporal/cli/$cli && tar -C /opt/temporal/cli/$cli -xzf - temporal" <"$work/temporal_cli_${cli}_linux_amd64.tar.gz"
"$@" "mkdir -p /opt/temporal/worker && tar -C /opt/temporal/worker -xzf -" <"$work/worker.tar.gz"

"$@" "
set -e
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
systemctl enable --now postgresql >/dev/null 2>&1
su postgres -c \"psql -q -c \\\"CREATE ROLE temporal LOGIN PASSWORD 'temporal'\\\"\"
su postgres -c 'createdb -O temporal temporal && createdb -O temporal temporal_visibility'

S=/opt/temporal/server/$server
ln -sfn /opt/temporal/cli/$cli/temporal /usr/local/bin/temporal
for db in temporal visibility; do
  name=\$([ \$db = temporal ] && echo temporal || echo temporal_visibility)
  sql=\"\$S/temporal-sql-tool --plugin postgres12 --ep 127.0.0.1 -p 5432 -u temporal --pw temporal --db \$name\"
  \$sql setup-schema -v 0.0 >/dev/null 2>&1
  \$sql update-schema -d \$S/schema/postgresql/v12/\$db/versioned >/dev/null 2>&1
done

id temporal >/dev/null 2>&1 || useradd --system --home-dir /var/lib/temporal --shell /usr/sbin/nologin temporal
install -d -o temporal -g temporal -m 0750 /var/lib/temporal
# The sample configs name their dynamic config relative to the working directory: the release's.
unit() {  # unit NAME WORKDIR EXEC [ENV]
  printf '[Unit]\nAfter=network-online.target postgresql.service\n[Service]\nUser=temporal\nWorkingDirectory=%s\n%bExecStart=%s\nRestart=on-failure\n[Install]\nWantedBy=multi-user.target\n' \"\$2\" \"\${4:-}\" \"\$3\" >/etc/systemd/system/\$1.service
}
unit temporal-server \$S \"\$S/temporal-server --root \$S --config config --env development-postgres12 --allow-no-auth start\"
unit temporal-ui /opt/temporal/ui/$ui \"/opt/temporal/ui/$ui/ui-server --root /opt/temporal/ui/$ui --env development start\"
unit temporal-worker /var/lib/temporal /opt/temporal/worker/greeter \"Environment=TEMPORAL_ADDRESS=127.0.0.1:7233 TEMPORAL_NAMESPACE=default TEMPORAL_TASK_QUEUE=greeter\\n\"
systemctl daemon-reload
systemctl enable --now temporal-server >/dev/null 2>&1
for _ in \$(seq 1 600); do
  temporal operator cluster health --address 127.0.0.1:7233 2>/dev/null | grep -q SERVING && break
  sleep 0.1
done
for _ in \$(seq 1 100); do
  temporal operator namespace describe -n default >/dev/null 2>&1 && break
  temporal operator namespace create -n default >/dev/null 2>&1 || sleep 0.2
done
systemctl enable --now temporal-ui temporal-worker >/dev/null 2>&1
ui_port=\$(awk '/^port:/ {print \$2}' /opt/temporal/ui/$ui/config/development.yaml)
for _ in \$(seq 1 300); do
  curl -fsS -o /dev/null http://127.0.0.1:\$ui_port/healthz 2>/dev/null && break
  sleep 0.1
done
for _ in \$(seq 1 300); do
  temporal task-queue describe --task-queue greeter -o json 2>/dev/null | grep -q '\"identity\"' && exit 0
  sleep 0.2
done
exit 1
" </dev/null
