/**
 * The queue (electron/core/queue) against the real Globus emulator and the real TransferService (@globus/sdk):
 * files really move between collection folders on disk.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSubmitter, type TransferService } from '../../electron/core/globus';
import { openTransferQueue, type EnqueueItem, type QueueOptions, type QueueSnapshot, type TransferQueue } from '../../electron/core/queue';
import { RIG_DEST_A, RIG_DEST_B, RIG_SOURCE, startEmulatorRig, writeSmallFiles, type EmulatorRig } from './support/emulator-rig';

let rig: EmulatorRig;
let queue: TransferQueue | undefined;

beforeEach(async () => {
  rig = await startEmulatorRig();
});

afterEach(async () => {
  await queue?.close();
  queue = undefined;
  await rig.close();
});

function items(paths: readonly string[], destination: string): EnqueueItem[] {
  return paths.map((p) => ({
    source: RIG_SOURCE,
    sourcePath: p,
    destination,
    destinationPath: `/in${p}`,
    size: p.length + 1,
    origin: 'manual' as const,
    originId: 'emulator-test',
  }));
}

/** Counts what Globus reports as active at every poll the queue makes. */
function sampling(transfer: TransferService, samples: number[]): TransferService {
  return {
    ...transfer,
    listTasks: async (query) => {
      const page = await transfer.listTasks(query);
      if (query?.filter?.includes('status:')) samples.push(page.DATA.filter((t) => t.status === 'ACTIVE' || t.status === 'INACTIVE').length);
      return page;
    },
  };
}

function open(transfer: TransferService, options: Partial<QueueOptions>): TransferQueue {
  queue = openTransferQueue({ file: join(rig.dir, 'ferry', 'queue.db'), transfer, submitter: createSubmitter(() => transfer), options: { pollIntervalMs: 25, ...options } });
  return queue;
}

/** Bounded polling of the queue until `done` holds. */
async function until(q: TransferQueue, done: (s: QueueSnapshot) => boolean, timeoutMs: number): Promise<QueueSnapshot> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const s = q.snapshot();
    if (done(s)) return s;
    if (Date.now() > end) throw new Error(`timed out: ${JSON.stringify({ counts: s.counts, lastError: s.lastError, log: s.reconciliations })}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const drained = (s: QueueSnapshot): boolean => s.counts.queued + s.counts.batched + s.counts.submitted === 0;

async function expectArrived(paths: readonly string[], destination: string): Promise<void> {
  for (const p of paths) expect(await readFile(join(rig.root(destination), 'in', p), 'utf8')).toBe(`${p}\n`);
}

describe('transfer queue against the Globus emulator', () => {
  it('sends 25,000 small files in batches of N with never more than M active tasks', { timeout: 120_000 }, async () => {
    const paths = await writeSmallFiles(rig.root(RIG_SOURCE), 'bulk', 25_000);
    const samples: number[] = [];
    const q = open(sampling(rig.transfer, samples), { batchSize: 1000, maxActiveTasks: 10 });
    q.enqueue(items(paths, RIG_DEST_A));
    q.start();
    const s = await until(q, drained, 110_000);
    expect(s.counts).toEqual({ queued: 0, batched: 0, submitted: 0, succeeded: 25_000, failed: 0 });
    expect(samples.length).toBeGreaterThan(0);
    expect(Math.max(...samples)).toBeLessThanOrEqual(10);
    const tasks = await rig.transfer.listTasks({ limit: 1000 });
    expect(tasks.DATA).toHaveLength(25);
    for (const t of tasks.DATA) expect(t).toMatchObject({ status: 'SUCCEEDED', files: 1000, files_transferred: 1000 });
    await expectArrived(paths.filter((_, i) => i % 997 === 0), RIG_DEST_A);
  });

  it('finds an injected stalled task with the hypervisor; its items finish after requeue', { timeout: 60_000 }, async () => {
    const paths = await writeSmallFiles(rig.root(RIG_SOURCE), 'stall', 40);
    const q = open(rig.transfer, { batchSize: 20, stallPolls: 4 });
    q.enqueue(items(paths, RIG_DEST_A));
    await q.tick();
    const [first] = q.unfinishedBatches().filter((b) => b.state === 'active');
    await rig.emulator.control.stallTask(first!.taskId!);
    q.start();
    const s = await until(q, drained, 50_000);
    expect(s.counts.succeeded).toBe(40);
    expect(s.reconciliations.map((e) => e.kind)).toContain('cancelled-stalled');
    const stalled = await rig.transfer.getTask(first!.taskId!);
    expect(stalled.status).toBe('FAILED');
    await expectArrived(paths, RIG_DEST_A);
  });

  it('holds the items of a disabled destination until it is enabled', { timeout: 60_000 }, async () => {
    const paths = await writeSmallFiles(rig.root(RIG_SOURCE), 'gate', 30);
    const q = open(rig.transfer, { batchSize: 10 });
    q.setDestinationEnabled(RIG_DEST_B, false);
    q.enqueue([...items(paths, RIG_DEST_A), ...items(paths, RIG_DEST_B)]);
    q.start();
    let s = await until(q, (x) => x.counts.succeeded === 30, 30_000);
    expect(s.destinations.find((d) => d.collection === RIG_DEST_B)).toMatchObject({ enabled: false, queued: 30, activeTasks: 0 });
    const tasks = await rig.transfer.listTasks({ limit: 1000 });
    expect(tasks.DATA.every((t) => t.destination_endpoint_id === RIG_DEST_A)).toBe(true);
    q.setDestinationEnabled(RIG_DEST_B, true);
    s = await until(q, drained, 30_000);
    expect(s.counts.succeeded).toBe(60);
    await expectArrived(paths, RIG_DEST_B);
  });

  it('marks only the failing files of a task as failed and retries them once fixed', { timeout: 60_000 }, async () => {
    const paths = await writeSmallFiles(rig.root(RIG_SOURCE), 'partial', 10);
    // The emulator retries a faulted file until the deadline: give the task a short one.
    await rig.emulator.control.failFiles({ pathContains: '/partial/d0/f3', errorCode: 'PERMISSION_DENIED' });
    const transfer: TransferService = {
      ...rig.transfer,
      submitTransfer: (doc) => rig.transfer.submitTransfer({ ...doc, deadline: new Date(Date.now() + 1500).toISOString() }),
    };
    const q2 = open(transfer, { batchSize: 10 });
    q2.enqueue(items(paths, RIG_DEST_A));
    q2.start();
    let s = await until(q2, drained, 30_000);
    expect(s.counts).toMatchObject({ succeeded: 9, failed: 1 });
    const [failed] = q2.listItems({ state: 'failed' });
    expect(failed?.sourcePath).toBe('/partial/d0/f3');
    await rig.emulator.control.reset();
    q2.retryFailed([failed!.id]);
    s = await until(q2, drained, 30_000);
    expect(s.counts).toMatchObject({ succeeded: 10, failed: 0 });
    await expectArrived(paths, RIG_DEST_A);
  });
});
