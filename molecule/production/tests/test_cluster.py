"""The cluster: three server nodes on one database, behind the balancer on the database host.

Every node sees every member in every ring; bad input across the nodes is refused before any
host changes; and the node-loss drill: 200 workflows (a timer, then an activity) started
through the balancer on the example worker while one node is stopped and another killed, all
complete and the nodes come back into every ring. The rolling restart under load is the
drift check of test_phases.py (one playbook run for both)."""

import json
import time

import pytest

import conftest
from conftest import (NODE_TLS, SERVER_DIR, SERVER_HOSTS, assert_refused, container_address, host_name, run_playbook,
                      inventory_with_host_vars, main_pid, play, scenario_playbook)
from drill import run_load

testinfra_hosts = SERVER_HOSTS[:1]
# tdbg asks each node's internal frontend (conftest), which every node runs beside its worker
# service with authorization on.
NODE_ADMIN = conftest.temporal_testinfra.CLI_ADDRESS[0]
SERVICES = ("frontend", "history", "matching", "worker", "internal-frontend")
# tdbg takes the CLI's TLS flags; the node's own certificate is also a client one.
TDBG_TLS = " ".join(NODE_TLS)


def rings(node):
    """{service: sorted hosts} of the rings as NODE's internal frontend sees them (tdbg sends no token:
    there the node's certificate stands for the system)."""
    listing = json.loads(node.check_output("%s/tdbg --address %s %s membership list-gossip" % (SERVER_DIR, NODE_ADMIN, TDBG_TLS)))
    return dict((ring["role"], sorted(set(m["identity"].rsplit(":", 1)[0] for m in ring["members"]))) for ring in listing)


def wait_every_ring_full(nodes, addresses, timeout=120):
    """Seconds until every node sees every address in every ring."""
    started = time.time()
    while True:
        seen = {}
        for node in nodes:
            result = node.run("%s/tdbg --address %s %s membership list-gossip" % (SERVER_DIR, NODE_ADMIN, TDBG_TLS))
            seen[host_name(node)] = rings(node) if result.rc == 0 else result.stderr.strip()
        if all(isinstance(view, dict) and all(view.get(s) == addresses for s in SERVICES) for view in seen.values()):
            return time.time() - started
        assert time.time() - started < timeout, seen
        time.sleep(2)


@pytest.fixture(scope="module")
def addresses(nodes):
    return sorted(container_address(node) for node in nodes)


def test_every_node_sees_every_member(present, nodes, addresses):
    assert len(addresses) == 3
    for node in nodes:
        assert dict((s, rings(node).get(s)) for s in SERVICES) == dict((s, addresses) for s in SERVICES), host_name(node)


def test_the_balancer_sends_clients_to_every_frontend(present, database, addresses):
    config = database.file("/etc/haproxy/haproxy.cfg").content_string
    backends = [line.split()[-1] for line in config.splitlines() if line.strip().startswith("server ")]
    assert sorted(backends) == sorted(["%s:7233" % a for a in addresses] + ["%s:7243" % a for a in addresses]), config
    assert database.service("haproxy").is_running


def test_bad_input_across_the_nodes_is_refused_naming_each_problem(present, tmp_path, nodes, database, addresses):
    """One site.yml run, every cluster problem at once: a node on another node's address (also not
    its own), a shard count, a release and a database that differ, and a split with no matching
    or worker anywhere. Nothing on any host changes, not even the balancer's valid new backend
    list on the database host (the checks of every host run before any host changes)."""
    first, second, third = SERVER_HOSTS
    inventory = inventory_with_host_vars(tmp_path, {
        # The balancer's own check would refuse the frontend listed twice first.
        conftest.DATABASE_HOSTS[0]: {"temporal_balancer_backends": ["%s:7233" % addresses[0]],
                                     "temporal_balancer_http_backends": []},
        first: {"temporal_server_services": ["frontend"]},
        second: {"temporal_server_broadcast_address": container_address(nodes[0]),
                 "temporal_server_services": ["frontend", "history"], "temporal_server_version": "1.31.2"},
        third: {"temporal_server_num_history_shards": 8, "temporal_server_db_name": "elsewhere",
                "temporal_server_services": ["history"]},
    })
    messages = [
        "temporal_server_broadcast_address: %s, %s all join the cluster as %s" % (first, second, container_address(nodes[0])),
        "temporal_server_broadcast_address '%s' of %s is not an address of that host" % (container_address(nodes[0]), second),
        "temporal_server_version differs across the server hosts: 1.31.2 on %s;" % second,
        "temporal_server_num_history_shards differs across the server hosts: 4 on %s, %s; 8 on %s." % (first, second, third),
        "temporal_server_db_name differs across the server hosts: elsewhere on %s;" % third,
        "temporal_server_services: no server host (of %s, %s, %s) runs matching, worker" % (first, second, third),
    ]
    output = assert_refused(lambda: play(scenario_playbook("converge.yml"), inventory=inventory), messages[0],
                            nodes + [database])
    for message in messages[1:]:
        assert message in output, message


