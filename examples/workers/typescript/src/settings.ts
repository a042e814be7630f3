// The worker's settings, read from the environment the role temporal_worker writes.
//
// The connection comes from Temporal's own environment configuration (@temporalio/envconfig:
// TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_GRPC_META_*,
// TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE); the task queue from TEMPORAL_TASK_QUEUE; the tuning
// from the collection's TEMPORAL_WORKER_* variables, which no SDK reads by itself. Durations are
// seconds. Unset variables keep the SDK's defaults.
import type { WorkerOptions } from '@temporalio/worker';

type Environment = Record<string, string | undefined>;
type PollerBehavior = NonNullable<WorkerOptions['workflowTaskPollerBehavior']>;

/** The tuning part of WorkerOptions: only what the environment sets. */
export type Tuning = Partial<
  Pick<
    WorkerOptions,
    | 'maxConcurrentWorkflowTaskExecutions'
    | 'maxConcurrentActivityTaskExecutions'
    | 'maxConcurrentLocalActivityExecutions'
    | 'workflowTaskPollerBehavior'
    | 'activityTaskPollerBehavior'
    | 'maxActivitiesPerSecond'
    | 'maxTaskQueueActivitiesPerSecond'
    | 'stickyQueueScheduleToStartTimeout'
    | 'shutdownGraceTime'
    | 'workerDeploymentOptions'
    | 'identity'
  >
>;

function number(env: Environment, name: string, whole: boolean): number | undefined {
  const value = env[name];
  if (!value) {
    return undefined;
  }
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || (whole && !Number.isInteger(parsed))) {
    throw new Error(`${name}=${value} is not a ${whole ? 'whole number' : 'number'}`);
  }
  return parsed;
}

/** TEMPORAL_WORKER_<prefix>_POLLERS=N (at most N) or ..._POLLERS_AUTOSCALING=min,initial,max. */
function pollers(env: Environment, prefix: string): PollerBehavior | undefined {
  const autoscaling = env[`TEMPORAL_WORKER_${prefix}_POLLERS_AUTOSCALING`];
  if (autoscaling) {
    const [minimum, initial, maximum] = autoscaling.split(',').map(Number);
    return { type: 'autoscaling', minimum, initial, maximum };
  }
  const maximum = number(env, `TEMPORAL_WORKER_${prefix}_POLLERS`, true);
  return maximum === undefined ? undefined : { type: 'simple-maximum', maximum };
}

function seconds(env: Environment, name: string): `${number}s` | undefined {
  const value = number(env, name, false);
  return value === undefined ? undefined : (`${value}s` as const);
}

export function taskQueue(env: Environment = process.env): string {
  const queue = env.TEMPORAL_TASK_QUEUE;
  if (!queue) {
    throw new Error('TEMPORAL_TASK_QUEUE is not set: the worker needs the task queue it polls');
  }
  return queue;
}

/** WorkerOptions from the TEMPORAL_WORKER_* variables. */
export function workerOptions(env: Environment = process.env): Tuning {
  const options: Tuning = {
    maxConcurrentWorkflowTaskExecutions: number(env, 'TEMPORAL_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', true),
    maxConcurrentActivityTaskExecutions: number(env, 'TEMPORAL_WORKER_MAX_CONCURRENT_ACTIVITIES', true),
    maxConcurrentLocalActivityExecutions: number(env, 'TEMPORAL_WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES', true),
    workflowTaskPollerBehavior: pollers(env, 'WORKFLOW'),
    activityTaskPollerBehavior: pollers(env, 'ACTIVITY'),
    maxActivitiesPerSecond: number(env, 'TEMPORAL_WORKER_ACTIVITIES_PER_SECOND', false),
    maxTaskQueueActivitiesPerSecond: number(env, 'TEMPORAL_WORKER_TASK_QUEUE_ACTIVITIES_PER_SECOND', false),
    stickyQueueScheduleToStartTimeout: seconds(env, 'TEMPORAL_WORKER_STICKY_SCHEDULE_TO_START_TIMEOUT'),
    shutdownGraceTime: seconds(env, 'TEMPORAL_WORKER_GRACEFUL_STOP_TIMEOUT'),
    // Its own identity instead of the SDK's <pid>@<host> (the role's health gate is told it
    // with the worker's identity setting).
    identity: env.TEMPORAL_WORKER_IDENTITY || undefined,
  };
  const deploymentName = env.TEMPORAL_WORKER_DEPLOYMENT_NAME;
  const buildId = env.TEMPORAL_WORKER_BUILD_ID;
  if (deploymentName && buildId) {
    options.workerDeploymentOptions = {
      version: { deploymentName, buildId },
      useWorkerVersioning: true,
      // Workflows that do not pin themselves move to the newest build.
      defaultVersioningBehavior: 'AUTO_UPGRADE',
    };
  }
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Tuning;
}
