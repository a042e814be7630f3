// The example worker: `node lib/worker.js` after `npm ci && npm run build`.
//
// On SIGTERM (systemctl stop) the SDK stops polling and lets running activities finish, for
// up to TEMPORAL_WORKER_GRACEFUL_STOP_TIMEOUT seconds, before run() returns.
import path from 'node:path';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, Worker } from '@temporalio/worker';
import * as activities from './activities';
import { taskQueue, workerOptions } from './settings';

async function main(): Promise<void> {
  const config = loadClientConnectConfig();
  const connection = await NativeConnection.connect(config.connectionOptions);
  const queue = taskQueue();
  const namespace = config.namespace ?? 'default';
  try {
    const worker = await Worker.create({
      connection,
      namespace,
      taskQueue: queue,
      workflowBundle: { codePath: path.join(__dirname, 'workflow-bundle.js') },
      activities,
      ...workerOptions(),
    });
    console.log(`polling task queue ${queue} in namespace ${namespace}`);
    await worker.run();
    console.log('stopped');
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
