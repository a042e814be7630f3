// The example worker on the Go SDK, for the role temporalops.temporal.temporal_worker.
//
// Workflow Greet(name, waitSeconds, workSeconds):
//  1. runs the activity ComposeGreeting (retried up to 3 times; it works workSeconds first,
//     so a test can stop the worker while it runs);
//  2. waits up to waitSeconds for the signal "approve" (a note to add);
//  3. returns {"greeting", "approved", "note", "task_queue"}.
//
// The query "status" tells where it is. On SIGTERM (systemctl stop) the worker stops polling and
// lets running activities finish, for up to TEMPORAL_WORKER_GRACEFUL_STOP_TIMEOUT seconds.
package main

import (
	"context"
	"fmt"
	"log"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// GreetResult is what Greet returns.
type GreetResult struct {
	Greeting  string `json:"greeting"`
	Approved  bool   `json:"approved"`
	Note      string `json:"note"`
	TaskQueue string `json:"task_queue"`
}

// ComposeGreeting works for workSeconds, then greets.
func ComposeGreeting(ctx context.Context, name string, workSeconds float64) (string, error) {
	activity.GetLogger(ctx).Info("composing a greeting", "name", name, "workSeconds", workSeconds)
	select {
	case <-time.After(time.Duration(workSeconds * float64(time.Second))):
	case <-ctx.Done():
		return "", ctx.Err()
	}
	return fmt.Sprintf("Hello, %s! (from %s)", name, activity.GetInfo(ctx).TaskQueue), nil
}

// Greet runs ComposeGreeting, then waits for an approval.
func Greet(ctx workflow.Context, name string, waitSeconds, workSeconds float64) (GreetResult, error) {
	status := "composing"
	if err := workflow.SetQueryHandler(ctx, "status", func() (string, error) { return status, nil }); err != nil {
		return GreetResult{}, err
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Duration(workSeconds*float64(time.Second)) + 30*time.Second,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 3, InitialInterval: time.Second},
	})
	var greeting string
	if err := workflow.ExecuteActivity(ctx, ComposeGreeting, name, workSeconds).Get(ctx, &greeting); err != nil {
		return GreetResult{}, err
	}
	status = "waiting for approval"
	var note string
	approved := false
	selector := workflow.NewSelector(ctx)
	selector.AddReceive(workflow.GetSignalChannel(ctx, "approve"), func(c workflow.ReceiveChannel, _ bool) {
		c.Receive(ctx, &note)
		approved = true
	})
	selector.AddFuture(workflow.NewTimer(ctx, time.Duration(waitSeconds*float64(time.Second))), func(workflow.Future) {})
	selector.Select(ctx)
	status = "done"
	return GreetResult{Greeting: greeting, Approved: approved, Note: note,
		TaskQueue: workflow.GetInfo(ctx).TaskQueueName}, nil
}

func main() {
	// TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_GRPC_META_*,
	// TEMPORAL_CONFIG_FILE and TEMPORAL_PROFILE.
	options, err := envconfig.LoadDefaultClientOptions()
	if err != nil {
		log.Fatalln("reading the connection settings:", err)
	}
	queue, tuning, err := workerSettings()
	if err != nil {
		log.Fatalln(err)
	}
	c, err := client.Dial(options)
	if err != nil {
		log.Fatalln("connecting to Temporal:", err)
	}
	defer c.Close()
	w := worker.New(c, queue, tuning)
	w.RegisterWorkflow(Greet)
	w.RegisterActivity(ComposeGreeting)
	log.Printf("polling task queue %s in namespace %s", queue, options.Namespace)
	// InterruptCh closes on SIGINT and SIGTERM; Run then stops the worker gracefully.
	if err := w.Run(worker.InterruptCh()); err != nil {
		log.Fatalln("worker:", err)
	}
	log.Println("stopped")
}
