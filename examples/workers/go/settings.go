package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// workerSettings reads the task queue (TEMPORAL_TASK_QUEUE) and the collection's
// TEMPORAL_WORKER_* tuning variables, which no SDK reads by itself. Durations are seconds;
// unset variables keep the SDK's defaults.
func workerSettings() (string, worker.Options, error) {
	var options worker.Options
	queue := os.Getenv("TEMPORAL_TASK_QUEUE")
	if queue == "" {
		return "", options, fmt.Errorf("TEMPORAL_TASK_QUEUE is not set: the worker needs the task queue it polls")
	}
	var err error
	read := func(name string, set func(string) error) {
		if value := os.Getenv("TEMPORAL_WORKER_" + name); value != "" && err == nil {
			if e := set(value); e != nil {
				err = fmt.Errorf("TEMPORAL_WORKER_%s=%q: %w", name, value, e)
			}
		}
	}
	integer := func(target *int) func(string) error {
		return func(v string) (e error) { *target, e = strconv.Atoi(v); return }
	}
	float := func(target *float64) func(string) error {
		return func(v string) (e error) { *target, e = strconv.ParseFloat(v, 64); return }
	}
	seconds := func(target *time.Duration) func(string) error {
		return func(v string) error {
			s, e := strconv.ParseFloat(v, 64)
			*target = time.Duration(s * float64(time.Second))
			return e
		}
	}
	pollers := func(target *worker.PollerBehavior) func(string) error {
		return func(v string) error {
			n, e := strconv.Atoi(v)
			*target = worker.NewPollerBehaviorSimpleMaximum(worker.PollerBehaviorSimpleMaximumOptions{MaximumNumberOfPollers: n})
			return e
		}
	}
	autoscaling := func(target *worker.PollerBehavior) func(string) error {
		return func(v string) error {
			parts := strings.Split(v, ",")
			if len(parts) != 3 {
				return fmt.Errorf("expected minimum,initial,maximum")
			}
			var n [3]int
			for i, p := range parts {
				var e error
				if n[i], e = strconv.Atoi(strings.TrimSpace(p)); e != nil {
					return e
				}
			}
			*target = worker.NewPollerBehaviorAutoscaling(worker.PollerBehaviorAutoscalingOptions{
				MinimumNumberOfPollers: n[0], InitialNumberOfPollers: n[1], MaximumNumberOfPollers: n[2]})
			return nil
		}
	}
	read("MAX_CONCURRENT_WORKFLOW_TASKS", integer(&options.MaxConcurrentWorkflowTaskExecutionSize))
	read("MAX_CONCURRENT_ACTIVITIES", integer(&options.MaxConcurrentActivityExecutionSize))
	read("MAX_CONCURRENT_LOCAL_ACTIVITIES", integer(&options.MaxConcurrentLocalActivityExecutionSize))
	read("WORKFLOW_POLLERS", pollers(&options.WorkflowTaskPollerBehavior))
	read("WORKFLOW_POLLERS_AUTOSCALING", autoscaling(&options.WorkflowTaskPollerBehavior))
	read("ACTIVITY_POLLERS", pollers(&options.ActivityTaskPollerBehavior))
	read("ACTIVITY_POLLERS_AUTOSCALING", autoscaling(&options.ActivityTaskPollerBehavior))
	read("ACTIVITIES_PER_SECOND", float(&options.WorkerActivitiesPerSecond))
	read("TASK_QUEUE_ACTIVITIES_PER_SECOND", float(&options.TaskQueueActivitiesPerSecond))
	read("STICKY_SCHEDULE_TO_START_TIMEOUT", seconds(&options.StickyScheduleToStartTimeout))
	read("GRACEFUL_STOP_TIMEOUT", seconds(&options.WorkerStopTimeout))
	// Its own identity instead of the SDK's <pid>@<host>@<queue> (the role's health gate is told
	// it with the worker's identity setting).
	read("IDENTITY", func(v string) error { options.Identity = v; return nil })
	deployment, buildID := os.Getenv("TEMPORAL_WORKER_DEPLOYMENT_NAME"), os.Getenv("TEMPORAL_WORKER_BUILD_ID")
	if deployment != "" && buildID != "" {
		options.DeploymentOptions = worker.DeploymentOptions{
			UseVersioning: true,
			Version:       worker.WorkerDeploymentVersion{DeploymentName: deployment, BuildID: buildID},
			// Workflows that do not pin themselves move to the newest build.
			DefaultVersioningBehavior: workflow.VersioningBehaviorAutoUpgrade,
		}
	}
	return queue, options, err
}
