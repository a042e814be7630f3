# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import os
import stat

import pytest

from ansible_collections.temporalops.temporal.plugins.module_utils import tls_ca, tls_certs

NOW = datetime.datetime(2026, 12, 6, 12, 0, tzinfo=datetime.timezone.utc)
LABELS = {'ca': 'temporal_server_tls_ca (node2)', 'cert': 'temporal_server_tls_cert (node2)', 'key': 'temporal_server_tls_key (node2)'}


@pytest.fixture(scope='module')
def ca():
    cert, key = tls_certs.new_ca('test CA', 3650, NOW)
    return {'cert': cert, 'key': key}


@pytest.fixture(scope='module')
def node(ca):
    key = tls_certs.new_key()
    return {'key': key, 'cert': tls_certs.issue(ca['cert'], ca['key'], key, 'node2', ['node2.example', '10.0.0.12'], 'node', 365, NOW)}


def test_a_certificate_its_key_and_its_ca_pass(ca, node):
    assert tls_certs.problems(LABELS, ca['cert'], node['cert'], node['key'], ['node2.example', '10.0.0.12'], NOW) == []


def test_an_expired_certificate_is_named_with_its_date(ca, node):
    later = NOW + datetime.timedelta(days=400)
    found = tls_certs.problems(LABELS, ca['cert'], node['cert'], node['key'], [], later)
    assert found == ['temporal_server_tls_cert (node2): the certificate expired on 2027-12-06 12:00 UTC']


def test_a_certificate_not_valid_yet_is_refused(ca, node):
    earlier = NOW - datetime.timedelta(days=1)
    found = tls_certs.problems(LABELS, ca['cert'], node['cert'], node['key'], [], earlier)
    assert any(message.startswith('temporal_server_tls_cert (node2): the certificate is not valid yet: from 2026-12-06 11:00 UTC')
               for message in found), found


def test_a_key_of_another_pair_is_refused(ca, node):
    found = tls_certs.problems(LABELS, ca['cert'], node['cert'], tls_certs.new_key(), [], NOW)
    assert found == ['temporal_server_tls_key (node2): the key does not match the certificate of temporal_server_tls_cert (node2) '
                     '(another key pair)']


def test_a_certificate_of_another_ca_is_refused(ca, node):
    other = tls_certs.new_ca('other CA', 3650, NOW)[0]
    found = tls_certs.problems(LABELS, other, node['cert'], node['key'], [], NOW)
    assert found == ['temporal_server_tls_cert (node2): the certificate (issuer CN=test CA) is not signed by the CA of '
                     'temporal_server_tls_ca (node2) (CN=other CA)']


def test_another_ca_of_the_same_name_is_told_apart_by_its_signature(ca, node):
    twin = tls_certs.new_ca('test CA', 3650, NOW)[0]
    assert 'is not signed by the CA' in ' '.join(tls_certs.problems(LABELS, twin, node['cert'], node['key'], [], NOW))


def test_a_name_the_certificate_lacks_is_refused_with_what_it_has(ca, node):
    found = tls_certs.problems(LABELS, ca['cert'], node['cert'], node['key'], ['10.0.0.12', 'balancer.example', '10.0.0.5'], NOW)
    assert found == ['temporal_server_tls_cert (node2): the certificate does not carry balancer.example, 10.0.0.5 in its '
                     'subjectAltName (it has: node2.example, 10.0.0.12); clients that reach it so cannot verify it']


def test_a_ca_file_that_is_no_certificate_is_refused(node):
    found = tls_certs.problems(LABELS, 'not a certificate\n', node['cert'], node['key'], [], NOW)
    assert found == ['temporal_server_tls_ca (node2) holds no PEM certificate (-----BEGIN CERTIFICATE-----)']


def test_a_key_given_as_certificate_is_refused(ca, node):
    found = tls_certs.problems(LABELS, ca['cert'], node['key'], node['key'], [], NOW)
    assert found == ['temporal_server_tls_cert (node2) holds no PEM certificate (-----BEGIN CERTIFICATE-----)']


