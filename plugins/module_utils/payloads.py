# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Going between YAML data and Temporal payloads, memos and KEY=JSON flags."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json

JSON_ENCODINGS = ('json/plain',)


def json_text(value):
    """Compact, stable JSON, the form passed to KEY=VALUE flags."""
    return json.dumps(value, sort_keys=True, separators=(',', ':'))


def key_value_flags(flag, mapping):
    """['--memo', 'a=1', '--memo', 'b="x"'] for {'a': 1, 'b': 'x'}; keys sorted for a stable argv."""
    args = []
    for key in sorted(mapping or {}):
        args.extend([flag, '%s=%s' % (key, json_text(mapping[key]))])
    return args


def _b64text(value):
    return base64.b64decode(value).decode('utf-8')


def decode_payload(payload):
    """The value inside a payload.

    The CLI prints JSON payloads already decoded ("shorthand") in some commands and
    raw ({"metadata": {"encoding": base64}, "data": base64}) in others.
    """
    if not (isinstance(payload, dict) and set(payload) <= {'metadata', 'data'} and 'metadata' in payload):
        return payload
    try:
        encoding = _b64text(payload['metadata'].get('encoding', ''))
        if encoding not in JSON_ENCODINGS:
            return payload
        return json.loads(_b64text(payload.get('data', '')))
    except (ValueError, TypeError, AttributeError):
        return payload


def decode_payloads(container):
    """[values] from {"payloads": [...]} (workflow input)."""
    return [decode_payload(p) for p in (container or {}).get('payloads') or []]


def decode_fields(container):
    """{key: value} from {"fields": {...}} (memo) or {"indexedFields": {...}} (search attributes)."""
    container = container or {}
    fields = container.get('fields', container.get('indexedFields')) or {}
    return dict((key, decode_payload(value)) for key, value in fields.items())


def parse_json_values(mapping):
    """Namespace data stores each value as JSON text; give back the values where they parse."""
    result = {}
    for key, text in (mapping or {}).items():
        try:
            result[key] = json.loads(text)
        except (ValueError, TypeError):
            result[key] = text
    return result
