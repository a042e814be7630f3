# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write only the difference: a path is left alone only when host_info found it exactly as wanted."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.temporalops.temporal.plugins.filter.host import FilterModule
from ansible_collections.temporalops.temporal.plugins.module_utils import host_files
from ansible_collections.temporalops.temporal.plugins.module_utils.host_files import to_write, users_to_write

FILE = {'exists': True, 'type': 'file', 'mode': '0640', 'owner': 'root', 'group': 'temporal', 'checksum': 'a' * 40}
DIRECTORY = {'exists': True, 'type': 'directory', 'mode': '0750', 'owner': 'root', 'group': 'temporal'}
WANT_FILE = {'path': '/etc/t/c.yaml', 'checksum': 'a' * 40, 'owner': 'root', 'group': 'temporal', 'mode': '0640'}
WANT_DIRECTORY = {'path': '/etc/t', 'state': 'directory', 'owner': 'root', 'group': 'temporal', 'mode': '0750'}


def test_what_matches_is_left_alone():
    described = {'/etc/t/c.yaml': FILE, '/etc/t': DIRECTORY, '/etc/gone': {'exists': False}}
    wanted = [WANT_FILE, WANT_DIRECTORY, {'path': '/etc/gone', 'state': 'absent'}]
    assert to_write(described, wanted) == []


@pytest.mark.parametrize('change', [
    {'checksum': 'b' * 40}, {'owner': 'temporal'}, {'group': 'root'}, {'mode': '0644'}, {'type': 'link'},
    {'exists': False},
])
def test_a_file_that_differs_in_anything_is_written(change):
    assert to_write({'/etc/t/c.yaml': dict(FILE, **change)}, [WANT_FILE]) == ['/etc/t/c.yaml']


def test_a_file_read_without_checksum_is_written():
    found = dict(FILE)
    del found['checksum']
    assert to_write({'/etc/t/c.yaml': found}, [WANT_FILE]) == ['/etc/t/c.yaml']


@pytest.mark.parametrize('change', [{'mode': '0755'}, {'owner': 'temporal'}, {'type': 'file'}, {'exists': False}])
def test_a_directory_that_differs_is_written(change):
    assert to_write({'/etc/t': dict(DIRECTORY, **change)}, [WANT_DIRECTORY]) == ['/etc/t']


def test_what_was_not_described_counts_as_differing():
    assert to_write({}, [WANT_FILE, WANT_DIRECTORY]) == ['/etc/t/c.yaml', '/etc/t']
    assert to_write(None, [WANT_FILE]) == ['/etc/t/c.yaml']


def test_an_absent_path_that_exists_is_removed():
    assert to_write({'/etc/x': FILE}, [{'path': '/etc/x', 'state': 'absent'}]) == ['/etc/x']


def test_keys_left_out_are_not_compared_and_modes_compare_as_numbers():
    found = dict(FILE, mode='0640')
    assert to_write({'/f': found}, [{'path': '/f', 'mode': '640'}, {'path': '/f', 'mode': 0o640}, {'path': '/f'}]) == []
    assert to_write({'/f': found}, [{'path': '/f', 'mode': '0600'}, {'path': '/g'}]) == ['/f', '/g']


def test_the_order_given_is_kept():
    wanted = [{'path': '/b'}, {'path': '/a'}, {'path': '/c', 'state': 'absent'}]
    assert to_write({'/c': FILE}, wanted) == ['/b', '/a', '/c']


def test_an_unknown_state_is_refused_naming_the_path():
    with pytest.raises(ValueError, match=r"^/f: state must be one of file, directory, absent, not 'link'$"):
        to_write({}, [{'path': '/f', 'state': 'link'}])
    with pytest.raises(AnsibleFilterError, match="state must be one of"):
        FilterModule().filters()['host_files_to_write']({}, [{'path': '/f', 'state': 'link'}])


def test_paths_name_several_alike():
    described = {'/etc/t': DIRECTORY, '/etc/u': dict(DIRECTORY, mode='0755')}
    wanted = [{'paths': ['/etc/t', '/etc/u', '/etc/v'], 'state': 'directory', 'owner': 'root', 'group': 'temporal', 'mode': '0750'}]
    assert to_write(described, wanted) == ['/etc/u', '/etc/v']