def test_an_encrypted_or_broken_key_is_refused(ca, node):
    found = tls_certs.problems(LABELS, ca['cert'], node['cert'], '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', [], NOW)
    assert len(found) == 1 and found[0].startswith('temporal_server_tls_key (node2) is not an unencrypted PEM private key')


def test_node_certificates_serve_and_connect_client_ones_only_connect(ca, node):
    client = tls_certs.issue(ca['cert'], ca['key'], node['key'], 'ui', [], 'client', 365, NOW)
    assert tls_certs.renewal_reason(ca['cert'], node['cert'], node['key'], ['node2.example', '10.0.0.12'], 'node', NOW, 30) == ''
    assert tls_certs.renewal_reason(ca['cert'], client, node['key'], [], 'client', NOW, 30) == ''
    assert tls_certs.renewal_reason(ca['cert'], client, node['key'], [], 'node', NOW, 30) == 'it is for another usage'


def test_a_server_certificate_only_serves_and_one_that_connects_too_is_issued_again(ca, node):
    """The database's and the UI's certificates come from the nodes' CA, whose certificates open the
    nodes' internal ports: they carry serverAuth alone, and one issued before for both is replaced."""
    server = tls_certs.issue(ca['cert'], ca['key'], node['key'], 'db-postgresql', ['10.0.0.5'], 'server', 365, NOW)
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID
    usages = tls_certs.load_certificates(server)[0].extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usages) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert tls_certs.renewal_reason(ca['cert'], server, node['key'], ['10.0.0.5'], 'server', NOW, 30) == ''
    both = tls_certs.issue(ca['cert'], ca['key'], node['key'], 'db-postgresql', ['10.0.0.5'], 'node', 365, NOW)
    assert tls_certs.renewal_reason(ca['cert'], both, node['key'], ['10.0.0.5'], 'server', NOW, 30) == 'it is for another usage'
    assert tls_certs.renewal_reason(ca['cert'], server, node['key'], ['10.0.0.5'], 'node', NOW, 30) == 'it is for another usage'
    # It passes the checks of what serves (PostgreSQL's, the UI's HTTPS), not those of a node.
    assert tls_certs.problems(LABELS, ca['cert'], server, node['key'], ['10.0.0.5'], NOW, serves_only=True) == []
    assert tls_certs.problems(LABELS, ca['cert'], server, node['key'], ['10.0.0.5'], NOW) != []


@pytest.mark.parametrize('change, reason', [
    ({'names': ['node2.example', '10.0.0.12', '10.0.0.5']}, 'it lacks 10.0.0.5'),
    ({'names': ['node2.example']}, 'it carries names no longer wanted: 10.0.0.12'),
    ({'now': NOW + datetime.timedelta(days=340)}, 'it expires on 2027-12-06 12:00 UTC, within 30 days'),
    ({'key': 'new'}, 'it is for another key'),
    ({'ca': 'new'}, 'it is not signed by the current CA'),
    ({'cert': ''}, 'none was issued yet'),
])
def test_a_certificate_is_issued_again_for_a_reason(ca, node, change, reason):
    args = {'ca': ca['cert'], 'cert': node['cert'], 'key': node['key'], 'names': ['node2.example', '10.0.0.12'], 'now': NOW}
    args.update(change)
    if args['key'] == 'new':
        args['key'] = tls_certs.new_key()
    if args['ca'] == 'new':
        args['ca'] = tls_certs.new_ca('test CA', 3650, NOW)[0]
    assert tls_certs.renewal_reason(args['ca'], args['cert'], args['key'], args['names'], 'node', args['now'], 30) == reason


WANTED = [{'name': 'node1', 'names': ['10.0.0.11'], 'usage': 'node'}, {'name': 'ui', 'names': [], 'usage': 'client'}]


