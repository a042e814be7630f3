# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""host_info reads real files here; systemctl and dpkg-query are mocked."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.temporalops.temporal.plugins.module_utils import systemd_show
from ansible_collections.temporalops.temporal.plugins.modules import host_info
from ansible_collections.temporalops.temporal.tests.unit.plugins.modules.run_command_cases import ModuleExit, patch_module

SHOW = '/bin/systemctl show --timestamp=unix --property=%s --' % ','.join(systemd_show.UNIT_PROPERTIES)


def run(monkeypatch, args, commands=None):
    """Run the module with ARGS; COMMANDS maps the start of an argv (joined) to (rc, out, err)."""
    seen = []

    def run_command(module, argv, **kwargs):
        seen.append(argv)
        line = ' '.join(argv)
        for start, answer in (commands or {}).items():
            if line.startswith(start):
                return answer
        raise AssertionError('unexpected command: %s' % line)

    patch_module(monkeypatch, run_command)
    with patch_module_args(dict(args, _ansible_check_mode=True)):
        with pytest.raises(ModuleExit) as exited:
            host_info.main()
    return exited.value.result, seen


def test_paths_are_described_without_following_links(tmp_path, monkeypatch):
    target = tmp_path / 'temporal'
    target.write_text('binary')
    os.chmod(str(target), 0o750)
    link = tmp_path / 'link'
    link.symlink_to(target)
    missing = tmp_path / 'missing' / 'below'
    result, seen = run(monkeypatch, {'paths': [str(link), str(tmp_path), str(missing)], 'checksums': [str(target), str(link)]})
    paths = result['paths']
    assert paths[str(target)]['type'] == 'file' and paths[str(target)]['mode'] == '0750'
    assert paths[str(target)]['checksum'] == hashlib.sha1(b'binary').hexdigest()
    assert paths[str(link)] == dict(paths[str(link)], type='link', target=str(target))
    assert 'checksum' not in paths[str(link)]
    assert paths[str(tmp_path)]['type'] == 'directory'
    assert paths[str(missing)] == {'exists': False}
    assert not result['changed'] and not result['failed'] and seen == []


def test_only_the_files_named_in_checksums_are_digested(tmp_path, monkeypatch):
    big, small = tmp_path / 'big', tmp_path / 'small'
    big.write_text('x')
    small.write_text('y')
    paths = run(monkeypatch, {'paths': [str(big)], 'checksums': [str(small)]})[0]['paths']
    assert 'checksum' not in paths[str(big)] and paths[str(big)]['type'] == 'file'
    assert paths[str(small)]['checksum'] == hashlib.sha1(b'y').hexdigest()


def test_paths_are_keyed_as_given(tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path))
    result = run(monkeypatch, {'paths': ['~/x', str(tmp_path) + '//x']})[0]
    assert sorted(result['paths']) == sorted(['~/x', str(tmp_path) + '//x'])


def test_read_returns_the_text_of_files_that_exist(tmp_path, monkeypatch):
    unit = tmp_path / 'temporal-server.service'
    unit.write_text('[Service]\nExecStart=/opt/temporal/server/1.31.2/temporal-server start\n')
    result = run(monkeypatch, {'read': [str(unit), str(tmp_path / 'none.service')]})[0]
    assert result['contents'] == {str(unit): unit.read_text()}


def test_read_refuses_a_directory(tmp_path, monkeypatch):
    result = run(monkeypatch, {'read': [str(tmp_path)]})[0]
    assert result['failed'] and result['msg'] == 'host_info reads regular files only; %s is not one.' % tmp_path


def test_read_refuses_a_large_file(tmp_path, monkeypatch):
    big = tmp_path / 'big.log'
    big.write_bytes(b'x' * (host_info.MAX_READ + 1))
    result = run(monkeypatch, {'read': [str(big)]})[0]
    assert result['failed'] and 'at most 65536 bytes; %s has 65537' % big in result['msg']


def test_versions_lists_release_directories_newest_first_with_their_marker(tmp_path, monkeypatch):
    root = tmp_path / 'server'
    for name, mtime, complete in [('1.30.9', 100, True), ('1.31.2', 300, True), ('1.32.2-rc.1', 200, False)]:
        (root / name).mkdir(parents=True)
        if complete:
            (root / name / '.temporalops-installed').write_text('sha')
        os.utime(str(root / name), (mtime, mtime))
    (root / 'current').symlink_to(root / '1.31.2')
    (root / 'notes').mkdir()
    # A user's archive version (install flow: own URL) that is no semantic version is listed too.
    (root / '2.0.0rc1').mkdir()
    os.utime(str(root / '2.0.0rc1'), (50, 50))
    (root / '1.29.0').write_text('a file, not a release directory')
    result = run(monkeypatch, {'versions': [str(root), str(tmp_path / 'absent')]})[0]
    listed = result['versions'][str(root)]
    assert [(v['name'], v['complete']) for v in listed] == [
        ('1.31.2', True), ('1.32.2-rc.1', False), ('1.30.9', True), ('2.0.0rc1', False)]
    assert listed[0]['path'] == str(root / '1.31.2') and listed[0]['mtime'] == 300
    assert result['versions'][str(tmp_path / 'absent')] == []


