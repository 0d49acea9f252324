/**
 * Child process for crash tests: runs one job and stops dead (waits forever, to be SIGKILLed)
 * at a chosen point. Usage: node --import tsx crash-child.ts '<json>'
 */
import { writeFileSync } from 'node:fs';
import { createSubmitter } from '../../globus';
import { SyncEngine } from '../engine';
import { FakeTransferService } from '../../globus/testing/fake-transfer-service';

interface Args {
  readonly data: string;
  readonly src: string;
  readonly dst: string;
  readonly fakeState: string;
  readonly jobId: string;
  /** `scan`: stop after 3 folders; `submit`: stop after Globus accepted the 2nd task, before Ferry recorded it. */
  readonly mode: 'scan' | 'submit';
  readonly marker: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const forever = (): Promise<never> => {
  writeFileSync(args.marker, String(process.pid));
  return new Promise<never>(() => setInterval(() => undefined, 1000));
};
// The same options as the test's fake: both share the task table through the state file.
const fake = new FakeTransferService({ collections: { SRC: args.src, DST: args.dst }, stateFile: args.fakeState, taskDurationMs: 0 });
const submit = fake.submitTransfer.bind(fake);
let submitted = 0;
fake.submitTransfer = async (doc) => {
  const res = await submit(doc);
  if (args.mode === 'submit' && ++submitted === 2) await forever();
  return res;
};
const engine = new SyncEngine({
  dataDir: args.data,
  transfer: fake,
  submitter: createSubmitter(() => fake),
  pollIntervalMs: 10,
  workers: 2,
  hooks: {
    afterDir: async (n) => {
      if (args.mode === 'scan' && n === 3) await forever();
    },
  },
});
await engine.runJob(args.jobId, { until: 'completed' });
await engine.close();
