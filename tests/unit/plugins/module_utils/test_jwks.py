# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The JWKS check of temporal_server_jwt_key_source_uris (module_utils jwks, filter server_jwks_problems):
each URL as ansible.builtin.uri read it, judged as Temporal's default key provider would load it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.temporalops.temporal.plugins.filter.server import FilterModule
from ansible_collections.temporalops.temporal.plugins.module_utils.jwks import problems

URL = 'http://idp.example/jwks.json'
RSA = {'kty': 'RSA', 'kid': 'k1', 'use': 'sig', 'alg': 'RS256', 'n': 'sXch', 'e': 'AQAB'}
EC = {'kty': 'EC', 'kid': 'k2', 'crv': 'P-256', 'x': 'f83O', 'y': 'x_FE'}


def fetched(content=None, status=200, msg='OK (123 bytes)', url=URL):
    return {'item': url, 'status': status, 'content': json.dumps(content) if isinstance(content, dict) else content, 'msg': msg}


@pytest.mark.parametrize('keys', [[RSA], [EC], [{'kty': 'oct', 'kid': 'h', 'k': 'c2VjcmV0'}, RSA]])
def test_a_jwks_with_a_key_the_server_uses_passes(keys):
    assert problems([fetched({'keys': keys})]) == []


@pytest.mark.parametrize(('result', 'message'), [
    (fetched(status=-1, msg='Request failed: <urlopen error [Errno 111] Connection refused>'),
     'temporal_server_jwt_key_source_uris http://idp.example/jwks.json: nothing answers (Request failed: <urlopen error'
     ' [Errno 111] Connection refused>).'),
    (fetched('not found', status=404), 'temporal_server_jwt_key_source_uris http://idp.example/jwks.json answers HTTP 404,'
                                       ' not a JWKS.'),
    (fetched('<html>', status=200), 'temporal_server_jwt_key_source_uris http://idp.example/jwks.json is not JSON: the server'
                                    ' would load no keys.'),
    (fetched({'keys': []}), 'temporal_server_jwt_key_source_uris http://idp.example/jwks.json serves no keys (a JWKS is'
                            ' {"keys": [...]}): every token would be refused.'),
    (fetched({'issuer': 'x'}), 'temporal_server_jwt_key_source_uris http://idp.example/jwks.json serves no keys (a JWKS is'
                               ' {"keys": [...]}): every token would be refused.'),
    (fetched({'keys': [dict(RSA, kid=''), dict(EC, crv='P-384'), {'kty': 'oct', 'kid': 'h', 'k': 'c2VjcmV0'}]}),
     'temporal_server_jwt_key_source_uris http://idp.example/jwks.json serves 3 key(s), none of them usable: the server'
     ' verifies RS256 and ES256 tokens with RSA keys or P-256 EC keys that carry a kid.'),
], ids=['unreachable', 'http-error', 'not-json', 'no-keys', 'not-a-jwks', 'no-usable-key'])
def test_each_problem_word_for_word(result, message):
    assert problems([result]) == [message]


def test_every_url_is_judged_and_the_filter_names_it():
    found = FilterModule().filters()['server_jwks_problems']([
        fetched({'keys': [RSA]}), fetched({'keys': []}, url='https://b.example/jwks')])
    assert found == ['temporal_server_jwt_key_source_uris https://b.example/jwks serves no keys (a JWKS is {"keys": [...]}):'
                     ' every token would be refused.']
