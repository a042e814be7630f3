# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the temporal_server role works out before it changes anything: the units of a host, their
ExecStart, the releases of an upgrade walk, the schema versions a release carries and the schema
changes of a walk, and the config keys the server ignored. Plain data in, plain data out, so the
role's filters (plugins/filter/server.py) and the unit tests share one implementation."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from collections.abc import Mapping

# The release in a unit's ExecStart: /opt/temporal/server/<release>/temporal-server.
_LIVE_RELEASE = re.compile(r'/([0-9]+[.][0-9]+[.][0-9]+[^/\s"]*)/temporal-server')
# A directory of a store's schema versions, in an install tree or an archive listing.
_SCHEMA_DIR = re.compile(r'^schema/postgresql/v12/(temporal|visibility)/versioned/v([0-9]+[.][0-9]+)(/|$)')
# What Ansible's `version` test (loose mode) splits a version into: numbers, lowercase words, the rest.
_LOOSE_PART = re.compile(r'(\d+ | [a-z]+ | \.)', re.VERBOSE)
_BOOL_TRUE = ('yes', 'on', 'true', '1')
_BOOL_FALSE = ('no', 'off', 'false', '0', '')


def loose_version(value):
    """The parts Ansible's `version` test compares in its default (loose) mode: '1.31.2-rc.1' is
    [1, 31, 2, '-', 'rc', 1], so a pre-release sorts after its release, as it does in the role."""
    text = '%s' % (value,)
    if not text:
        raise ValueError('Input version value cannot be empty')
    parts = []
    for part in _LOOSE_PART.split(text):
        if part and part != '.':
            try:
                parts.append(int(part))
            except ValueError:
                parts.append(part)
    return parts


def version_compare(value, other):
    """-1, 0 or 1 as VALUE is below, equal to or above OTHER, compared like `value is version(other, op)`;
    ValueError where that test fails (a number against a word in the same place)."""
    left, right = loose_version(value), loose_version(other)
    try:
        return (left > right) - (left < right)
    except TypeError as error:
        raise ValueError('Version comparison failed: %s' % error)


def to_int(value):
    """A setting that may come from -e as a string, as Jinja's `int` filter reads it (0 when not a number)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError, OverflowError):
            return 0


def to_bool(value):
    """A yes/no setting that may come from -e as a string ('false' must not count as true)."""
    if isinstance(value, bool) or value is None:
        return bool(value)
    if isinstance(value, (int, float)):
        return value != 0
    text = ('%s' % (value,)).strip().lower()
    if text in _BOOL_TRUE:
        return True
    if text in _BOOL_FALSE:
        return False
    raise ValueError('%r is not a boolean (use true or false)' % (value,))


def get_default(value, key, default=None):
    """value[key] as Jinja reads `value[key] | default(DEFAULT)`: DEFAULT when VALUE is no mapping or
    has no such key (a stored None stays None)."""
    try:
        return value[key] if isinstance(value, Mapping) and key in value else default
    except TypeError:  # a key that cannot be one (a list or a mapping)
        return default


def _minor(version):
    """[major, minor] of '1.31.2' as Jinja's `int` reads each part, for the one-minor-at-a-time rule."""
    return [to_int(part) for part in ('%s' % (version,)).split('.')[:2]]


def units(services, unit_per_service, service_name, config_dir, metrics_port, metrics_split_ports):
    """The units of this host: one running every service, or one per service. Each has its own config
    file, since they differ in the metrics listener and the log file."""
    metrics_on = to_int(metrics_port) != 0
    if to_bool(unit_per_service):
        listed = []
        for service in services:
            name = '%s-%s' % (service_name, service)
            listed.append({'name': name, 'services': [service],
                           'metrics_port': to_int(metrics_split_ports.get(service, 0)) if metrics_on else 0,
                           'config': '%s/%s.yaml' % (config_dir, name)})
        return listed
    return [{'name': service_name, 'services': list(services), 'metrics_port': to_int(metrics_port),
             'config': '%s/%s.yaml' % (config_dir, service_name)}]


def exec_start(unit, binary_path, allow_no_auth):
    """ExecStart of UNIT, one item per argument. --config-file and --allow-no-auth are global flags:
    they come before `start`."""
    args = [binary_path, '--config-file', unit['config']]
    if to_bool(allow_no_auth):
        args.append('--allow-no-auth')
    args.append('start')
    for service in unit['services']:
        args.extend(['--service', service])
    return ['%s' % (arg,) for arg in args]


def live_release(unit_text):
    """The release a unit file runs (its ExecStart's versioned path), '' without a unit."""
    match = _LIVE_RELEASE.search(unit_text or '')
    return match.group(1) if match else ''


