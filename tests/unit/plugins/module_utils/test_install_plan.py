# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.temporalops.temporal.plugins.module_utils.install_plan import links_to_fix, problems, versions_to_prune

ROOT = '/opt/temporal/cli'


def link(target):
    return {'exists': True, 'type': 'link', 'target': target}


def test_links_right_already_are_left_alone():
    host = {'/usr/local/bin/temporal': link(ROOT + '/1.5.1/temporal')}
    assert links_to_fix(host, ROOT + '/1.5.1', '/usr/local/bin', ['temporal']) == []


@pytest.mark.parametrize('found', [
    pytest.param({'exists': False}, id='missing'),
    pytest.param(link(ROOT + '/1.4.1/temporal'), id='older-version'),
    pytest.param(link(ROOT + '/1.5.1/tdbg'), id='another-binary'),
    pytest.param({'exists': True, 'type': 'file'}, id='a-file-not-a-link'),
    pytest.param(None, id='not-read'),
])
def test_links_anywhere_else_are_fixed(found):
    host = {} if found is None else {'/usr/local/bin/temporal': found}
    assert links_to_fix(host, ROOT + '/1.5.1', '/usr/local/bin', ['temporal']) == ['temporal']


def test_a_bin_dir_with_a_trailing_slash_finds_the_links_as_they_were_read():
    host = {'/usr/local/bin//temporal': link(ROOT + '/1.5.1/temporal')}
    assert links_to_fix(host, ROOT + '/1.5.1', '/usr/local/bin/', ['temporal']) == []


def test_only_the_wrong_links_of_several_binaries():
    server = '/opt/temporal/server/1.32.2'
    host = {'/usr/local/bin/temporal-server': link(server + '/temporal-server'),
            '/usr/local/bin/tdbg': link('/opt/temporal/server/1.31.2/tdbg')}
    assert links_to_fix(host, server, '/usr/local/bin', ['temporal-server', 'temporal-sql-tool', 'tdbg']) == [
        'temporal-sql-tool', 'tdbg']


def listed(*names_and_mtimes):
    return [{'name': name, 'path': ROOT + '/' + name, 'mtime': mtime, 'complete': True} for name, mtime in names_and_mtimes]


def test_prune_keeps_the_new_version_and_the_newest_others_up_to_keep():
    versions = listed(('1.3.0', 10), ('1.4.1', 30), ('1.5.1', 40), ('1.4.0', 20))
    assert versions_to_prune(versions, ROOT + '/1.5.1', ROOT, [], 2) == [ROOT + '/1.4.0', ROOT + '/1.3.0']
    assert versions_to_prune(versions, ROOT + '/1.5.1', ROOT, [], 1) == [ROOT + '/1.4.1', ROOT + '/1.4.0', ROOT + '/1.3.0']
    assert versions_to_prune(versions, ROOT + '/1.5.1', ROOT, [], '4') == []


def test_a_version_in_use_is_kept_first_and_never_pruned():
    versions = listed(('1.3.0', 10), ('1.4.0', 20), ('1.4.1', 30), ('1.5.1', 40))
    # 1.3.0 runs now: it takes the place of the newest other.
    assert versions_to_prune(versions, ROOT + '/1.5.1', ROOT, ['1.3.0'], 2) == [ROOT + '/1.4.1', ROOT + '/1.4.0']
    # Beyond keep, still kept.
    assert versions_to_prune(versions, ROOT + '/1.5.1', ROOT, ['1.3.0', ''], 1) == [ROOT + '/1.4.1', ROOT + '/1.4.0']


def test_the_new_version_missing_from_the_listing_check_mode():
    assert versions_to_prune(listed(('1.4.1', 30)), ROOT + '/1.5.1', ROOT, [], 2) == []


def test_keep_below_one_is_refused():
    with pytest.raises(ValueError, match='temporal_install_keep_versions must be at least 1; got 0'):
        versions_to_prune([], ROOT + '/1.5.1', ROOT, [], 0)


ARCHES = {'x86_64': 'amd64', 'aarch64': 'arm64'}
CLI = {'var_prefix': 'temporal_cli', 'version': '1.5.1', 'checksum': ''}


def install_problems(artifact=None, architecture='x86_64', base_url='https://github.com', keep=2):
    return problems(dict(CLI, **(artifact or {})), architecture, ARCHES, base_url, keep, 'web-1')


def test_good_settings_have_no_problem():
    assert install_problems() == []
    assert install_problems({'checksum': 'sha256:' + 'a' * 64, 'version': '1.32.0-rc.1'}, base_url='file:///srv') == []
    # A user's archive (its own url) may name its version freely.
    assert install_problems({'url': 'https://example.org/app/app-3f2a.tar.gz', 'version': '3f2a'}) == []


@pytest.mark.parametrize(('change', 'message'), [
    ({'artifact': {'version': 'v1.5.1'}},
     "temporal_cli_version 'v1.5.1' is not a release version (expected MAJOR.MINOR.PATCH, such as 1.5.1, without a leading 'v')."),
    ({'artifact': {'version': '1.5.1\n'}},
     "temporal_cli_version '1.5.1\n' is not a release version (expected MAJOR.MINOR.PATCH, such as 1.5.1, without a leading 'v')."),
    ({'architecture': 's390x'},
     "Architecture 's390x' of web-1 has no release archive; supported: x86_64, aarch64 (see temporal_install_arch_map)."),
    ({'base_url': 'ftp://mirror'}, "temporal_install_base_url 'ftp://mirror' must start with http://, https:// or file://."),
    ({'artifact': {'url': 'https://example.org/app.rpm', 'version': '1'}},
     "temporal_cli_url 'https://example.org/app.rpm' must be an http://, https:// or file:// URL of a .tar.gz, .tgz or .zip archive."),
    ({'keep': 0}, 'temporal_install_keep_versions must be at least 1 (the version in use); got 0.'),
    ({'keep': 'two'}, 'temporal_install_keep_versions must be at least 1 (the version in use); got two.'),
    ({'artifact': {'checksum': 'md5:abc'}},
     "temporal_cli_checksum 'md5:abc' must be empty (read checksums.txt) or 'sha256:' followed by 64 hex digits."),
], ids=['leading-v', 'trailing-newline', 'architecture', 'base-url', 'archive-url', 'keep-zero', 'keep-not-a-number', 'checksum'])
def test_each_problem_names_its_setting(change, message):
    assert install_problems(**change) == [message]


def test_every_problem_is_told_at_once():
    found = install_problems({'version': 'latest', 'checksum': 'x'}, architecture='s390x', keep=0)
    assert [text.split(' ')[0] for text in found] == [
        'temporal_cli_version', 'Architecture', 'temporal_install_keep_versions', 'temporal_cli_checksum']
