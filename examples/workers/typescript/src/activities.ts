import { Context, log, sleep } from '@temporalio/activity';

/** Works for workSeconds first, so that a test can stop the worker while it runs. */
export async function composeGreeting(name: string, workSeconds: number): Promise<string> {
  log.info(`composing a greeting for ${name} (${workSeconds}s of work)`);
  await sleep(workSeconds * 1000);
  return `Hello, ${name}! (from ${Context.current().info.taskQueue})`;
}