def upgrade_plan(unit_text, version, upgrade_path, target_step):
    """The releases this run goes through: {live, steps, refusal}.

    live is the release the units run now ('' on a host without them); steps are the releases of
    UPGRADE_PATH above the live one and below VERSION, then TARGET_STEP; refusal says why the walk
    is not allowed ('' when it is). Temporal goes up one minor version at a time (patches may be
    skipped); going back is a rollback to at most one minor version below the live release."""
    live = live_release(unit_text)
    target = '%s' % (version,)
    steps = []
    refusal = ''
    gaps = []
    if live and version_compare(target, live) > 0:
        for item in upgrade_path:
            step = item if isinstance(item, Mapping) else {'version': item}
            release = '%s' % (step['version'],)
            if version_compare(release, live) > 0 and version_compare(release, target) < 0:
                steps.append({'version': release, 'checksum': step.get('checksum', ''),
                              'archive_path': step.get('archive_path', '')})
    steps.append(dict(target_step))
    if live:
        previous = live
        for step in steps:
            old, new = _minor(previous), _minor(step['version'])
            if previous != live and version_compare(step['version'], previous) <= 0:
                refusal = ('temporal_server_upgrade_path goes from %s to %s: list its releases oldest first, once; nothing was changed.'
                           % (previous, step['version']))
            elif new[0] != old[0]:
                refusal = ('Temporal supports no upgrade from %s to %s (another major version); nothing was changed.'
                           % (previous, step['version']))
            elif new[1] > old[1] + 1:
                gaps.extend('%s.%s' % (old[0], minor) for minor in range(old[1] + 1, new[1]))
            previous = step['version']
        back, now = _minor(target), _minor(live)
        # A step's own problem (order, major version) is named before the gaps and the rollback.
        if not refusal and gaps:
            refusal = ('temporal_server_version %s is more than one minor version ahead of %s, the release the units run now.'
                       ' Temporal upgrades one minor version at a time, schema first: pass through %s by adding a release of %s'
                       ' to temporal_server_upgrade_path, oldest first (for example temporal_server_upgrade_path: [%s]).'
                       ' Nothing was changed.'
                       % (target, live, ', '.join(gaps), 'each' if len(gaps) > 1 else 'it',
                          ', '.join(gap + '.<patch>' for gap in gaps)))
        elif not refusal and back[0] == now[0] and back[1] < now[1] - 1:
            refusal = ('temporal_server_version %s is more than one minor version below %s, the release the units run now:'
                       ' a rollback goes back one minor version at most (to %s.%s.x), and only while the database schema is'
                       ' one that release supports. Nothing was changed.' % (target, live, now[0], now[1] - 1))
    return {'live': live, 'steps': steps, 'refusal': refusal}


def schema_newest(paths):
    """The newest version of each store among schema paths such as
    schema/postgresql/v12/temporal/versioned/v1.19/...: {temporal, visibility}, None for a store
    without versions. Compared as versions: v1.19 is newer than v1.9."""
    newest = {'temporal': None, 'visibility': None}
    for path in paths:
        match = _SCHEMA_DIR.search('%s' % (path,))
        if match:
            store, version = match.group(1), match.group(2)
            if newest[store] is None or version_compare(version, newest[store]) > 0:
                newest[store] = version
    return newest


def schema_plan(plan, schema_now, schema_carried, schema_stores):
    """The schema change of each step of PLAN (upgrade_plan's result): {steps: [one line each], refusal}.

    SCHEMA_NOW are the results of reading the database's versions with the running release (each
    {item: {schema}, before}); SCHEMA_CARRIED maps each release of the walk to schema_newest of it;
    SCHEMA_STORES are the stores ({schema, host, port, database}). Schemas are never downgraded, so
    a step older than the database's schema is refused."""
    now = {}
    for result in schema_now:
        now[result['item']['schema']] = get_default(result, 'before')
    lines = []
    refusal = ''
    previous = plan['live']
    for index, step in enumerate(plan['steps'], 1):
        carried = get_default(schema_carried, step['version'], {})
        changes = []
        for store in schema_stores:
            schema = store['schema']
            old, new = get_default(now, schema), get_default(carried, schema)
            if old is None or new is None:
                changes.append('%s schema unknown (%s)' % (
                    schema, 'database unread' if old is None else 'release not readable before it is unpacked'))
            elif version_compare(new, old) > 0:
                changes.append('%s schema %s -> %s' % (schema, old, new))
                now[schema] = new
            elif version_compare(new, old) < 0:
                changes.append('%s schema %s is newer than %s' % (schema, old, new))
                if not refusal:
                    refusal = ('Temporal server %s expects the %s schema at version %s, but %s (%s:%s) holds %s, written for %s.'
                               ' Schemas are never downgraded, so the server cannot go back to %s: roll back only to a release'
                               ' with the same schema. Nothing was changed.'
                               % (step['version'], schema, new, store['database'], store['host'], store['port'], old,
                                  plan['live'], step['version']))
            else:
                changes.append('%s schema stays %s' % (schema, old))
        lines.append('step %d: %s -> %s: %s, then one restart on %s' % (index, previous, step['version'], ', '.join(changes),
                                                                        step['version']))
        previous = step['version']
    return {'steps': lines, 'refusal': refusal}


def unknown_keys(candidate, loaded):
    """Paths of the keys of CANDIDATE (the config the role wrote) missing from LOADED (the config
    `temporal-server render-config` printed after loading it): keys the server does not know and
    ignores. Values that are not mappings in LOADED (free-form maps of a custom store) are not
    descended into."""
    found = []
    _walk(candidate, loaded, '', found)
    return found


def _walk(candidate, loaded, path, found):
    """unknown_keys below PATH, depth first in the order of CANDIDATE."""
    for key, value in candidate.items():
        here = '%s%s%s' % (path, '.' if path else '', key)
        if not isinstance(loaded, Mapping) or key not in loaded:
            found.append(here)
        elif isinstance(value, Mapping) and isinstance(loaded[key], Mapping):
            _walk(value, loaded[key], here, found)
