"""The example Python worker (examples/workers/python) reads the collection's TEMPORAL_WORKER_*
tuning variables into the SDK's Worker options, and nothing it is not given."""

import pathlib
import sys
from datetime import timedelta

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parents[2] / "examples" / "workers" / "python"))

# pylint: disable=wrong-import-position
from greeter import settings  # noqa: E402
from temporalio.worker import PollerBehaviorAutoscaling, PollerBehaviorSimpleMaximum  # noqa: E402

TUNING = {
    "TEMPORAL_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS": "50",
    "TEMPORAL_WORKER_MAX_CONCURRENT_ACTIVITIES": "200",
    "TEMPORAL_WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES": "20",
    "TEMPORAL_WORKER_WORKFLOW_POLLERS_AUTOSCALING": "1,5,50",
    "TEMPORAL_WORKER_ACTIVITY_POLLERS": "4",
    "TEMPORAL_WORKER_ACTIVITIES_PER_SECOND": "10.5",
    "TEMPORAL_WORKER_TASK_QUEUE_ACTIVITIES_PER_SECOND": "100",
    "TEMPORAL_WORKER_STICKY_SCHEDULE_TO_START_TIMEOUT": "7",
    "TEMPORAL_WORKER_GRACEFUL_STOP_TIMEOUT": "30",
    "TEMPORAL_WORKER_DEPLOYMENT_NAME": "billing",
    "TEMPORAL_WORKER_BUILD_ID": "2026.12.1",
    "TEMPORAL_WORKER_IDENTITY": "greeter@billing",
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in list(TUNING) + ["TEMPORAL_WORKER_WORKFLOW_POLLERS", "TEMPORAL_WORKER_ACTIVITY_POLLERS_AUTOSCALING",
                                "TEMPORAL_TASK_QUEUE"]:
        monkeypatch.delenv(name, raising=False)


def test_no_variables_keep_every_sdk_default():
    assert settings.worker_options() == {}


def test_every_tuning_variable_reaches_its_worker_option(monkeypatch):
    for name, value in TUNING.items():
        monkeypatch.setenv(name, value)
    options = settings.worker_options()
    deployment = options.pop("deployment_config")
    assert options == {
        "max_concurrent_workflow_tasks": 50, "max_concurrent_activities": 200, "max_concurrent_local_activities": 20,
        "workflow_task_poller_behavior": PollerBehaviorAutoscaling(minimum=1, initial=5, maximum=50),
        "activity_task_poller_behavior": PollerBehaviorSimpleMaximum(maximum=4),
        "max_activities_per_second": 10.5, "max_task_queue_activities_per_second": 100.0,
        "sticky_queue_schedule_to_start_timeout": timedelta(seconds=7),
        "graceful_shutdown_timeout": timedelta(seconds=30),
        "identity": "greeter@billing",
    }
    assert deployment.use_worker_versioning
    assert (deployment.version.deployment_name, deployment.version.build_id) == ("billing", "2026.12.1")


def test_a_build_id_without_a_deployment_name_turns_no_versioning_on(monkeypatch):
    monkeypatch.setenv("TEMPORAL_WORKER_BUILD_ID", "1")
    assert "deployment_config" not in settings.worker_options()


def test_the_task_queue_is_required(monkeypatch):
    with pytest.raises(SystemExit, match="TEMPORAL_TASK_QUEUE"):
        settings.task_queue()
    monkeypatch.setenv("TEMPORAL_TASK_QUEUE", "user-123-reports")
    assert settings.task_queue() == "user-123-reports"


def test_a_malformed_value_stops_the_worker(monkeypatch):
    monkeypatch.setenv("TEMPORAL_WORKER_MAX_CONCURRENT_ACTIVITIES", "many")
    with pytest.raises(ValueError):
        settings.worker_options()
