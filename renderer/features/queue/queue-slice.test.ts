import { describe, expect, it } from 'vitest';
import { sliceSetters } from '../../store/scoped-set';
import { createStore } from 'zustand/vanilla';
import type { QueueEnqueueRequest, QueueItemPage, QueueItemQuery, QueueItemRow, QueueStatus } from '../../../shared/contract/queue';
import type { AppApi } from '../../../shared/ipc-contract';
import { createFakeApi } from '../../store/testing/fake-api';
import { createToastSlice } from '../../store/toast-slice';
import type { AppState } from '../../store/types';
import { createQueueSlice, queueSelectors } from './queue-slice';
import { parsePaths, validateSend } from './send-form';

const DST = 'bbbbbbbb-0000-4000-8000-000000000002';

function status(partial: Partial<QueueStatus> = {}): QueueStatus {
  return {
    paused: false,
    dispatching: true,
    hold: null,
    counts: { queued: 0, batched: 0, submitted: 0, succeeded: 0, failed: 0 },
    activeTasks: 0,
    inactiveTasks: 0,
    maxActiveTasks: 90,
    batchSize: 1000,
    pendingBatches: 0,
    backoffUntil: null,
    lastError: null,
    notifyGlobus: false,
    destinations: [],
    blocked: [],
    reconciliations: [],
    throughputWindowMs: 60_000,
    at: 0,
    ...partial,
  };
}

function item(id: number, partial: Partial<QueueItemRow> = {}): QueueItemRow {
  return {
    id,
    source: 'src',
    sourcePath: `/f${id}`,
    destination: DST,
    destinationPath: `/in/f${id}`,
    size: 1,
    origin: 'manual',
    originId: null,
    state: 'queued',
    batchId: 1,
    reason: null,
    attempts: 0,
    enqueuedAt: 0,
    ...partial,
  };
}

/** A queue of `total` items the fake API pages through; records every query. */
function setup(total = 450, overrides: Partial<AppApi['queue']> = {}) {
  let all = Array.from({ length: total }, (_, i) => item(i + 1));
  const queries: QueueItemQuery[] = [];
  const sent: QueueEnqueueRequest[] = [];
  let current = status();
  const listItems = async (q: QueueItemQuery = {}): Promise<QueueItemPage> => {
    queries.push(q);
    const rows = all.filter((r) => (!q.state || r.state === q.state) && (!q.destination || r.destination === q.destination));
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 200;
    return { items: rows.slice(offset, offset + limit), offset, hasMore: offset + limit < rows.length };
  };
  const fake = createFakeApi({
    queue: {
      snapshot: async () => current,
      listItems,
      listBatches: async () => [],
      pause: async () => (current = status({ paused: true, hold: 'paused' })),
      enqueue: async (request) => {
        sent.push(request);
        return { inserted: request.files.length, duplicate: false, foldersExpanded: 0 };
      },
      ...overrides,
    },
  });
  const store = createStore<AppState>()((set, get) => {
    const scoped = sliceSetters(set);
    return {
      toasts: createToastSlice(scoped('toasts')),
      queue: createQueueSlice(fake.api, scoped('queue'), get),
    } as unknown as AppState;
  });
  const q = () => store.getState().queue;
  return {
    fake,
    q,
    s: () => store.getState(),
    queries,
    sent,
    setItems: (rows: QueueItemRow[]) => (all = rows),
  };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 0));
  expect(check()).toBe(true);
};

