import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createQueueStore, InvalidQueueItemError, type EnqueueItem, type QueueStore } from './index';
import { DST_A, DST_B, files as makeFiles } from './testing/queue-items';


const files = (n: number, destination = DST_A, prefix = 'f'): EnqueueItem[] => makeFiles(n, destination, prefix, 10, 'req-1');

let store: QueueStore | undefined;
let dir: string | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('QueueStore', () => {
  it('fills open batches of up to N per (source, destination) and counts them as queued', () => {
    store = createQueueStore(':memory:');
    store.batchSize = 4;
    store.enqueue([...files(10), ...files(3, DST_B)]);
    expect(store.counts()).toEqual({ queued: 13, batched: 0, submitted: 0, succeeded: 0, failed: 0 });
    const perDestination = store.perDestination();
    expect(perDestination.get(DST_A)?.queued).toBe(10);
    expect(perDestination.get(DST_B)?.queued).toBe(3);
    // A later enqueue tops up the last open batch before opening another.
    store.enqueue(files(2, DST_A, 'g'));
    const planned = store.plan(100);
    const sizes = planned.map((id) => store?.batch(id)?.files);
    expect(sizes.sort()).toEqual([3, 4, 4, 4]);
    expect(store.counts().batched).toBe(15);
  });

  it('plans round-robin across pairs so one destination does not starve another', () => {
    store = createQueueStore(':memory:');
    store.batchSize = 2;
    store.enqueue(files(10, DST_A));
    store.enqueue(files(2, DST_B));
    const first = store.plan(2).map((id) => store?.batch(id)?.destination);
    expect(first.sort()).toEqual([DST_A, DST_B].sort());
  });

  it('makes an enqueue with a request id idempotent', () => {
    store = createQueueStore(':memory:');
    expect(store.enqueue(files(5), { requestId: 'r1' })).toEqual({ inserted: 5, duplicate: false });
    expect(store.enqueue(files(5), { requestId: 'r1' })).toEqual({ inserted: 0, duplicate: true });
    expect(store.counts().queued).toBe(5);
  });

  it('rejects a malformed item without inserting any', () => {
    store = createQueueStore(':memory:');
    const bad = [...files(3), { ...files(1)[0]!, sourcePath: 'relative/path' }];
    expect(() => store?.enqueue(bad)).toThrow(InvalidQueueItemError);
    expect(() => store?.enqueue([{ ...files(1)[0]!, size: -1 }])).toThrow(/size/);
    expect(() => store?.enqueue([{ ...files(1)[0]!, origin: 'elsewhere' as 'manual' }])).toThrow(/origin/);
    expect(store.counts().queued).toBe(0);
  });

  it('keeps planned batches of a disabled destination queued', () => {
    store = createQueueStore(':memory:');
    store.enqueue(files(3, DST_A));
    store.setDestinationEnabled(DST_A, false);
    expect(store.plan(10)).toEqual([]);
    store.setDestinationEnabled(DST_A, true);
    const [id] = store.plan(10);
    expect(id).toBeDefined();
    store.setDestinationEnabled(DST_A, false);
    expect(store.reopenUnsubmitted(DST_A)).toBe(1);
    expect(store.counts()).toMatchObject({ queued: 3, batched: 0 });
  });

  it('settles a batch with per-file exceptions and retries failed items individually or all', () => {
    store = createQueueStore(':memory:');
    store.enqueue(files(4));
    const [id] = store.plan(1);
    store.setSubmissionId(id!, 'sid-1');
    store.markAccepted(id!, 'task-1');
    expect(store.counts().submitted).toBe(4);
    store.settle(id!, {
      batchState: 'done',
      taskStatus: 'SUCCEEDED',
      outcome: { state: 'succeeded' },
      exceptions: new Map([
        ['/src/f1\u0000/dst/f1', { state: 'failed', reason: 'FILE_NOT_FOUND' }],
        ['/src/f2\u0000/dst/f2', { state: 'failed', reason: 'PERMISSION_DENIED' }],
      ]),
    });
    expect(store.counts()).toMatchObject({ succeeded: 2, failed: 2 });
    const failed = store.listItems({ state: 'failed' });
    expect(failed.map((i) => [i.sourcePath, i.reason])).toEqual([
      ['/src/f1', 'FILE_NOT_FOUND'],
      ['/src/f2', 'PERMISSION_DENIED'],
    ]);
    expect(store.retryFailed([failed[0]!.id])).toBe(1);
    expect(store.counts()).toMatchObject({ queued: 1, succeeded: 2, failed: 1 });
    expect(store.retryFailed()).toBe(1);
    expect(store.counts()).toMatchObject({ queued: 2, succeeded: 2, failed: 0 });
    const again = store.listItems({ state: 'queued' });
    expect(again.map((i) => i.attempts)).toEqual([1, 1]);
    expect(store.listItems({ state: 'succeeded' }).map((i) => i.sourcePath)).toEqual(['/src/f0', '/src/f3']);
  });

  it('survives reopening: items, batches, submission ids and flags are on disk', () => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-queue-store-'));
    const file = join(dir, 'queue.db');
    store = createQueueStore(file);
    store.enqueue(files(3));
    const [id] = store.plan(1);
    store.setSubmissionId(id!, 'sid-keep');
    store.setSubmissionId(id!, 'sid-other');
    store.setMeta('paused', 'true');
    store.close();
    store = createQueueStore(file);
    expect(store.batch(id!)?.submission_id).toBe('sid-keep');
    expect(store.counts().batched).toBe(3);
    expect(store.getMeta('paused')).toBe('true');
  });
});