SHOWN = (
    'Id=temporal-server.service\nLoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled\n'
    'FragmentPath=/etc/systemd/system/temporal-server.service\nMainPID=%d\nNRestarts=2\n'
    'ActiveEnterTimestamp=@1733400000\nExecMainStartTimestamp=@1733399990\nExecMainStartTimestampMonotonic=81234567\n'
    'ExecStart={ path=/opt/temporal/server/1.32.2/temporal-server ; argv[]=/opt/temporal/server/1.32.2/temporal-server start ; '
    'ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }\n'
    'DropInPaths=/etc/systemd/system/temporal-server.service.d/a.conf /run/systemd/system/temporal-server.service.d/b.conf\n'
    '\n'
    'Id=temporal-ui.service\nLoadState=not-found\nActiveState=inactive\nSubState=dead\nUnitFileState=\n'
    'FragmentPath=\nMainPID=0\nNRestarts=0\nActiveEnterTimestamp=\nExecMainStartTimestamp=\n'
)


def test_units_are_read_in_one_systemctl_call_with_the_binary_each_runs(monkeypatch):
    pid = os.getpid()
    result, seen = run(monkeypatch, {'units': ['temporal-server.service', 'temporal-ui.service']},
                       {SHOW: (0, SHOWN % pid, '')})
    assert seen == [SHOW.split() + ['temporal-server.service', 'temporal-ui.service']]
    server, ui = result['units']['temporal-server.service'], result['units']['temporal-ui.service']
    assert server == {'exists': True, 'load_state': 'loaded', 'active_state': 'active', 'sub_state': 'running',
                      'unit_file_state': 'enabled', 'fragment_path': '/etc/systemd/system/temporal-server.service',
                      'main_pid': pid, 'restarts': 2, 'active_since': 1733400000, 'main_started': 1733399990,
                      'main_started_monotonic': 81234567,
                      'exe': os.readlink('/proc/%d/exe' % pid),
                      'exec_start': server['exec_start'],
                      'drop_in_paths': ['/etc/systemd/system/temporal-server.service.d/a.conf',
                                        '/run/systemd/system/temporal-server.service.d/b.conf']}
    assert 'argv[]=/opt/temporal/server/1.32.2/temporal-server start' in server['exec_start']
    assert ui['drop_in_paths'] == [] and ui['exec_start'] == ''
    assert ui['exists'] is False and ui['main_pid'] == 0 and ui['exe'] == '' and ui['active_since'] == 0


def test_a_failing_systemctl_fails_the_module(monkeypatch):
    result = run(monkeypatch, {'units': ['temporal-server.service']}, {SHOW: (1, '', 'Failed to connect to bus')})[0]
    assert result['failed'] and result['msg'] == 'systemctl show failed: Failed to connect to bus'


def test_a_short_systemctl_answer_is_not_taken_for_the_units_asked(monkeypatch):
    result = run(monkeypatch, {'units': ['a.service', 'b.service']}, {SHOW: (0, SHOWN.split('\n\n')[1], '')})[0]
    assert result['failed'] and result['msg'] == 'systemctl show described 1 units of the 2 asked for.'


def test_users_and_groups(monkeypatch):
    result = run(monkeypatch, {'users': ['root', 'no-such-user-here'], 'groups': ['root', 'no-such-group-here']})[0]
    assert result['users']['root'] == {'exists': True, 'uid': 0, 'gid': 0, 'home': result['users']['root']['home'],
                                       'shell': result['users']['root']['shell']}
    assert result['users']['no-such-user-here'] == {'exists': False}
    assert result['groups'] == {'root': {'exists': True, 'gid': 0}, 'no-such-group-here': {'exists': False}}


DPKG = "/bin/dpkg-query --show --showformat=${Package}|${db:Status-Abbrev}\n"


def test_packages_installed_or_not_in_one_call(monkeypatch):
    out = 'postgresql|ii \nhaproxy|rc \nlibc6:amd64|ii \n'
    result, seen = run(monkeypatch, {'packages': ['postgresql', 'haproxy', 'libc6', 'nginx']},
                       {DPKG: (1, out, 'dpkg-query: no packages found matching nginx')})
    assert result['packages'] == {'postgresql': True, 'haproxy': False, 'libc6': True, 'nginx': False}
    assert len(seen) == 1


def test_a_failing_dpkg_query_fails_the_module(monkeypatch):
    result = run(monkeypatch, {'packages': ['postgresql']}, {DPKG: (2, '', 'dpkg-query: error: database locked')})[0]
    assert result['failed'] and result['msg'] == 'dpkg-query failed: dpkg-query: error: database locked'


def test_nothing_asked_runs_nothing(monkeypatch):
    result, seen = run(monkeypatch, {})
    assert seen == [] and result['units'] == {} and result['packages'] == {} and result['paths'] == {}
