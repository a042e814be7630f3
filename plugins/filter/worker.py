# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters of the temporal_worker role (plugins/module_utils/worker_model.py, worker_checks.py); documented in worker_*.yml.

The secrets are a filter, not a fact of the action plugin worker_plan: a result shows in
Ansible's output, a filter's value only where a task (with no_log) uses it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.temporalops.temporal.plugins.module_utils import worker_checks, worker_model


def worker_secrets(instances, defaults=None):
    return worker_model.secrets(instances, defaults or {})


def worker_secrets_env(env, file_api_key=None, managed='Ansible managed'):
    return worker_model.secrets_env(env, file_api_key, managed)


def worker_text_files(workers, secrets_by_name, file_api_keys=None, managed='Ansible managed'):
    return worker_model.text_files(workers, secrets_by_name, file_api_keys, managed)


def worker_written_by(workers, written):
    return worker_model.written_by(workers, written)


def worker_stale_builds(found, workers, restarted, units):
    return worker_model.stale_builds(found, workers, restarted, units)


def worker_node_problems(workers, asked, host, judge_missing=True):
    return worker_checks.node_problems(workers, asked, host, judge_missing)


class FilterModule(object):
    def filters(self):
        return {
            'worker_secrets': worker_secrets,
            'worker_secrets_env': worker_secrets_env,
            'worker_stale_builds': worker_stale_builds,
            'worker_node_problems': worker_node_problems,
            'worker_text_files': worker_text_files,
            'worker_written_by': worker_written_by,
        }