def test_the_ca_directory_is_made_once_then_left_alone(tmp_path):
    directory = str(tmp_path / 'pki')
    write, issued, problems = tls_ca.plan(tls_ca.read(directory, ['node1', 'ui']), WANTED, 'temporalops CA', 3650, 365, 30, NOW)
    assert problems == []
    assert sorted(write) == ['ca-key.pem', 'ca.pem', 'node1-key.pem', 'node1.pem', 'ui-key.pem', 'ui.pem']
    assert issued == {'ca': 'none was made yet', 'node1': 'none was issued yet', 'ui': 'none was issued yet'}
    tls_ca.apply(directory, write)
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(os.path.join(directory, 'ca-key.pem')).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.join(directory, 'node1-key.pem')).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.join(directory, 'ca.pem')).st_mode) == 0o644
    files = tls_ca.read(directory, ['node1', 'ui'])
    assert tls_ca.plan(files, WANTED, 'temporalops CA', 3650, 365, 30, NOW)[:2] == ({}, {})
    made = tls_ca.result(files, {}, WANTED)
    assert tls_certs.problems(LABELS, made['ca'], made['certificates']['node1']['cert'], made['certificates']['node1']['key'],
                              ['10.0.0.11'], NOW) == []


def test_an_expiring_certificate_is_issued_again_with_its_key_kept(tmp_path):
    directory = str(tmp_path / 'pki')
    tls_ca.apply(directory, tls_ca.plan({}, WANTED, 'temporalops CA', 3650, 365, 30, NOW)[0])
    files = tls_ca.read(directory, ['node1', 'ui'])
    write, issued = tls_ca.plan(files, WANTED, 'temporalops CA', 3650, 365, 30, NOW + datetime.timedelta(days=340))[:2]
    assert sorted(write) == ['node1.pem', 'ui.pem']
    assert issued['node1'].startswith('it expires on')
    assert tls_certs.serial(write['node1.pem']) != tls_certs.serial(files['node1.pem'])


def test_a_lost_ca_reissues_every_certificate(tmp_path):
    directory = str(tmp_path / 'pki')
    tls_ca.apply(directory, tls_ca.plan({}, WANTED, 'temporalops CA', 3650, 365, 30, NOW)[0])
    files = tls_ca.read(directory, ['node1', 'ui'])
    del files['ca-key.pem']
    write, issued = tls_ca.plan(files, WANTED, 'temporalops CA', 3650, 365, 30, NOW)[:2]
    assert issued == {'ca': 'none was made yet', 'node1': 'it is not signed by the current CA', 'ui': 'it is not signed by the current CA'}
    assert 'node1-key.pem' not in write


def test_bad_certificate_names_are_refused_before_anything_is_made():
    wanted = [{'name': 'ca', 'names': []}, {'name': '../x', 'names': []}, {'name': 'n', 'names': []}, {'name': 'n', 'names': []}]
    write, issued, problems = tls_ca.plan({}, wanted, 'temporalops CA', 3650, 365, 30, NOW)
    assert (write, issued) == ({}, {})
    assert problems == ["'ca' cannot name a certificate: letters, digits, \".\", \"_\" and \"-\", not \"ca\"",
                        "'../x' cannot name a certificate: letters, digits, \".\", \"_\" and \"-\", not \"ca\"",
                        'n is asked for twice']


