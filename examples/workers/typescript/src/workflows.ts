// Workflow Greet(name, waitSeconds = 0, workSeconds = 0), as the Python and Go examples have it:
//   1. runs the activity composeGreeting (retried up to 3 times);
//   2. waits up to waitSeconds for the signal "approve" (a note to add);
//   3. returns {greeting, approved, note, task_queue}.
// The query "status" tells where it is.
import { condition, defineQuery, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type * as activities from './activities';

export const approve = defineSignal<[string]>('approve');
export const status = defineQuery<string>('status');

export interface Greeting {
  greeting: string;
  approved: boolean;
  note: string | null;
  task_queue: string;
}

export async function Greet(name: string, waitSeconds = 0, workSeconds = 0): Promise<Greeting> {
  let state = 'started';
  let note: string | null = null;
  setHandler(approve, (given: string) => {
    note = given;
  });
  setHandler(status, () => state);
  const { composeGreeting } = proxyActivities<typeof activities>({
    startToCloseTimeout: `${workSeconds + 30}s`,
    retry: { maximumAttempts: 3, initialInterval: '1s' },
  });
  state = 'composing';
  const greeting = await composeGreeting(name, workSeconds);
  state = 'waiting for approval';
  await condition(() => note !== null, `${waitSeconds}s`);
  state = 'done';
  return { greeting, approved: note !== null, note, task_queue: workflowInfo().taskQueue };
}
