"""The worker's settings, read from the environment the role temporal_worker writes.

The connection comes from Temporal's own environment configuration (temporalio.envconfig:
TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_GRPC_META_*,
TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE); the task queue from TEMPORAL_TASK_QUEUE; the tuning
from the collection's TEMPORAL_WORKER_* variables, which no SDK reads by itself. Durations
are seconds. Unset variables keep the SDK's defaults.
"""

import os
from datetime import timedelta

from temporalio.common import VersioningBehavior, WorkerDeploymentVersion
from temporalio.worker import PollerBehaviorAutoscaling, PollerBehaviorSimpleMaximum, WorkerDeploymentConfig


def _number(name, kind):
    value = os.environ.get(name, "")
    return kind(value) if value else None


def _pollers(prefix):
    """TEMPORAL_WORKER_<prefix>_POLLERS=N (at most N) or ..._POLLERS_AUTOSCALING=min,initial,max."""
    autoscaling = os.environ.get("TEMPORAL_WORKER_%s_POLLERS_AUTOSCALING" % prefix, "")
    if autoscaling:
        minimum, initial, maximum = (int(part) for part in autoscaling.split(","))
        return PollerBehaviorAutoscaling(minimum=minimum, initial=initial, maximum=maximum)
    fixed = _number("TEMPORAL_WORKER_%s_POLLERS" % prefix, int)
    return PollerBehaviorSimpleMaximum(maximum=fixed) if fixed else None


def task_queue():
    queue = os.environ.get("TEMPORAL_TASK_QUEUE", "")
    if not queue:
        raise SystemExit("TEMPORAL_TASK_QUEUE is not set: the worker needs the task queue it polls")
    return queue


def worker_options():
    """Keyword arguments for temporalio.worker.Worker, from the TEMPORAL_WORKER_* variables."""
    options = {
        "max_concurrent_workflow_tasks": _number("TEMPORAL_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS", int),
        "max_concurrent_activities": _number("TEMPORAL_WORKER_MAX_CONCURRENT_ACTIVITIES", int),
        "max_concurrent_local_activities": _number("TEMPORAL_WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES", int),
        "workflow_task_poller_behavior": _pollers("WORKFLOW"),
        "activity_task_poller_behavior": _pollers("ACTIVITY"),
        "max_activities_per_second": _number("TEMPORAL_WORKER_ACTIVITIES_PER_SECOND", float),
        "max_task_queue_activities_per_second": _number("TEMPORAL_WORKER_TASK_QUEUE_ACTIVITIES_PER_SECOND", float),
        # Its own identity instead of the SDK's <pid>@<host> (the role's health gate is told it
        # with the worker's identity setting).
        "identity": os.environ.get("TEMPORAL_WORKER_IDENTITY") or None,
    }
    for option, name in (("sticky_queue_schedule_to_start_timeout", "TEMPORAL_WORKER_STICKY_SCHEDULE_TO_START_TIMEOUT"),
                         ("graceful_shutdown_timeout", "TEMPORAL_WORKER_GRACEFUL_STOP_TIMEOUT")):
        seconds = _number(name, float)
        options[option] = timedelta(seconds=seconds) if seconds is not None else None
    deployment, build_id = os.environ.get("TEMPORAL_WORKER_DEPLOYMENT_NAME"), os.environ.get("TEMPORAL_WORKER_BUILD_ID")
    if deployment and build_id:
        options["deployment_config"] = WorkerDeploymentConfig(
            version=WorkerDeploymentVersion(deployment_name=deployment, build_id=build_id), use_worker_versioning=True,
            # Workflows that do not pin themselves move to the newest build.
            default_versioning_behavior=VersioningBehavior.AUTO_UPGRADE)
    return {key: value for key, value in options.items() if value is not None}
