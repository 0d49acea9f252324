import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSubmitter, GlobusApiError } from '../globus';
import { FakeTransferService, type FakeTransferOptions } from '../globus/testing/fake-transfer-service';
import { createManualClock, type ManualClock } from '../kernel/testing/manual-clock';
import { type BatchSubmitted, openTransferQueue, type EnqueueItem, type QueueOptions, type QueueSnapshot, type TransferQueue } from './index';
import { DST_A, DST_B, SRC, files as makeFiles } from './testing/queue-items';

const POLL = 1000;

const files = (n: number, destination = DST_A, prefix = 'f'): EnqueueItem[] => makeFiles(n, destination, prefix, 1000, 'request-1');

interface Rig {
  readonly clock: ManualClock;
  readonly fake: FakeTransferService;
  readonly queue: TransferQueue;
  readonly file: string;
}

const open: TransferQueue[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const q of open.splice(0)) await q.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function rig(options: Partial<QueueOptions> = {}, fakeOptions: Partial<FakeTransferOptions> = {}): Rig {
  const clock = createManualClock();
  const fake = new FakeTransferService({ clock, taskDurationMs: 3 * POLL, ...fakeOptions });
  const dir = mkdtempSync(join(tmpdir(), 'ferry-queue-'));
  dirs.push(dir);
  const file = join(dir, 'queue.db');
  const queue = openTransferQueue({ file, transfer: fake, submitter: createSubmitter(() => fake), clock, options: { pollIntervalMs: POLL, ...options } });
  open.push(queue);
  return { clock, fake, queue, file };
}

function unfinished(s: QueueSnapshot): number {
  return s.counts.queued + s.counts.batched + s.counts.submitted;
}

/** Ticks and advances the clock until nothing is left to send; bounded. */
async function drain(r: Rig, onTick?: (snapshot: QueueSnapshot) => void, maxTicks = 500): Promise<number> {
  for (let i = 0; i < maxTicks; i++) {
    const report = await r.queue.tick();
    expect(report.error).toBeNull();
    const s = r.queue.snapshot();
    onTick?.(s);
    if (unfinished(s) === 0) return i;
    r.clock.advance(POLL);
  }
  throw new Error(`queue did not drain: ${JSON.stringify(r.queue.snapshot().counts)}`);
}

function landedOnce(fake: FakeTransferService, items: readonly EnqueueItem[]): void {
  const landed = fake.landed();
  for (const item of items) expect(landed.get(`${item.destination}:${item.destinationPath}`), item.destinationPath).toBe(1);
  expect(landed.size).toBe(items.length);
}

/** The same queue database opened again, as after a restart. */
function reopen(r: Rig, options: Partial<QueueOptions>): TransferQueue {
  const queue = openTransferQueue({ file: r.file, transfer: r.fake, submitter: createSubmitter(() => r.fake), clock: r.clock, options });
  open.push(queue);
  return queue;
}

