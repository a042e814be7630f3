#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: sql_schema
short_description: Create and upgrade a Temporal SQL schema with temporal-sql-tool
version_added: 0.1.0
description:
  - Brings one Temporal SQL database (the V(temporal) persistence schema or the V(visibility)
    schema) to a schema version with C(temporal-sql-tool), the tool of the Temporal server release.
  - Creates the database when it is missing, sets the schema up on a database that has none
    (C(setup-schema --version 0.0), then C(update-schema)), and updates an older schema. A schema
    already at the target version is left alone.
  - The target is O(version), else the newest version of the schema (the one the tool embeds, or
    the one in O(schema_dir)).
  - A database newer than the target is never touched; the task fails and names both versions.
  - The module reads versions through the tool itself, so the host needs no database driver. The
    tool has no command that prints a version; asked to update to version V(0.0), it reads the
    database's version and refuses to go down to V(0.0), naming it, before it reads a schema file
    or writes anything. Asked for a version above all it has, it lists the versions it has. Both
    calls only read, and are part of RV(commands).
author:
  - temporalops maintainers (@temporalops)
options:
  schema:
    description:
      - Which of Temporal's two SQL schemas the database holds.
      - V(temporal) is the persistence store (C(persistence.datastores.*.sql) of the server
        configuration); V(visibility) is the SQL visibility store.
    type: str
    choices: [temporal, visibility]
    default: temporal
  plugin:
    description:
      - Temporal's SQL plugin for the database, as in the server configuration (C(pluginName)).
      - V(postgres12) and V(postgres12_pgx) use the PostgreSQL 12+ schema, V(mysql8) the MySQL 8 schema.
    type: str
    choices: [postgres12, postgres12_pgx, mysql8]
    default: postgres12
  host:
    description:
      - Host name or IP address of the database server.
    type: str
    default: 127.0.0.1
  port:
    description:
      - Port of the database server.
      - Defaults to V(5432) for the PostgreSQL plugins and V(3306) for V(mysql8). It is always passed
        to the tool, whose own default is MySQL's.
    type: int
  user:
    description:
      - User to connect as. The user needs to create tables in the database, and databases when
        O(create_database=true) and the database is missing.
    type: str
  password:
    description:
      - Password of O(user).
      - Passed to the tool in its environment (E(SQL_PASSWORD)), never on its command line, and
        masked in messages.
      - Falls back to the E(SQL_PASSWORD) environment variable.
    type: str
  database:
    description:
      - Name of the database.
      - Defaults to V(temporal) for O(schema=temporal) and V(temporal_visibility) for
        O(schema=visibility), the names of Temporal's documentation.
    type: str
  create_database:
    description:
      - Create the database when it does not exist (C(temporal-sql-tool create-database)).
      - With V(false), a missing database fails the task.
    type: bool
    default: true
  maintenance_database:
    description:
      - Database to connect to while creating O(database) (the tool's C(--defaultdb)).
      - When unset, the tool tries V(postgres), then V(defaultdb) on PostgreSQL.
    type: str
  version:
    description:
      - Schema version to bring the database to, for example V(1.18).
      - Defaults to the newest version of the schema, which is the one the installed server
        release expects.
      - A database at a newer version makes the task fail; schemas are never downgraded.
      - Quote it in YAML; unquoted, V(1.10) is the number 1.1.
    type: str
  schema_dir:
    description:
      - Versioned schema directory to take the schema from instead of the one embedded in the tool,
        for example V(/opt/temporal/server/1.32.2/schema/postgresql/v12/temporal/versioned).
      - Its parent (the directory holding C(versioned)) is accepted too.
      - Server release archives carry it beside the binaries, under C(schema/). Its versions are
        the subdirectories V(v1.0), V(v1.1), and so on.
    type: path
  connect_attributes:
    description:
      - Extra connection parameters, name to value, as the server configuration's
        C(connectAttributes); for example V(sslmode) or V(search_path) on PostgreSQL.
      - They are passed on the tool's command line; do not put secrets here.
    type: dict
    default: {}
  tls:
    description:
      - Connect with TLS. On PostgreSQL this means C(sslmode=verify-full), or C(sslmode=require)
        with O(tls_disable_host_verification=true).
      - O(tls_cert_file), O(tls_key_file), O(tls_ca_file) and O(tls_server_name) need O(tls=true);
        the tool would ignore them without it, so the task fails instead.
    type: bool
    default: false
  tls_cert_file:
    description:
      - Client certificate (PEM) for TLS client authentication. Needs O(tls_key_file).
    type: path
    aliases: [tls_cert_path]
  tls_key_file:
    description:
      - Private key (PEM) of O(tls_cert_file).
    type: path
    aliases: [tls_key_path]
  tls_ca_file:
    description:
      - CA certificate (PEM) to verify the database server with.
    type: path
    aliases: [tls_ca_path]
  tls_server_name:
    description:
      - Server name to verify the database server's certificate against.
    type: str
  tls_disable_host_verification:
    description:
      - Do not verify the database server's host name. Has no effect without O(tls=true).
    type: bool
    default: false
  command_timeout:
    description:
      - Time limit for each call of the tool that only reads (the schema version, the versions
        available), in seconds or as a duration such as V(30s) or V(10m). V(0) means no limit.
      - A call past the limit is stopped (coreutils C(timeout)) and the task fails.
      - The calls that write (C(create-database), C(setup-schema), C(update-schema)) have no
        limit, since a migration stopped half-way would leave the schema between two versions.
    type: str
    default: 10m
  sql_tool_path:
    description:
      - Path of the C(temporal-sql-tool) binary. By default it is looked up on E(PATH) and in
        C(/usr/local/bin), where the role C(temporalops.temporal.temporal_server) links it.
    type: path
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - Check mode runs only the two reading calls of the tool. On a database without a schema,
        the target version comes from O(version), O(schema_dir), or the schema directory the
        server release ships beside the tool; when none is there, RV(after) is null.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
notes:
  - The module runs C(temporal-sql-tool) on the host it runs on (often the Temporal server host
    with C(delegate_to) or C(run_once)); that host needs to reach the database.
  - Run it for the V(temporal) and the V(visibility) database before the server starts, and
    again before a server upgrade starts the new binaries.
  - A database without a schema version table is treated as empty. Do not point the module at
    a database that holds other tables under the same names.
  - The version is read from the tool's log output, whose wording is the same from Temporal
    server 1.30 to 1.32 at least. A tool that words it differently makes the task fail with
    "unexpected output" rather than guess.
requirements:
  - C(temporal-sql-tool) of the Temporal server release, on the host that runs the module.
  - coreutils C(timeout), unless O(command_timeout=0).
seealso:
  - name: Temporal SQL schema tool
    description: How Temporal documents temporal-sql-tool.
    link: https://github.com/temporalio/temporal/tree/main/tools/sql
'''

EXAMPLES = r'''
- name: Temporal persistence schema on PostgreSQL, created and brought to the release's version
  temporalops.temporal.sql_schema:
    schema: temporal
    host: db.example.com
    user: temporal
    password: "{{ vault_temporal_db_password }}"
  register: temporal_schema

- name: Visibility schema in its own database
  temporalops.temporal.sql_schema:
    schema: visibility
    database: temporal_visibility
    host: db.example.com
    user: temporal
    password: "{{ vault_temporal_db_password }}"

- name: Take the schema from the files of the installed release, with pgx and TLS
  temporalops.temporal.sql_schema:
    schema: temporal
    plugin: postgres12_pgx
    host: db.example.com
    port: 5432
    user: temporal
    password: "{{ vault_temporal_db_password }}"
    schema_dir: /opt/temporal/server/1.32.2/schema/postgresql/v12/temporal/versioned
    tls: true
    tls_ca_file: /etc/temporal/tls/db-ca.pem

- name: Stop at a given version (for a server release that expects it)
  temporalops.temporal.sql_schema:
    schema: temporal
    host: db.example.com
    user: temporal
    password: "{{ vault_temporal_db_password }}"
    version: "1.18"
    create_database: false

- name: Show what happened
  ansible.builtin.debug:
    msg: "temporal schema {{ temporal_schema.before }} -> {{ temporal_schema.after }}"
'''

RETURN = r'''
before:
  description:
    - Schema version of the database before the task; null when the database or its schema did not exist.
  returned: always
  type: str
  sample: "1.18"
after:
  description:
    - Schema version after the task, as read back from the database; in check mode, the version
      the task would reach (null when it cannot be known, see the check mode attribute).
  returned: always
  type: str
  sample: "1.19"
database_created:
  description: Whether the database was (or, in check mode, would be) created.
  returned: always
  type: bool
  sample: false
commands:
  description:
    - Every call of the tool, reads included, as argv lists. They hold no password.
  returned: always
  type: list
  elements: list
  sample:
    - [/usr/local/bin/temporal-sql-tool, --endpoint, db.example.com, --port, "5432", --user, temporal, --database, temporal,
       --plugin, postgres12, update-schema, --schema-name, postgresql/v12/temporal, --version, "0.0"]
diff:
  description: The schema version before and after, in diff mode.
  returned: when diff mode is on
  type: dict
  sample: {"before": {"version": "1.18"}, "after": {"version": "1.19"}}
'''

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.temporalops.temporal.plugins.module_utils.sql_tool import (
    DEFAULT_DATABASES,
    PLUGINS,
    SqlTool,
    normalize_version,
    sql_tool_argument_spec,
    version_key,
    versions_in,
)


def schema_source(module):
    """The tool's flags that name the schema, and the directory to list versions from (None: the embedded one)."""
    p = module.params
    if p['schema_dir']:
        directory = p['schema_dir']
        if os.path.isdir(os.path.join(directory, 'versioned')):
            directory = os.path.join(directory, 'versioned')
        if not os.path.isdir(directory):
            module.fail_json(msg='schema_dir %s is not a directory.' % p['schema_dir'])
        return ['--schema-dir', directory], directory
    return ['--schema-name', embedded_name(module)], None


def embedded_name(module):
    """postgresql/v12/temporal: the tool's name for the schema it embeds."""
    return '%s/%s' % (PLUGINS[module.params['plugin']][0], module.params['schema'])


def release_schema_dir(module, tool):
    """The versioned schema the server release ships beside the tool, if it is there.

    The collection installs a release as /opt/temporal/server/<version>/{temporal-sql-tool,schema/...}
    and links the tool into /usr/local/bin, so the link is followed. The files are the ones
    embedded in the tool of the same release.
    """
    base = os.path.dirname(os.path.realpath(tool.binary))
    for root in (os.path.join(base, 'schema'), os.path.join(os.path.dirname(base), 'schema')):
        directory = os.path.join(root, embedded_name(module), 'versioned')
        if os.path.isdir(directory):
            return directory
    return None


def available_versions(module, tool, source, directory, has_version):
    """Sorted versions the target may be chosen from; None when they cannot be read (yet)."""
    if directory:
        return versions_in(directory)
    if has_version:
        return tool.list_versions(source)
    if module.check_mode:
        # The database has no schema version for the tool to read before it lists; only
        # a prediction needs the list, the real run reads the version it reached.
        release = release_schema_dir(module, tool)
        return versions_in(release) if release else None
    return None


def choose_target(module, requested, before, versions, where):
    if requested:
        if versions is not None and requested not in versions and requested != before:
            module.fail_json(msg='version %s is not in the schema for %s (it has %s).' % (
                requested, where, describe(versions)))
        return requested
    if versions == []:
        module.fail_json(msg='The schema for %s has no versions.' % where)
    return versions[-1] if versions else None


def describe(versions):
    if not versions:
        return 'none'
    if len(versions) > 4:
        return '%s ... %s' % (versions[0], versions[-1])
    return ', '.join(versions)


def main():
    module = AnsibleModule(
        argument_spec=sql_tool_argument_spec(
            schema=dict(type='str', default='temporal', choices=['temporal', 'visibility']),
            create_database=dict(type='bool', default=True),
            maintenance_database=dict(type='str'),
            version=dict(type='str'),
            schema_dir=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    p = module.params
    requested = None
    if p['version'] is not None:
        requested = normalize_version(p['version'])
        if not requested:
            module.fail_json(msg='version %r is not a schema version such as 1.18.' % p['version'])
    database = p['database'] or DEFAULT_DATABASES[p['schema']]
    tool = SqlTool(module, database)
    source, directory = schema_source(module)

    before, missing = tool.read_version(source)
    if missing == 'missing_database' and not p['create_database']:
        tool.fail('The %s does not exist; create it or set create_database=true.' % tool.where,
                  error='missing_database', commands=tool.commands)
    versions = available_versions(module, tool, source, directory, before is not None)
    target = choose_target(module, requested, before, versions, tool.where)
    if before is not None and target is not None and version_key(before) > version_key(target):
        tool.fail('The %s holds schema version %s, newer than the target version %s; temporal-sql-tool does not '
                  'downgrade schemas. Use the server release that matches the database, or set version to %s '
                  'or newer.' % (tool.where, before, target, before),
                  error='downgrade', before=before, target=target, commands=tool.commands)

    changed = before is None or target is None or before != target
    after = target
    if changed and not module.check_mode:
        if missing == 'missing_database':
            tool.run(['create-database'] + (['--defaultdb', p['maintenance_database']] if p['maintenance_database'] else []),
                     writes=True)
        if before is None:
            tool.run(['setup-schema', '--version', '0.0'], writes=True)
        tool.run(['update-schema'] + source + (['--version', requested] if requested else []), writes=True)
        after = tool.read_version(source)[0]
    result = dict(changed=changed, before=before, after=after, database_created=missing == 'missing_database',
                  commands=tool.commands)
    if module._diff:
        # Like state.exit_with_diff, whose own before/after arguments would clash with the results of that name.
        result['diff'] = dict(before=dict(version=before), after=dict(version=after))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
