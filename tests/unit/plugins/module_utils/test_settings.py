# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.temporalops.temporal.plugins.module_utils.settings import plain, to_bool, to_int


@pytest.mark.parametrize('value, number', [(7300, 7300), ('7300', 7300), (' 7300 ', 7300), ('-1', -1), ('+5', 5), (7300.0, 7300), (0, 0)])
def test_to_int(value, number):
    assert to_int(value, 'p') == number
    assert isinstance(to_int(value, 'p'), int) and not isinstance(to_int(value, 'p'), bool)


@pytest.mark.parametrize('value, shown', [('abc', "'abc'"), ('', "''"), ('7.5', "'7.5'"), (7.5, '7.5'), (True, 'True'),
                                          (None, 'None'), ([1], '[1]'), ('0x10', "'0x10'")])
def test_to_int_refuses_naming_the_setting(value, shown):
    with pytest.raises(ValueError) as refused:
        to_int(value, 'temporal_x_port')
    assert str(refused.value) == 'temporal_x_port must be a whole number, not %s.' % shown


@pytest.mark.parametrize('value, flag', [(True, True), (False, False), ('true', True), ('False', False), (' yes ', True),
                                         ('no', False), ('on', True), ('off', False), ('1', True), ('0', False), (1, True),
                                         (0, False), ('Y', True), ('f', False)])
def test_to_bool(value, flag):
    assert to_bool(value, 'b') is flag


@pytest.mark.parametrize('value, shown', [('maybe', "'maybe'"), ('', "''"), (2, '2'), (None, 'None'), (0.5, '0.5')])
def test_to_bool_refuses_naming_the_setting(value, shown):
    with pytest.raises(ValueError) as refused:
        to_bool(value, 'temporal_x_enabled')
    assert str(refused.value) == 'temporal_x_enabled must be true or false, not %s.' % shown


class Tagged(str):
    def __repr__(self):
        return 'Tagged(%s)' % str.__repr__(self)


class Lazy(dict):
    pass


def test_plain_shows_subclasses_as_plain_data():
    value = plain(Lazy({Tagged('a'): [Tagged('b'), 1, (None, True)]}))
    assert repr(value) == "{'a': ['b', 1, [None, True]]}"
    # A plain dict, not a subclass (Ansible's tagged values are subclasses).
    assert value.__class__ is dict
