/**
 * Child process for the scan-error tests that need permissions to bite: the tests run as root
 * here, where EACCES never happens, so they start this script as an unprivileged user. It
 * previews a job, runs it to completion, and prints both (with the run's log) as one JSON line.
 * Usage: node --import tsx scan-child.ts '<json>'
 */
import { createSubmitter } from '../../globus';
import { FakeTransferService } from '../../globus/testing/fake-transfer-service';
import { SyncEngine } from '../engine';

interface Args {
  readonly data: string;
  readonly src: string;
  readonly dst: string;
  readonly job: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const fake = new FakeTransferService({ collections: { SRC: args.src, DST: args.dst }, taskDurationMs: 0 });
const engine = new SyncEngine({ dataDir: args.data, transfer: fake, submitter: createSubmitter(() => fake), pollIntervalMs: 10, workers: 2 });
try {
  const preview = await engine.preview(args.job);
  const run = await engine.runJobToCompletion(args.job);
  process.stdout.write(`${JSON.stringify({ preview, run, log: engine.runLog(run.id), uid: process.getuid?.() ?? null })}\n`);
} finally {
  await engine.close();
}