ACCOUNTS = {
    'users': {'temporal': {'exists': True, 'uid': 999, 'gid': 998, 'home': '/var/lib/temporal', 'shell': '/usr/sbin/nologin'},
              'gone': {'exists': False}},
    'groups': {'temporal': {'exists': True, 'gid': 998}, 'other': {'exists': True, 'gid': 5}, 'none': {'exists': False}},
}
WANT_USER = {'user': 'temporal', 'group': 'temporal', 'name': 'ignored'}
SHELL, HOME = '/usr/sbin/nologin', '/var/lib/temporal'


def test_a_user_as_wanted_is_left_alone():
    assert users_to_write(ACCOUNTS, [WANT_USER], shell=SHELL, home=HOME) == []
    assert users_to_write(ACCOUNTS, [WANT_USER]) == []


@pytest.mark.parametrize('change', [{'group': 'other'}, {'group': 'none'}, {'group': 'unread'}, {'user': 'gone'}, {'user': 'unread'}])
def test_a_user_that_differs_is_written(change):
    wanted = dict(WANT_USER, **change)
    assert users_to_write(ACCOUNTS, [wanted], shell=SHELL, home=HOME) == [wanted['user']]


@pytest.mark.parametrize('given', [{'shell': '/bin/sh'}, {'home': '/home/temporal'}])
def test_another_shell_or_home_is_written(given):
    assert users_to_write(ACCOUNTS, [WANT_USER], **dict({'shell': SHELL, 'home': HOME}, **given)) == ['temporal']


def test_each_user_is_named_once():
    assert users_to_write({}, [WANT_USER, WANT_USER]) == ['temporal']
    assert users_to_write(None, [WANT_USER]) == ['temporal']
    assert FilterModule().filters()['host_users_to_write'](ACCOUNTS, [WANT_USER], shell='/bin/sh') == ['temporal']


PROFILE, RECORD = "/root/.config/temporalio/temporal.toml", "/etc/temporal/cli-profile.sha1"


def host(profile=None, record=None):
    """A host_info result holding the profile (its checksum) and the record (its text), each when given."""
    return {"paths": {PROFILE: {"exists": True, "type": "file", "checksum": profile}} if profile else {PROFILE: {"exists": False}},
            "contents": {RECORD: record} if record is not None else {}}


@pytest.mark.parametrize(("described", "ours"), [
    (host(), True),                       # absent: the role's to write
    (host("abc", "abc\n"), True),        # what the role wrote, by its record
    (host("abc", "def\n"), False),       # edited since
    (host("abc"), False),                 # someone else's, never recorded
    ({}, True),                           # nothing read (check mode on a bare host)
])
def test_a_recorded_file_is_ours_when_absent_or_as_recorded(described, ours):
    assert host_files.recorded_is_ours(described, PROFILE, RECORD) is ours


def test_a_recorded_file_comes_with_its_directory_and_record_or_goes_with_its_record():
    record_checksum = hashlib.sha1(b"abc\n").hexdigest()
    wanted = host_files.recorded_entries(host(), PROFILE, RECORD, "abc", True)
    assert wanted == [
        {"path": "/root/.config/temporalio", "state": "directory", "owner": "root", "group": "root", "mode": "0700"},
        {"path": PROFILE, "state": "file", "checksum": "abc", "owner": "root", "group": "root", "mode": "0600"},
        {"path": RECORD, "state": "file", "checksum": record_checksum, "owner": "root", "group": "root", "mode": "0600"}]
    assert [item["state"] for item in host_files.recorded_entries(host("abc", "abc"), PROFILE, RECORD, "abc", False)] == ["absent", "absent"]
    # Someone else's file is left alone, whatever is wanted.
    assert host_files.recorded_entries(host("zzz", "abc"), PROFILE, RECORD, "abc", True) == []
    assert host_files.recorded_entries(host("zzz", "abc"), PROFILE, RECORD, "abc", False) == []
