/**
 * The queue as a process of its own, for the crash test: the parent SIGKILLs it at random points
 * and starts it again. Reads its configuration from the JSON file named by argv[2]; prints one
 * line per step ("enqueued", "tick {...}", "done") so the parent can pick where to kill.
 */
import { readFileSync } from 'node:fs';
import { createSubmitter, createTransferService, type TransferService } from '../../../electron/core/globus';
import { openTransferQueue, type EnqueueItem, type QueueOptions } from '../../../electron/core/queue';
import { openAuth, type RigEnvironment } from './rig-auth';

export interface CrashChildConfig {
  readonly tokenFile: string;
  readonly environment: RigEnvironment;
  readonly dbFile: string;
  readonly requestId: string;
  readonly items: readonly EnqueueItem[];
  readonly options: Partial<QueueOptions>;
  readonly pauseMs: number;
  /**
   * A slow network: the answer of submitTransfer (already accepted by Globus) and of
   * getSubmissionId reach the queue this much later, widening the windows a crash can hit.
   */
  readonly answerDelayMs: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as CrashChildConfig;
  const auth = openAuth(config.tokenFile, config.environment);
  const real = createTransferService({ auth, retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } });
  const late = <T>(value: T, line: string): Promise<T> => {
    process.stdout.write(`${line}\n`);
    return new Promise((resolve) => setTimeout(() => resolve(value), config.answerDelayMs));
  };
  const transfer: TransferService = {
    ...real,
    getSubmissionId: async () => late(await real.getSubmissionId(), 'submission-id'),
    submitTransfer: async (doc) => {
      const result = await real.submitTransfer(doc);
      return late(result, `submitted ${result.code}`);
    },
  };
  const queue = openTransferQueue({ file: config.dbFile, transfer, submitter: createSubmitter(() => transfer), options: config.options });
  queue.enqueue(config.items, { requestId: config.requestId });
  process.stdout.write('enqueued\n');
  for (;;) {
    const report = await queue.tick();
    process.stdout.write(`tick ${JSON.stringify(report)}\n`);
    const { counts } = queue.snapshot();
    if (counts.queued + counts.batched + counts.submitted === 0) break;
    await new Promise((resolve) => setTimeout(resolve, config.pauseMs));
  }
  process.stdout.write('done\n');
  await queue.close();
  await auth.dispose();
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
