# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Whether the JWKS documents of temporal_server_jwt_key_source_uris can verify tokens, judged as
the server would load them: an answer of 200, JSON with a "keys" list, and at least one key it
uses. Temporal's default key provider keeps RSA and EC keys by their kid and checks RS256 and
ES256 signatures; it starts without keys when a URL fails, and then refuses every token."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

SETTING = 'temporal_server_jwt_key_source_uris'


def usable_key(key):
    """Whether KEY (one JWK) is one the server can verify a token with."""
    if not isinstance(key, dict) or not key.get('kid'):
        return False
    if key.get('kty') == 'RSA':
        return bool(key.get('n')) and bool(key.get('e'))
    if key.get('kty') == 'EC':
        return key.get('crv') == 'P-256' and bool(key.get('x')) and bool(key.get('y'))
    return False


def problem(uri, status, content, error=''):
    """What is wrong with the JWKS at URI as fetched (HTTP STATUS, body CONTENT; ERROR when
    nothing answered), or None when it holds a key the server can use."""
    where = '%s %s' % (SETTING, uri)
    if not status or status < 0:
        return '%s: nothing answers (%s).' % (where, error or 'no response')
    if status != 200:
        return '%s answers HTTP %s, not a JWKS.' % (where, status)
    try:
        document = json.loads(content or '')
    except ValueError:
        return '%s is not JSON: the server would load no keys.' % where
    keys = document.get('keys') if isinstance(document, dict) else None
    if not isinstance(keys, list) or not keys:
        return '%s serves no keys (a JWKS is {"keys": [...]}): every token would be refused.' % where
    if not any(usable_key(key) for key in keys):
        return ('%s serves %d key(s), none of them usable: the server verifies RS256 and ES256 tokens with RSA keys or'
                ' P-256 EC keys that carry a kid.' % (where, len(keys)))
    return None


def problems(fetched):
    """Every problem of FETCHED, the results of a loop of ansible.builtin.uri over the URLs (item,
    status, content, msg), one message each; [] when every one serves a usable key."""
    found = []
    for result in fetched:
        message = problem(result.get('item') or result.get('url', ''), result.get('status') or 0, result.get('content', ''),
                          result.get('msg', ''))
        if message:
            found.append(message)
    return found