describe('TransferQueue dispatcher', () => {
  it('sends 25,000 files in batches of N with never more than M active tasks', async () => {
    const r = rig({ batchSize: 1000, maxActiveTasks: 10 });
    const items = files(25_000);
    r.queue.enqueue(items);
    let maxActive = 0;
    await drain(r, (s) => {
      maxActive = Math.max(maxActive, s.activeTasks);
      expect(s.activeTasks).toBeLessThanOrEqual(10);
    });
    expect(maxActive).toBe(10);
    expect(Math.max(...r.fake.activeAtPoll)).toBeLessThanOrEqual(10);
    expect(r.fake.tasks().length).toBe(25);
    for (const doc of r.fake.transfers) expect(doc.DATA.length).toBe(1000);
    landedOnce(r.fake, items);
    expect(r.queue.snapshot().counts).toEqual({ queued: 0, batched: 0, submitted: 0, succeeded: 25_000, failed: 0 });
  });

  it('polls all active tasks with one task_list request per tick, never one per task', async () => {
    const r = rig({ batchSize: 10, maxActiveTasks: 20 });
    r.queue.enqueue(files(200));
    await r.queue.tick();
    expect(r.queue.snapshot().activeTasks).toBe(20);
    const before = r.fake.calls.listTasks;
    r.clock.advance(POLL);
    await r.queue.tick();
    expect(r.fake.calls.listTasks - before).toBe(1);
    expect(r.fake.calls.getTask).toBe(0);
    // When tasks end they leave the active list: one more request fetches all of them by id.
    r.clock.advance(3 * POLL);
    const mid = r.fake.calls.listTasks;
    const report = await r.queue.tick();
    expect(report.finished).toBe(20);
    expect(r.fake.calls.listTasks - mid).toBe(2);
  });

  it('tells onSubmitted listeners about each accepted batch once, with the document sent', async () => {
    const r = rig({ batchSize: 10, maxActiveTasks: 5 });
    const seen: BatchSubmitted[] = [];
    const off = r.queue.onSubmitted((e) => seen.push(e));
    r.queue.onSubmitted(() => {
      throw new Error('a failing listener does not stop the queue');
    });
    r.queue.enqueue(files(25));
    await drain(r);
    expect(seen.map((e) => e.taskId).sort()).toEqual(r.fake.tasks().map((t) => t.taskId).sort());
    expect(seen.map((e) => e.files)).toEqual([10, 10, 5]);
    for (const e of seen) {
      expect(e).toMatchObject({ source: SRC, destination: DST_A, duplicate: false, bytes: e.files * 1000 });
      expect(e.submission.submission_id).toBe(e.submissionId);
      expect(e.submission.DATA).toHaveLength(e.files);
      expect(e.label).toContain(`batch ${e.batchId}`);
    }
    off();
    r.queue.enqueue(files(3, DST_B, 'g'));
    await drain(r);
    expect(seen).toHaveLength(3);
  });

  it('turns Globus e-mails off for bulk tasks unless the setting says otherwise', async () => {
    const r = rig({ batchSize: 5 });
    r.queue.enqueue(files(5));
    await r.queue.tick();
    const [first] = r.fake.transfers;
    expect([first?.notify_on_succeeded, first?.notify_on_failed, first?.notify_on_inactive]).toEqual([false, false, false]);
    r.queue.updateOptions({ notifyGlobus: true });
    r.queue.enqueue(files(5, DST_A, 'g'));
    await r.queue.tick();
    const second = r.fake.transfers[1];
    expect([second?.notify_on_succeeded, second?.notify_on_failed, second?.notify_on_inactive]).toEqual([true, true, true]);
    expect(second?.label).toMatch(/^Ferry queue batch \d+$/);
  });

  it('never goes above the hard cap of 100 whatever M is set to', () => {
    const r = rig({ maxActiveTasks: 500 });
    expect(r.queue.options.maxActiveTasks).toBe(100);
  });

  it('backs off on the API limit error and loses nothing', async () => {
    const r = rig({ batchSize: 10, maxActiveTasks: 8, limitBackoffMs: 2 * POLL }, { pendingLimit: 3 });
    const items = files(100);
    r.queue.enqueue(items);
    await r.queue.tick();
    const s = r.queue.snapshot();
    expect(s.activeTasks).toBe(3);
    expect(s.backoffUntil).not.toBeNull();
    expect(s.lastError).toMatch(/LimitExceeded/);
    const submitsDuringBackoff = r.fake.calls.submitTransfer;
    r.clock.advance(POLL);
    await r.queue.tick();
    expect(r.fake.calls.submitTransfer).toBe(submitsDuringBackoff);
    await drain(r);
    landedOnce(r.fake, items);
    expect(new Set(r.fake.transfers.map((d) => d.submission_id)).size).toBe(10);
  });

  it('treats 429 as a limit too', async () => {
    const r = rig({ batchSize: 10 }, { pendingLimit: 1, limitError: { status: 429, code: 'TooManyRequests', message: 'slow down' } });
    r.queue.enqueue(files(30));
    await r.queue.tick();
    expect(r.queue.snapshot().backoffUntil).not.toBeNull();
    await drain(r);
  });

  it('waits on 409 Conflict, records which task blocks, then sends', async () => {
    const r = rig({ batchSize: 10, conflictBackoffMs: POLL });
    const blocker = r.fake.addForeignTask(SRC, DST_A, [['/src/f3', '/dst/f3']], 5 * POLL);
    const items = files(10);
    r.queue.enqueue(items);
    await r.queue.tick();
    const s = r.queue.snapshot();
    expect(s.blocked).toEqual([expect.objectContaining({ blockedBy: blocker, destination: DST_A })]);
    expect(s.reconciliations[0]).toMatchObject({ kind: 'conflict-blocked' });
    expect(s.reconciliations[0]?.detail).toContain(blocker);
    await drain(r);
    expect(r.queue.snapshot().counts.succeeded).toBe(10);
    // The blocked batch kept its submission id: one id, resubmitted.
    expect(new Set(r.fake.transfers.map((d) => d.submission_id)).size).toBe(1);
  });

  it('fails a batch Globus refuses for good with the reason, and retries it on request', async () => {
    let refuse = true;
    const r = rig({ batchSize: 10 }, {
      onSubmit: (_doc, phase) => {
        if (refuse && phase === 'before') {
          throw new GlobusApiError({ status: 403, code: 'ConsentRequired', message: 'data_access consent missing' });
        }
      },
    });
    r.queue.enqueue(files(5));
    await r.queue.tick();
    expect(r.queue.snapshot().counts.failed).toBe(5);
    expect(r.queue.listItems({ state: 'failed' })[0]?.reason).toMatch(/ConsentRequired/);
    refuse = false;
    expect(r.queue.retryFailed()).toBe(5);
    await drain(r);
    expect(r.queue.snapshot().counts.succeeded).toBe(5);
  });

  it('retries after a network error with the same submission id', async () => {
    let down = true;
    const r = rig({ batchSize: 10, transientBackoffMs: POLL }, {
      onSubmit: (_doc, phase) => {
        if (down && phase === 'before') throw new TypeError('fetch failed');
      },
    });
    r.queue.enqueue(files(10));
    await r.queue.tick();
    expect(r.queue.snapshot().lastError).toMatch(/fetch failed/);
    down = false;
    await drain(r);
    expect(new Set(r.fake.transfers.map((d) => d.submission_id)).size).toBe(1);
    expect(r.fake.tasks().length).toBe(1);
  });
});

