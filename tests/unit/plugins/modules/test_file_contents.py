# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""file_contents writes real files here, as the user running the tests."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import json
import os
import pwd
import stat

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.temporalops.temporal.plugins.modules import file_contents
from ansible_collections.temporalops.temporal.tests.unit.plugins.modules.run_command_cases import ModuleExit, patch_module

SECRET = 'tops-marker-secret-41c7 $HOME "quoted"\n'
OWNER = pwd.getpwuid(os.geteuid()).pw_name
GROUP = grp.getgrgid(os.getegid()).gr_name


def run(monkeypatch, files, check=False):
    def no_command(module, argv, **kwargs):
        raise AssertionError('unexpected command: %s' % argv)

    patch_module(monkeypatch, no_command)
    with patch_module_args({'files': files, '_ansible_check_mode': check}):
        with pytest.raises(ModuleExit) as exited:
            file_contents.main()
    return exited.value.result


def entry(path, content, mode='0640'):
    return {'path': str(path), 'content': content, 'owner': OWNER, 'group': GROUP, 'mode': mode}


def mode_of(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def listing(directory):
    return dict((name, ((directory / name).read_text(), mode_of(directory / name))) for name in sorted(os.listdir(str(directory))))


def test_only_missing_and_differing_files_are_written_and_none_is_returned(tmp_path, monkeypatch):
    same, other, missing = tmp_path / 'same.env', tmp_path / 'other.env', tmp_path / 'missing.key'
    same.write_text(SECRET)
    os.chmod(str(same), 0o640)
    other.write_text('old\n')
    os.chmod(str(other), 0o640)
    result = run(monkeypatch, [entry(same, SECRET), entry(other, SECRET), entry(missing, SECRET, mode='0600')])
    assert result == {'changed': True, 'written': [str(other), str(missing)], 'failed': False}
    assert other.read_text() == SECRET and missing.read_text() == SECRET
    assert (mode_of(other), mode_of(missing)) == (0o640, 0o600)
    # Nothing of the content, nor a temporary file, is left over.
    assert 'tops-marker' not in json.dumps(result)
    assert sorted(os.listdir(str(tmp_path))) == ['missing.key', 'other.env', 'same.env']


def test_a_second_run_writes_nothing(tmp_path, monkeypatch):
    files = [entry(tmp_path / 'a.env', SECRET), entry(tmp_path / 'b.env', 'plain\n', mode=0o644)]
    assert run(monkeypatch, files)['written'] == [str(tmp_path / 'a.env'), str(tmp_path / 'b.env')]
    assert run(monkeypatch, files) == {'changed': False, 'written': [], 'failed': False}


def test_a_mode_changed_by_hand_is_put_back(tmp_path, monkeypatch):
    path = tmp_path / 'a.key'
    path.write_text(SECRET)
    os.chmod(str(path), 0o644)
    assert run(monkeypatch, [entry(path, SECRET, mode='0600')])['written'] == [str(path)]
    assert mode_of(path) == 0o600 and path.read_text() == SECRET


def test_check_mode_names_what_it_would_write_and_writes_nothing(tmp_path, monkeypatch):
    (tmp_path / 'a.env').write_text('old\n')
    before = listing(tmp_path)
    result = run(monkeypatch, [entry(tmp_path / 'a.env', SECRET), entry(tmp_path / 'b.env', SECRET)], check=True)
    assert result['changed'] and result['written'] == [str(tmp_path / 'a.env'), str(tmp_path / 'b.env')]
    assert listing(tmp_path) == before


def test_every_problem_is_named_and_nothing_is_written(tmp_path, monkeypatch):
    kept = tmp_path / 'kept.env'
    kept.write_text('old\n')
    before = listing(tmp_path)
    files = [entry(kept, SECRET),
             entry('relative.env', SECRET),
             entry(tmp_path / 'nowhere' / 'a.env', SECRET),
             dict(entry(tmp_path / 'b.env', SECRET), owner='tops-no-such-user'),
             dict(entry(tmp_path / 'c.env', SECRET), group='tops-no-such-group'),
             entry(tmp_path / 'd.env', SECRET, mode='0948'),
             entry(tmp_path, SECRET),
             entry(kept, 'again\n')]
    result = run(monkeypatch, files)
    assert result['failed'] and result['written'] == []
    for expected in ('relative.env: the path must be absolute.',
                     '%s: its directory %s does not exist.' % (tmp_path / 'nowhere' / 'a.env', tmp_path / 'nowhere'),
                     'b.env: no user tops-no-such-user on this host.',
                     'c.env: no group tops-no-such-group on this host.',
                     'd.env: mode 0948 is not an octal mode.',
                     '%s: is a directory.' % tmp_path,
                     '%s: named twice.' % kept):
        assert expected in result['msg'], (expected, result['msg'])
    assert result['msg'].startswith('Nothing was written.') and 'tops-marker' not in result['msg']
    assert listing(tmp_path) == before


def test_check_mode_counts_a_missing_directory_owner_or_group_as_to_write(tmp_path, monkeypatch):
    """A preview of a run that first creates the directory and the accounts (a new host, or one
    the role removed workers from): nothing refused, each such file to write, nothing written.
    The same files outside check mode are refused."""
    existing = tmp_path / 'a.env'
    existing.write_text(SECRET)
    os.chmod(str(existing), 0o640)
    files = [entry(tmp_path / 'new' / 'a.env', SECRET),
             dict(entry(existing, SECRET), group='tops-no-such-group'),
             dict(entry(tmp_path / 'b.env', SECRET), owner='tops-no-such-user')]
    before = listing(tmp_path)
    result = run(monkeypatch, files, check=True)
    assert result == {'changed': True, 'written': [f['path'] for f in files], 'failed': False}
    assert listing(tmp_path) == before
    refused = run(monkeypatch, files)
    assert refused['failed'] and refused['written'] == [] and listing(tmp_path) == before
    for expected in ('its directory %s does not exist.' % (tmp_path / 'new'), 'no group tops-no-such-group', 'no user tops-no-such-user'):
        assert expected in refused['msg'], refused['msg']