def test_a_certificate_through_an_intermediate_ca_passes_when_the_chain_is_given(ca):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID
    # An intermediate CA signed by the root: a CA certificate issued by hand with the root's key.
    inter_key = tls_certs.new_key()
    root = tls_certs.load_certificates(ca['cert'])[0]
    inter = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'intermediate')]))
             .issuer_name(root.subject).public_key(tls_certs.load_key(inter_key).public_key())
             .serial_number(x509.random_serial_number()).not_valid_before(NOW - datetime.timedelta(hours=1))
             .not_valid_after(NOW + datetime.timedelta(days=30))
             .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
             .sign(tls_certs.load_key(ca['key']), hashes.SHA256()))
    from cryptography.hazmat.primitives import serialization
    inter_pem = inter.public_bytes(serialization.Encoding.PEM).decode()
    key = tls_certs.new_key()
    leaf = tls_certs.issue(inter_pem, inter_key, key, 'node3', ['10.0.0.13'], 'node', 30, NOW)
    assert tls_certs.problems(LABELS, ca['cert'], leaf + inter_pem, key, ['10.0.0.13'], NOW) == []
    assert 'is not signed by the CA' in ' '.join(tls_certs.problems(LABELS, ca['cert'], leaf, key, [], NOW))


def test_a_server_only_certificate_and_a_ca_that_is_no_ca_are_refused(ca, node):
    server_only = tls_certs.issue(ca['cert'], ca['key'], node['key'], 'node2', [], 'client', 365, NOW)
    found = tls_certs.problems(LABELS, ca['cert'], server_only, node['key'], [], NOW)
    assert found == ['temporal_server_tls_cert (node2): the certificate must allow both serverAuth and clientAuth'
                     ' (extendedKeyUsage): a node serves and connects with it']
    found = tls_certs.problems(LABELS, node['cert'], node['cert'], None, [], NOW)
    assert found[0] == 'temporal_server_tls_ca (node2): CN=node2 is not a CA certificate (its basicConstraints do not say CA:TRUE)'


def test_a_database_certificate_needs_serving_only_and_no_ca(ca, node):
    pg_labels = {'ca': 'unused', 'cert': 'temporal_postgresql_tls_cert (db)', 'key': 'temporal_postgresql_tls_key (db)'}
    assert tls_certs.problems(pg_labels, None, node['cert'], node['key'], ['10.0.0.12'], NOW, serves_only=True) == []
    client_only = tls_certs.issue(ca['cert'], ca['key'], node['key'], 'db', [], 'client', 365, NOW)
    found = tls_certs.problems(pg_labels, None, client_only, node['key'], [], NOW, serves_only=True)
    assert found == ['temporal_postgresql_tls_cert (db): the certificate must allow serverAuth (extendedKeyUsage): clients'
                     ' verify the server by it']
    found = tls_certs.problems(pg_labels, None, node['cert'], tls_certs.new_key(), ['10.0.0.99'], NOW, serves_only=True)
    assert [message.split(':')[0] for message in found] == ['temporal_postgresql_tls_key (db)', 'temporal_postgresql_tls_cert (db)']


def test_serials_read_as_openssl_prints_them():
    from unittest import mock
    with mock.patch.object(tls_certs, 'load_certificates') as load:
        load.return_value = [mock.Mock(serial_number=0x0ABC)]
        assert tls_certs.serial('pem') == '0ABC'
        load.return_value = [mock.Mock(serial_number=0x1ABC)]
        assert tls_certs.serial('pem') == '1ABC'


def test_a_plan_holds_only_while_the_directory_holds_what_it_was_made_from(tmp_path):
    """The digest of what read() found changes with any file's name or content (the pki action
    writes an earlier plan only while it matches)."""
    directory = str(tmp_path)
    write, _issued, _problems = tls_ca.plan(tls_ca.read(directory, ['node1']), WANTED[:1], 'temporalops CA', 3650, 365, 30, NOW)
    empty = tls_ca.digest(tls_ca.read(directory, ['node1']))
    tls_ca.apply(directory, write)
    written = tls_ca.digest(tls_ca.read(directory, ['node1']))
    assert written != empty
    assert tls_ca.digest(tls_ca.read(directory, ['node1'])) == written
    with open(str(tmp_path / 'node1.pem'), 'a') as handle:
        handle.write('\n')
    assert tls_ca.digest(tls_ca.read(directory, ['node1'])) != written