describe('TransferQueue crash safety (in process)', () => {
  it('resubmits with the same submission id after a crash between submit and save: Duplicate, no second task', async () => {
    let crash = true;
    const r = rig({ batchSize: 10, transientBackoffMs: POLL }, {
      onSubmit: (_doc, phase) => {
        // Globus accepted the task, then the answer never arrived.
        if (crash && phase === 'after') throw new TypeError('socket hang up');
      },
    });
    const items = files(30);
    r.queue.enqueue(items);
    await r.queue.tick();
    crash = false;
    // Restart: a new queue over the same file.
    await r.queue.close();
    open.splice(open.indexOf(r.queue), 1);
    const queue = reopen(r, { pollIntervalMs: POLL, batchSize: 10 });
    const restarted = { ...r, queue };
    await drain(restarted);
    expect(r.fake.duplicates).toBeGreaterThanOrEqual(1);
    expect(r.fake.tasks().length).toBe(3);
    landedOnce(r.fake, items);
    expect(queue.snapshot().reconciliations.some((e) => e.kind === 'duplicate-resolved')).toBe(true);
  });

  it('reports a batch resolved by Duplicate after a restart as submitted, marked duplicate', async () => {
    let crash = true;
    const r = rig({ batchSize: 10, transientBackoffMs: POLL }, {
      onSubmit: (_doc, phase) => {
        if (crash && phase === 'after') throw new TypeError('socket hang up');
      },
    });
    r.queue.enqueue(files(10));
    await r.queue.tick();
    crash = false;
    await r.queue.close();
    open.splice(open.indexOf(r.queue), 1);
    const queue = reopen(r, { pollIntervalMs: POLL, batchSize: 10 });
    const seen: BatchSubmitted[] = [];
    queue.onSubmitted((e) => seen.push(e));
    await drain({ ...r, queue });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ duplicate: true, taskId: r.fake.tasks()[0]?.taskId });
  });

  it('keeps paused across a restart and keeps watching active tasks while paused', async () => {
    const r = rig({ batchSize: 10, maxActiveTasks: 1 });
    r.queue.enqueue(files(20));
    await r.queue.tick();
    r.queue.pause();
    r.clock.advance(5 * POLL);
    await r.queue.tick();
    let s = r.queue.snapshot();
    expect(s.paused).toBe(true);
    expect(s.counts).toMatchObject({ succeeded: 10, queued: 10 });
    expect(r.fake.tasks().length).toBe(1);
    await r.queue.close();
    open.splice(open.indexOf(r.queue), 1);
    const queue = reopen(r, { batchSize: 10 });
    await queue.tick();
    s = queue.snapshot();
    expect(s.paused).toBe(true);
    expect(r.fake.tasks().length).toBe(1);
    queue.resume();
    await drain({ ...r, queue });
    expect(queue.snapshot().counts.succeeded).toBe(20);
  });
});

