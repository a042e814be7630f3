// The example reads the collection's TEMPORAL_WORKER_* tuning variables into the SDK's
// WorkerOptions, and nothing it is not given (`npm test`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { taskQueue, workerOptions } from './settings';

const TUNING = {
  TEMPORAL_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '50',
  TEMPORAL_WORKER_MAX_CONCURRENT_ACTIVITIES: '200',
  TEMPORAL_WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: '20',
  TEMPORAL_WORKER_WORKFLOW_POLLERS_AUTOSCALING: '1,5,50',
  TEMPORAL_WORKER_ACTIVITY_POLLERS: '4',
  TEMPORAL_WORKER_ACTIVITIES_PER_SECOND: '10.5',
  TEMPORAL_WORKER_TASK_QUEUE_ACTIVITIES_PER_SECOND: '100',
  TEMPORAL_WORKER_STICKY_SCHEDULE_TO_START_TIMEOUT: '7',
  TEMPORAL_WORKER_GRACEFUL_STOP_TIMEOUT: '30',
  TEMPORAL_WORKER_DEPLOYMENT_NAME: 'billing',
  TEMPORAL_WORKER_BUILD_ID: '2026.12.1',
  TEMPORAL_WORKER_IDENTITY: 'greeter@billing',
};

test('no variables keep every SDK default', () => {
  assert.deepEqual(workerOptions({}), {});
});

test('every tuning variable reaches its worker option', () => {
  assert.deepEqual(workerOptions(TUNING), {
    maxConcurrentWorkflowTaskExecutions: 50,
    maxConcurrentActivityTaskExecutions: 200,
    maxConcurrentLocalActivityExecutions: 20,
    workflowTaskPollerBehavior: { type: 'autoscaling', minimum: 1, initial: 5, maximum: 50 },
    activityTaskPollerBehavior: { type: 'simple-maximum', maximum: 4 },
    maxActivitiesPerSecond: 10.5,
    maxTaskQueueActivitiesPerSecond: 100,
    stickyQueueScheduleToStartTimeout: '7s',
    shutdownGraceTime: '30s',
    identity: 'greeter@billing',
    workerDeploymentOptions: {
      version: { deploymentName: 'billing', buildId: '2026.12.1' },
      useWorkerVersioning: true,
      defaultVersioningBehavior: 'AUTO_UPGRADE',
    },
  });
});

test('versioning needs both the deployment name and the build id', () => {
  assert.deepEqual(workerOptions({ TEMPORAL_WORKER_BUILD_ID: '1' }), {});
});

test('a number that is not one is refused, naming the variable', () => {
  assert.throws(() => workerOptions({ TEMPORAL_WORKER_MAX_CONCURRENT_ACTIVITIES: '2.5' }),
    /TEMPORAL_WORKER_MAX_CONCURRENT_ACTIVITIES=2.5 is not a whole number/);
});

test('the task queue is required', () => {
  assert.equal(taskQueue({ TEMPORAL_TASK_QUEUE: 'acme-billing' }), 'acme-billing');
  assert.throws(() => taskQueue({}), /TEMPORAL_TASK_QUEUE is not set/);
});