describe('queue slice', () => {
  it('loads the status and the first page on attach, and refreshes both on queue:changed', async () => {
    const t = setup();
    const off = t.q().attach?.();
    await until(() => t.q().items.length === 200);
    expect(t.q().status?.dispatching).toBe(true);
    expect(t.q().itemsHasMore).toBe(true);
    t.setItems(Array.from({ length: 450 }, (_, i) => item(i + 1, { state: 'succeeded' })));
    t.fake.emit('queue', 'onChanged', status({ counts: { queued: 0, batched: 0, submitted: 0, succeeded: 450, failed: 0 } }));
    expect(queueSelectors.status(t.s())?.counts.succeeded).toBe(450);
    await until(() => t.q().items[0]?.state === 'succeeded');
    off?.();
    expect(t.fake.listenerCount('queue', 'onChanged')).toBe(0);
  });

  it('pages on with loadMoreItems and refetches what is shown after a change', async () => {
    const t = setup();
    await t.q().load();
    await t.q().loadMoreItems();
    await t.q().loadMoreItems();
    expect(t.q().items.map((i) => i.id)).toEqual(Array.from({ length: 450 }, (_, i) => i + 1));
    expect(t.q().itemsHasMore).toBe(false);
    await t.q().refreshLists();
    expect(t.queries.at(-1)).toMatchObject({ offset: 0, limit: 600 });
    expect(t.q().items).toHaveLength(450);
  });

  it('filters by state and destination, dropping answers to an older filter', async () => {
    const t = setup(10);
    t.setItems([item(1), item(2, { state: 'failed', reason: 'PERMISSION_DENIED' }), item(3, { destination: 'other' })]);
    await t.q().load();
    t.q().setFilter({ state: 'failed' });
    t.q().setFilter({ destination: DST });
    await until(() => !t.q().itemsLoading);
    expect(t.queries.at(-1)).toMatchObject({ state: 'failed', destination: DST });
    expect(t.q().items.map((i) => i.id)).toEqual([2]);
  });

  it('applies the status an action returns and enqueues what the form sends', async () => {
    const t = setup(0);
    await t.q().load();
    await t.q().pause();
    expect(t.q().status?.hold).toBe('paused');
    const result = await t.q().send({ source: 's', destination: DST, destinationFolder: '/in', files: [{ path: '/a' }, { path: '/b/' }] });
    expect(result?.inserted).toBe(2);
    expect(t.q().lastSent).toEqual(result);
    expect(t.sent[0]?.files).toEqual([{ path: '/a' }, { path: '/b/' }]);
  });

  it('sends every request with a request id: a double click or a retry after a failure reuses it, new files get a new one', async () => {
    let failNext = true;
    const seen: QueueEnqueueRequest[] = [];
    const t = setup(0, {
      enqueue: async (request) => {
        seen.push(request);
        if (failNext) {
          failNext = false;
          throw new Error('Lost the connection to Ferry');
        }
        return { inserted: request.files.length, duplicate: false, foldersExpanded: 0 };
      },
    });
    const request = { source: 's', destination: DST, destinationFolder: '/in', files: [{ path: '/a' }] };
    expect(await t.q().send(request)).toBeNull();
    // The same files again, twice at once (a double click): the same id as the failed attempt.
    await Promise.all([t.q().send(request), t.q().send(request)]);
    const ids = seen.map((r) => r.requestId);
    expect(ids[0]).toMatch(/^send-/);
    expect(new Set(ids).size).toBe(1);
    // After a success, and for other files, a new id.
    await t.q().send(request);
    await t.q().send({ ...request, files: [{ path: '/b' }] });
    expect(seen[3]?.requestId).not.toBe(ids[0]);
    expect(seen[4]?.requestId).not.toBe(seen[3]?.requestId);
  });

  it('keeps the UI consistent when a call fails: the action answers null and clears its busy flag', async () => {
    const t = setup(0);
    await t.q().load();
    expect(await t.q().retryFailed()).toBeNull();
    expect(t.q().busy).toEqual({});
    expect(await t.q().updateOptions({ maxActiveTasks: 5 })).toBe(false);
  });
});

describe('destination switches', () => {
  it('show the flipped state at once, keep it through older events, and settle on the answer', async () => {
    const dest = { collection: DST, name: 'Dest', enabled: true, queued: 2, activeTasks: 0, bytesPerSecond: 0 };
    let answer: (s: QueueStatus) => void = () => undefined;
    const t = setup(0, {
      snapshot: async () => status({ destinations: [dest] }),
      setDestinationEnabled: () => new Promise<QueueStatus>((resolve) => (answer = resolve)),
    });
    await t.q().load();
    const pending = t.q().setDestinationEnabled(DST, false);
    expect(t.q().status?.destinations[0]?.enabled).toBe(false);
    t.q().received(status({ destinations: [dest] }));
    expect(t.q().status?.destinations[0]?.enabled).toBe(false);
    answer(status({ destinations: [{ ...dest, enabled: false }] }));
    await pending;
    t.q().received(status({ destinations: [dest] }));
    expect(t.q().status?.destinations[0]?.enabled).toBe(true);
  });

  it('go back to what the host says when the call fails', async () => {
    const dest = { collection: DST, name: 'Dest', enabled: true, queued: 2, activeTasks: 0, bytesPerSecond: 0 };
    const t = setup(0, { snapshot: async () => status({ destinations: [dest] }) });
    await t.q().load();
    await t.q().setDestinationEnabled(DST, false);
    expect(t.q().status?.destinations[0]?.enabled).toBe(true);
    expect(t.q().busy).toEqual({});
  });
});

describe('send form checks', () => {
  it('reads one path per line and says what to fix', () => {
    expect(parsePaths(' /a \n\n/b/\r\n')).toEqual(['/a', '/b/']);
    const src = { id: 'x', name: null };
    expect(validateSend({ source: src, paths: ['/a'], destination: src, folder: '/in' })).toBeNull();
    expect(validateSend({ source: null, paths: [], destination: null, folder: 'in' })).toEqual({
      source: expect.stringMatching(/Choose the collection/),
      paths: expect.stringMatching(/at least one/),
      destination: expect.stringMatching(/send to/),
      folder: expect.stringMatching(/starts with \//),
    });
    expect(validateSend({ source: src, paths: ['data/a'], destination: src, folder: '/' })?.paths).toMatch(/data\/a: paths start with \//);
  });
});