describe('TransferQueue checking', () => {
  it('marks only the skipped files of a partially failed task as failed; they can be retried', async () => {
    let broken = new Set(['/src/f2', '/src/f7']);
    const r = rig({ batchSize: 10 }, { failFile: (p) => (broken.has(p) ? 'FILE_NOT_FOUND' : undefined), pageSize: 1 });
    r.queue.enqueue(files(10));
    await drain(r);
    expect(r.queue.snapshot().counts).toMatchObject({ succeeded: 8, failed: 2 });
    const failed = r.queue.listItems({ state: 'failed' });
    expect(failed.map((i) => i.sourcePath)).toEqual(['/src/f2', '/src/f7']);
    expect(failed[0]?.reason).toMatch(/FILE_NOT_FOUND/);
    broken = new Set();
    expect(r.queue.retryFailed([failed[0]!.id])).toBe(1);
    await drain(r);
    expect(r.queue.snapshot().counts).toMatchObject({ succeeded: 9, failed: 1 });
    expect(r.fake.transfers.at(-1)?.DATA.map((d) => d.source_path)).toEqual(['/src/f2']);
  });

  it('marks the files a FAILED task did transfer as succeeded and the rest failed', async () => {
    const r = rig({ batchSize: 10 }, { failFile: (p) => (p === '/src/f0' ? 'PERMISSION_DENIED' : undefined), failMode: 'fail' });
    r.queue.enqueue(files(10));
    await drain(r);
    const s = r.queue.snapshot();
    expect(s.counts).toMatchObject({ succeeded: 9, failed: 1 });
    expect(r.queue.listItems({ state: 'failed' })[0]?.reason).toMatch(/FILE_ERRORS/);
  });

  it('reports per-destination throughput and plain JSON snapshots to listeners', async () => {
    const r = rig({ batchSize: 100, throughputWindowMs: 10 * POLL });
    const seen: QueueSnapshot[] = [];
    const off = r.queue.onChange((s) => seen.push(s));
    r.queue.enqueue([...files(100), ...files(100, DST_B)]);
    await r.queue.tick();
    r.clock.advance(POLL);
    await r.queue.tick();
    const s = r.queue.snapshot();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    const a = s.destinations.find((d) => d.collection === DST_A);
    expect(a).toMatchObject({ enabled: true, activeTasks: 1 });
    expect(a?.bytesPerSecond).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(0);
    const count = seen.length;
    off();
    r.queue.pause();
    expect(seen.length).toBe(count);
  });
});

