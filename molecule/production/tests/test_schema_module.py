"""The sql_schema module against the real databases, from the server host: check mode and a
re-apply change nothing on current schemas, a downgrade is refused naming both versions.
(The converge created the schemas from empty databases with the same module.)"""

import json
import os
import subprocess

import pytest

import conftest
from conftest import DATABASE_HOSTS, NODE_TLS_DIR, SECRET, SERVER_DIR, container_address

testinfra_hosts = conftest.testinfra_hosts


def run_module(present, database_address, args, check=False):
    # The database takes TLS only, verified with the CA site.yml gave the node.
    module_args = dict(args, host=database_address, user="temporal", password=SECRET,
                       sql_tool_path="%s/temporal-sql-tool" % SERVER_DIR, tls=True, tls_ca_file=NODE_TLS_DIR + "/db-ca.pem")
    cmd = ["ansible", conftest.host_name(present), "-i", conftest.INVENTORY, "-b", "-m",
           "temporalops.temporal.sql_schema", "-a", json.dumps(module_args)] + (["--check"] if check else [])
    run = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=300,
                         env=dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_LOAD_CALLBACK_PLUGINS="1",
                                  ANSIBLE_STDOUT_CALLBACK="json"))
    assert SECRET not in run.stdout + run.stderr
    result = json.loads(run.stdout)["plays"][0]["tasks"][0]["hosts"][conftest.host_name(present)]
    return run.returncode, result


@pytest.fixture(scope="module")
def database_address():
    import testinfra
    return container_address(testinfra.get_host("ansible://%s?ansible_inventory=%s" % (DATABASE_HOSTS[0], conftest.INVENTORY)))


@pytest.mark.parametrize("schema,database", [("temporal", "temporal"), ("visibility", "temporal_visibility")])
@pytest.mark.parametrize("check", [True, False], ids=["check", "apply"])
def test_current_schema_is_no_change(present, database_address, schema, database, check):
    rc, result = run_module(present, database_address, {"schema": schema, "database": database}, check=check)
    assert rc == 0, result
    assert not result["changed"], result
    assert result["before"] == result["after"] and result["before"], result


def test_downgrade_is_refused_naming_both_versions(present, database_address):
    rc, result = run_module(present, database_address, {"schema": "temporal", "database": "temporal", "version": "1.0"})
    assert rc != 0 and result.get("failed"), result
    assert "1.0" in result["msg"] and result["before"] in result["msg"], result