def test_a_limit_that_leaves_out_what_a_node_needs_is_refused_naming_it(present, nodes, database):
    """site.yml --limit to one node: the balancer's and the database's host is left out, so its
    address is unknown and the other frontends cannot be listed; the run stops naming them
    (plugins/module_utils/site_plan.py) before any host changes."""
    first, database_host = SERVER_HOSTS[0], conftest.DATABASE_HOSTS[0]
    output = assert_refused(lambda: play(scenario_playbook("converge.yml"), ["--limit", first]),
                            "The frontends are reached through the balancer on %s, whose address this run does not know" % database_host,
                            nodes + [database])
    assert "The server on %s uses the database on %s, whose address this run does not know" % (first, database_host) in output


def test_a_node_with_a_wrong_database_password_is_refused_before_any_change(present, tmp_path, nodes, database):
    """The schema steps run from the first node only; every other node reads the schema versions
    with its own credentials, so a wrong password on the last node stops the run naming it
    before any host changes."""
    last = SERVER_HOSTS[-1]
    inventory = inventory_with_host_vars(tmp_path, {last: {"temporal_server_db_password": "not-the-password"}})
    output = assert_refused(lambda: play(scenario_playbook("converge.yml"), inventory=inventory),
                            "could not be brought to Temporal server", nodes + [database])
    assert "failed (permission denied)" in output
    # The check is a loop over both stores: its failures read "failed: [host] (item=...)".
    assert "failed: [%s]" % last in output and "failed: [%s]" % SERVER_HOSTS[0] not in output


def test_a_lost_node_loses_no_workflow(present, nodes, database, addresses):
    """200 workflows through the balancer; mid-run one node is stopped and another killed (-9).
    All complete; the killed frontend leaves the balancer's rotation within seconds; both
    nodes come back into every ring."""
    stopped, killed = nodes[1], nodes[2]
    killed_index = SERVER_HOSTS.index(host_name(killed)) + 1

    def lose_two_nodes():
        time.sleep(1)
        stopped.run_expect([0], "systemctl stop %s" % conftest.SERVICE)
        since = killed.check_output("date +%s.%N")
        killed.run_expect([0], "kill -9 %s" % main_pid(killed, conftest.SERVICE))
        # HAProxy logs each server it takes out of rotation.
        deadline, down_at = time.time() + 30, None
        while down_at is None and time.time() < deadline:
            log = database.run("journalctl -t haproxy -o short-unix --no-pager --since @%d" % int(float(since)))
            down_at = next((float(line.split()[0]) for line in log.stdout.splitlines()
                            if "/node%d is DOWN" % killed_index in line), None)
            time.sleep(0.5)
        assert down_at is not None, "the balancer never took the killed frontend out of rotation"
        stopped.run_expect([0], "systemctl start %s" % conftest.SERVICE)
        return {"killed_frontend_in_rotation_seconds": round(down_at - float(since), 1)}

    # A result awaited from the killed node's history host is polled again (drill.py).
    figures = run_load("%s:7233" % container_address(database), "orders", "prod-greeter", 200, lose_two_nodes,
                       repoll=True)
    figures["rejoined_seconds"] = round(wait_every_ring_full(nodes, addresses), 1)
    print("node-loss drill: %s" % figures)
    assert figures["failed"] == [] and figures["completed"] == 200, figures
    assert figures["killed_frontend_in_rotation_seconds"] <= 5, figures


def test_a_node_that_does_not_come_back_is_put_back_and_stops_the_run(present, nodes, database, addresses, tmp_path):
    """A change that passes every check but keeps the node from serving (its frontend moved to a
    port another process holds): the roll restarts it, it does not come back, so it is put back
    on the files it last served with, serves again, and the run fails naming it, with its
    journal. The other nodes were never restarted."""
    node = nodes[1]
    config = "/etc/temporal/temporal-server.yaml"
    before = node.file(config).content_string
    others = dict((host_name(n), main_pid(n, conftest.SERVICE)) for n in nodes if n is not node)
    node.run_expect([0], "systemd-run --collect --unit=temporalops-port-holder python3 -m http.server 7299 --bind 0.0.0.0")
    try:
        settings = dict(conftest.node_tls_vars(node), temporal_components=["cli", "server"],
                        temporal_server_db_host=container_address(database), temporal_server_frontend_grpc_port=7299,
                        temporal_server_health_timeout=15)
        rc, output = run_playbook(tmp_path, ["temporalops.temporal.temporal"], settings, host=node)
    finally:
        node.run("systemctl stop temporalops-port-holder")
    assert rc != 0, output[-3000:]
    assert "Temporal server on %s did not come back after the restart" % host_name(node) in output, output[-3000:]
    assert "It was put back on the release and configuration it last served with, and serves again." in output
    assert "Its journal:" in output
    assert node.file(config).content_string == before
    assert node.service(conftest.SERVICE).is_running
    assert wait_every_ring_full(nodes, addresses) < 60
    assert dict((host_name(n), main_pid(n, conftest.SERVICE)) for n in nodes if n is not node) == others