describe('TransferQueue hypervisor', () => {
  it('finds a stalled task, cancels it, and its items finish after requeue', async () => {
    const r = rig({ batchSize: 10, stallPolls: 3 }, { taskDurationMs: 10 * POLL });
    const items = files(10);
    r.queue.enqueue(items);
    await r.queue.tick();
    const [taskId] = r.fake.activeTaskIds();
    r.clock.advance(POLL);
    r.fake.stall(taskId!);
    await drain(r);
    const s = r.queue.snapshot();
    expect(s.counts.succeeded).toBe(10);
    expect(s.reconciliations.map((e) => e.kind)).toContain('cancelled-stalled');
    expect(r.fake.calls.cancelTask).toBe(1);
    expect(r.fake.tasks().length).toBe(2);
    landedOnce(r.fake, items);
  });

  it('requeues the items of a task Globus no longer knows (404)', async () => {
    const r = rig({ batchSize: 10 }, { taskDurationMs: 5 * POLL });
    r.queue.enqueue(files(10));
    await r.queue.tick();
    r.fake.forget(r.fake.activeTaskIds()[0]!);
    await drain(r);
    const s = r.queue.snapshot();
    expect(s.counts.succeeded).toBe(10);
    expect(s.reconciliations.map((e) => e.kind)).toContain('task-unknown');
  });

  it('reconciles a task that succeeded while the poll missed it', async () => {
    const r = rig({ batchSize: 10 });
    r.queue.enqueue(files(10));
    await r.queue.tick();
    const [taskId] = r.fake.activeTaskIds();
    r.fake.hideFromList(taskId!);
    await drain(r);
    const s = r.queue.snapshot();
    expect(s.counts.succeeded).toBe(10);
    expect(s.reconciliations.map((e) => e.kind)).toContain('missed-completion');
    expect(r.fake.tasks().length).toBe(1);
  });

  it('cancels a task past the age limit when told to, keeping the files that arrived', async () => {
    const r = rig({ batchSize: 10, maxTaskAgeMs: 2 * POLL, cancelAged: true }, { taskDurationMs: 100 * POLL });
    r.queue.enqueue(files(10));
    await r.queue.tick();
    r.clock.advance(2 * POLL);
    await r.queue.tick();
    const s = r.queue.snapshot();
    expect(s.reconciliations[0]).toMatchObject({ kind: 'cancelled-aged' });
    expect(r.fake.calls.cancelTask).toBe(1);
  });

  it('lets a person cancel a stuck task; unfinished items go back to the queue', async () => {
    const r = rig({ batchSize: 10 }, { taskDurationMs: 10 * POLL });
    r.queue.enqueue(files(10));
    await r.queue.tick();
    r.clock.advance(5 * POLL);
    const [batch] = r.queue.unfinishedBatches().filter((b) => b.state === 'active');
    r.queue.pause();
    expect(await r.queue.cancelBatch(batch!.id)).toBe(true);
    const s = r.queue.snapshot();
    expect(s.counts).toEqual({ queued: 5, batched: 0, submitted: 0, succeeded: 5, failed: 0 });
    expect(s.reconciliations[0]).toMatchObject({ kind: 'cancelled-by-user', taskId: batch!.taskId });
  });
});

describe('TransferQueue destinations', () => {
  it('holds the items of a disabled destination until it is enabled, while others flow', async () => {
    const r = rig({ batchSize: 10 });
    r.queue.setDestinationEnabled(DST_B, false);
    r.queue.enqueue([...files(20, DST_A), ...files(20, DST_B)]);
    for (let i = 0; i < 20; i++) {
      await r.queue.tick();
      r.clock.advance(POLL);
    }
    let s = r.queue.snapshot();
    expect(s.destinations.find((d) => d.collection === DST_B)).toMatchObject({ enabled: false, queued: 20, activeTasks: 0 });
    expect(s.counts).toMatchObject({ succeeded: 20, queued: 20 });
    expect(r.fake.transfers.every((d) => d.destination_endpoint === DST_A)).toBe(true);
    r.queue.setDestinationEnabled(DST_B, true);
    await drain(r);
    s = r.queue.snapshot();
    expect(s.counts.succeeded).toBe(40);
  });

  it('runs on its own timers with start() and stops cleanly', async () => {
    const r = rig({ batchSize: 10 });
    r.queue.start();
    r.queue.enqueue(files(30));
    for (let i = 0; i < 100 && unfinished(r.queue.snapshot()) > 0; i++) {
      r.clock.advance(POLL);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(r.queue.snapshot().counts.succeeded).toBe(30);
    await r.queue.stop();
    expect(r.clock.pending()).toBe(0);
  });
});
