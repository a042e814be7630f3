package main

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/worker"
)

// Every tuning variable the collection documents (examples/workers/README.md) reaches its
// worker.Options field.
func TestWorkerSettingsReadEveryTuningVariable(t *testing.T) {
	t.Setenv("TEMPORAL_TASK_QUEUE", "acme-billing")
	for name, value := range map[string]string{
		"MAX_CONCURRENT_WORKFLOW_TASKS":    "50",
		"MAX_CONCURRENT_ACTIVITIES":        "200",
		"MAX_CONCURRENT_LOCAL_ACTIVITIES":  "20",
		"WORKFLOW_POLLERS_AUTOSCALING":     "1, 5, 50",
		"ACTIVITY_POLLERS":                 "4",
		"ACTIVITIES_PER_SECOND":            "10.5",
		"TASK_QUEUE_ACTIVITIES_PER_SECOND": "100",
		"STICKY_SCHEDULE_TO_START_TIMEOUT": "7",
		"GRACEFUL_STOP_TIMEOUT":            "2.5",
		"DEPLOYMENT_NAME":                  "billing",
		"BUILD_ID":                         "2026.12.1",
		"IDENTITY":                         "greeter@acme-billing",
	} {
		t.Setenv("TEMPORAL_WORKER_"+name, value)
	}
	queue, o, err := workerSettings()
	if err != nil {
		t.Fatal(err)
	}
	if queue != "acme-billing" {
		t.Errorf("queue %q", queue)
	}
	if o.MaxConcurrentWorkflowTaskExecutionSize != 50 || o.MaxConcurrentActivityExecutionSize != 200 ||
		o.MaxConcurrentLocalActivityExecutionSize != 20 {
		t.Errorf("concurrency %d %d %d", o.MaxConcurrentWorkflowTaskExecutionSize,
			o.MaxConcurrentActivityExecutionSize, o.MaxConcurrentLocalActivityExecutionSize)
	}
	if o.WorkerActivitiesPerSecond != 10.5 || o.TaskQueueActivitiesPerSecond != 100 {
		t.Errorf("rates %v %v", o.WorkerActivitiesPerSecond, o.TaskQueueActivitiesPerSecond)
	}
	if o.StickyScheduleToStartTimeout != 7*time.Second || o.WorkerStopTimeout != 2500*time.Millisecond {
		t.Errorf("timeouts %v %v", o.StickyScheduleToStartTimeout, o.WorkerStopTimeout)
	}
	wantAutoscaling := worker.NewPollerBehaviorAutoscaling(worker.PollerBehaviorAutoscalingOptions{
		MinimumNumberOfPollers: 1, InitialNumberOfPollers: 5, MaximumNumberOfPollers: 50})
	if !reflect.DeepEqual(o.WorkflowTaskPollerBehavior, wantAutoscaling) {
		t.Errorf("workflow pollers %#v", o.WorkflowTaskPollerBehavior)
	}
	wantMaximum := worker.NewPollerBehaviorSimpleMaximum(worker.PollerBehaviorSimpleMaximumOptions{MaximumNumberOfPollers: 4})
	if !reflect.DeepEqual(o.ActivityTaskPollerBehavior, wantMaximum) {
		t.Errorf("activity pollers %#v", o.ActivityTaskPollerBehavior)
	}
	if o.Identity != "greeter@acme-billing" {
		t.Errorf("identity %q", o.Identity)
	}
	v := o.DeploymentOptions
	if !v.UseVersioning || v.Version.DeploymentName != "billing" || v.Version.BuildID != "2026.12.1" {
		t.Errorf("deployment %#v", v)
	}
}

// Unset variables keep the SDK's defaults (zero values), and versioning stays off.
func TestWorkerSettingsKeepTheDefaultsOfWhatIsUnset(t *testing.T) {
	t.Setenv("TEMPORAL_TASK_QUEUE", "q")
	_, o, err := workerSettings()
	if err != nil {
		t.Fatal(err)
	}
	if o.MaxConcurrentActivityExecutionSize != 0 || o.WorkflowTaskPollerBehavior != nil || o.DeploymentOptions.UseVersioning ||
		o.Identity != "" {
		t.Errorf("defaults changed: %#v", o)
	}
}

// A bad value is an error naming its variable; no queue is an error too.
func TestWorkerSettingsRefuseBadValues(t *testing.T) {
	t.Setenv("TEMPORAL_TASK_QUEUE", "q")
	t.Setenv("TEMPORAL_WORKER_ACTIVITY_POLLERS_AUTOSCALING", "1,2")
	if _, _, err := workerSettings(); err == nil || !strings.Contains(err.Error(), "TEMPORAL_WORKER_ACTIVITY_POLLERS_AUTOSCALING") {
		t.Errorf("got %v", err)
	}
	t.Setenv("TEMPORAL_TASK_QUEUE", "")
	if _, _, err := workerSettings(); err == nil || !strings.Contains(err.Error(), "TEMPORAL_TASK_QUEUE") {
		t.Errorf("got %v", err)
	}
}
