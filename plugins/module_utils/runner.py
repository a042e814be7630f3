# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every runner of a Temporal binary needs, whatever the binary family.

BinaryRunner finds the binary (a path given by the user, else PATH and the directories
the collection's roles link binaries into), runs it with an environment (secrets go
there, never into argv) and an optional time limit, and fails the module with a clear
message that never holds a secret. TemporalCLI (cli.py, the temporal CLI) and SqlTool
(sql_tool.py, temporal-sql-tool) are built on it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.temporalops.temporal.plugins.module_utils.durations import parse_duration

# Where the collection's roles link binaries; not always on PATH for non-login shells.
EXTRA_DIRS = ['/usr/local/bin']

# What a secret is replaced with in messages and outputs.
MASK = '********'

# Exit status of coreutils timeout when the time limit ran out (124), or when the
# command ignored SIGTERM and had to be killed (128 + 9).
TIMEOUT_RCS = (124, 137)
# Seconds between SIGTERM and SIGKILL when the time limit runs out.
KILL_AFTER = 10


def find_binary(module, wanted, label, hint, extra_dirs=None):
    """Path of the binary `wanted`: a path as given, or a name looked up on PATH and extra_dirs.

    Fails the module with "<label> was not found (looked for <wanted>). <hint>" when missing.
    """
    if os.path.sep in wanted:
        if os.path.isfile(wanted) and os.access(wanted, os.X_OK):
            return wanted
        found = None
    else:
        found = module.get_bin_path(wanted, opt_dirs=EXTRA_DIRS if extra_dirs is None else extra_dirs)
    if not found:
        module.fail_json(msg='%s was not found (looked for %s). %s' % (label, wanted, hint))
    return found


def mask(value, secrets):
    """value with every secret replaced by MASK; strings in lists and dicts too."""
    if isinstance(value, str):
        for secret in secrets:
            if secret:
                value = value.replace(secret, MASK)
        return value
    if isinstance(value, list):
        return [mask(item, secrets) for item in value]
    if isinstance(value, dict):
        return dict((key, mask(item, secrets)) for key, item in value.items())
    return value


class BinaryRunner:
    """One binary for one module invocation. Subclasses set the class attributes."""

    name = None           # file name looked up on PATH, e.g. 'temporal'
    label = None          # how messages name it, e.g. 'The temporal CLI'
    path_option = None    # module option that may hold the binary's path
    install_hint = ''     # what to do when it is missing
    extra_dirs = EXTRA_DIRS

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.binary = self.find_binary()

    def find_binary(self):
        wanted = (self.params.get(self.path_option) if self.path_option else None) or self.name
        return find_binary(self.module, wanted, self.label, self.install_hint, self.extra_dirs)

    def duration_param(self, name):
        """Seconds of a duration option (V(30s), V(2m), a number); fails the module on bad input."""
        try:
            return parse_duration(self.params[name])
        except ValueError as e:
            self.module.fail_json(msg='%s: %s' % (name, e))

    def environment(self):
        """Variables added to the binary's environment: where secrets go."""
        return {}

    def secrets(self):
        """Values that must never show in a message or an output."""
        return []

    def mask(self, value):
        return mask(value, self.secrets())

    def timeout_prefix(self, timeout):
        """argv prefix that stops the command after `timeout` seconds (coreutils timeout)."""
        if not timeout:
            return []
        wrapper = self.module.get_bin_path('timeout')
        if not wrapper:
            self.module.fail_json(msg='The timeout command (coreutils) was not found; it enforces the time limit of '
                                      '%s. Install coreutils or set the time limit to 0.' % self.name)
        return [wrapper, '--kill-after=%ds' % KILL_AFTER, '%ds' % timeout]

    def run_argv(self, argv, timeout=None):
        """(rc, stdout, stderr, argv) of argv run with environment(); no judgement of the result.

        With a timeout (seconds), argv runs under coreutils timeout and the returned argv
        holds the prefix; timed_out(rc) tells whether the limit ran out.
        """
        argv = self.timeout_prefix(timeout) + list(argv)
        rc, stdout, stderr = self.module.run_command(argv, environ_update=self.environment())
        return rc, stdout, stderr, argv

    def timed_out(self, rc, timeout):
        return bool(timeout) and rc in TIMEOUT_RCS

    def fail(self, msg, **result):
        """fail_json with every secret masked out of the message and the result."""
        self.module.fail_json(msg=self.mask(msg), **self.mask(result))
