import { describe, expect, it } from 'vitest';
import { sliceSetters } from '../../store/scoped-set';
import { createStore } from 'zustand/vanilla';
import type { ActivityRow } from '../../../shared/activity';
import { createAppSlice } from '../../store/app-slice';
import { createToastSlice } from '../../store/toast-slice';
import type { AppState } from '../../store/types';
import { activitySelectors, createActivitySlice, type ActivityEnv, type NotificationPermissionState } from './activity-slice';
import { deferred, fakeActivityApi, makeRow, type FakeActivityApi } from './testing/activity-fakes';

interface FakeEnv extends ActivityEnv {
  permission: NotificationPermissionState;
  answer: NotificationPermissionState;
  shown: { title: string; body: string; tag: string }[];
  time: number;
}

function fakeEnv(): FakeEnv {
  const env: FakeEnv = {
    permission: 'default',
    answer: 'granted',
    shown: [],
    time: Date.parse('2024-03-02T12:00:00Z'),
    now: () => env.time,
    notificationPermission: () => env.permission,
    requestNotificationPermission: async () => (env.permission = env.answer),
    notify: (title, body, tag) => env.shown.push({ title, body, tag }),
  };
  return env;
}

/** A store holding only the slices the activity slice talks to. */
function setup(fake: FakeActivityApi = fakeActivityApi(), env: FakeEnv = fakeEnv()) {
  const store = createStore<AppState>()((set, get) => {
    const scoped = sliceSetters(set);
    return {
      app: createAppSlice(fake.api, scoped('app')),
      toasts: createToastSlice(scoped('toasts')),
      activity: createActivitySlice(fake.api, scoped('activity'), get, env),
    } as unknown as AppState;
  });
  return { store, fake, env, s: () => store.getState(), a: () => store.getState().activity };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 0));
  expect(check()).toBe(true);
};

const ids = (rows: readonly ActivityRow[]) => rows.map((r) => r.task_id);

describe('activity slice', () => {
  it('loads the snapshot on attach, applies deltas, and unsubscribes on detach', async () => {
    const t = setup();
    t.fake.fallback = { revision: 3, rows: [makeRow({ task_id: 'a' }), makeRow({ task_id: 'b' })] };
    const detach = t.a().attach!();
    await until(() => t.a().loaded);
    expect(ids(t.a().rows)).toEqual(['a', 'b']);
    t.fake.emitDelta({ revision: 4, upserted: [makeRow({ task_id: 'b', status: 'FAILED' }), makeRow({ task_id: 'c' })], removed: ['a'] });
    expect(t.a().revision).toBe(4);
    expect(t.a().rows.find((r) => r.task_id === 'b')?.status).toBe('FAILED');
    expect(ids(t.a().rows).sort()).toEqual(['b', 'c']);
    expect(t.fake.calls.filter((c) => c.name === 'snapshot')).toHaveLength(1);
    detach();
    expect(t.fake.listenerCount()).toBe(0);
  });

  it('holds deltas that arrive while the snapshot loads and keeps only the newer ones', async () => {
    const t = setup();
    const snap = deferred<{ revision: number; rows: ActivityRow[] }>();
    t.fake.snapshots.push(snap);
    t.a().attach!();
    t.fake.emitDelta({ revision: 5, upserted: [makeRow({ task_id: 'old', label: 'stale' })], removed: [] });
    t.fake.emitDelta({ revision: 6, upserted: [makeRow({ task_id: 'x', status: 'ACTIVE' })], removed: [] });
    snap.resolve({ revision: 5, rows: [makeRow({ task_id: 'old', label: 'fresh' }), makeRow({ task_id: 'x' })] });
    await until(() => t.a().loaded);
    expect(t.a().revision).toBe(6);
    expect(t.a().rows.find((r) => r.task_id === 'old')?.label).toBe('fresh');
    expect(t.a().rows.find((r) => r.task_id === 'x')?.status).toBe('ACTIVE');
  });

  it('reloads the snapshot when a delta skips a revision (lost events or a restarted host)', async () => {
    const t = setup();
    t.fake.fallback = { revision: 2, rows: [makeRow({ task_id: 'a' })] };
    t.a().attach!();
    await until(() => t.a().loaded);
    t.fake.fallback = { revision: 9, rows: [makeRow({ task_id: 'a' }), makeRow({ task_id: 'z' })] };
    t.fake.emitDelta({ revision: 9, upserted: [makeRow({ task_id: 'z' })], removed: [] });
    await until(() => t.fake.calls.filter((c) => c.name === 'snapshot').length === 2 && t.a().loaded && t.a().revision === 9);
    expect(ids(t.a().rows).sort()).toEqual(['a', 'z']);
  });

  it('reports a snapshot failure and recovers on retry', async () => {
    const t = setup();
    const snap = deferred<{ revision: number; rows: ActivityRow[] }>();
    t.fake.snapshots.push(snap);
    const loading = t.a().load();
    snap.reject(new Error('database is locked'));
    await loading;
    expect(activitySelectors.loadError(t.s())).toBe('database is locked');
    t.fake.fallback = { revision: 1, rows: [makeRow({ task_id: 'a' })] };
    await t.a().load();
    expect(activitySelectors.loadError(t.s())).toBeNull();
    expect(ids(t.a().rows)).toEqual(['a']);
  });

  it('filters and sorts through a memoized selector', async () => {
    const t = setup();
    t.fake.fallback = {
      revision: 1,
      rows: [
        makeRow({ task_id: 'a', status: 'FAILED', label: 'beta', request_time: '2024-03-02T11:00:00Z' }),
        makeRow({ task_id: 'b', status: 'SUCCEEDED', label: 'alpha', request_time: '2024-03-01T11:00:00Z' }),
        makeRow({ task_id: 'c', status: 'ACTIVE', label: 'gamma', request_time: '2024-02-01T11:00:00Z' }),
      ],
    };
    await t.a().load();
    const first = activitySelectors.visibleRows(t.s());
    expect(ids(first)).toEqual(['a', 'b', 'c']);
    expect(activitySelectors.visibleRows(t.s())).toBe(first);
    t.a().sortBy('label');
    expect(t.a().sort).toEqual({ key: 'label', direction: 'asc' });
    expect(ids(activitySelectors.visibleRows(t.s()))).toEqual(['b', 'a', 'c']);
    t.a().sortBy('label');
    expect(ids(activitySelectors.visibleRows(t.s()))).toEqual(['c', 'a', 'b']);
    t.a().toggleStatus('FAILED');
    t.a().toggleStatus('SUCCEEDED');
    expect(ids(activitySelectors.visibleRows(t.s()))).toEqual(['a', 'b']);
    t.a().toggleStatus('SUCCEEDED');
    t.a().setText('BET');
    expect(ids(activitySelectors.visibleRows(t.s()))).toEqual(['a']);
    t.a().clearFilters();
    t.a().setRange('7d');
    expect(t.a().filter.from).toBe('2024-02-24T12:00:00.000Z');
    expect(ids(activitySelectors.visibleRows(t.s())).sort()).toEqual(['a', 'b']);
    t.a().setRange('custom', { to: '2024-03-01T12:00:00Z' });
    expect(ids(activitySelectors.visibleRows(t.s())).sort()).toEqual(['b']);
    expect(activitySelectors.counts(t.s())).toMatchObject({ ACTIVE: 1, FAILED: 1, SUCCEEDED: 1, total: 3 });
    expect(activitySelectors.counts(t.s())).toBe(activitySelectors.counts(t.s()));
  });

  it('exports with the filter and sort the table shows', async () => {
    const t = setup();
    t.a().toggleStatus('FAILED');
    t.a().setText(' run ');
    t.a().sortBy('effective_bytes_per_second');
    expect(await t.a().exportCsv()).toEqual({ csv: 'task_id\n', rows: 0 });
    expect(t.fake.calls.at(-1)).toEqual({ name: 'exportCsv', args: [{ statuses: ['FAILED'], text: 'run' }, { key: 'effective_bytes_per_second', direction: 'asc' }] });
    expect(t.a().exporting).toBe(false);
  });

  it('opens a detail with its first event page, pages events and files, and follows the live row', async () => {
    const t = setup();
    t.fake.fallback = { revision: 1, rows: [makeRow({ task_id: 'a', status: 'ACTIVE' })] };
    t.a().attach!();
    await until(() => t.a().loaded);
    t.fake.events = Array.from({ length: 120 }, (_, i) => ({ code: `E${i}`, is_error: i === 3, description: 'd', details: `/f${i}`, time: '2024-01-01T00:00:00Z' }));
    t.fake.files = {
      successful: [[{ source_path: '/a/1', destination_path: '/b/1' }], [{ source_path: '/a/2', destination_path: '/b/2' }]],
      skipped: [[{ source_path: '/a/bad', destination_path: '/b/bad', error_code: 'PERMISSION_DENIED' }]],
    };
    await t.a().openDetail('a');
    const d = () => activitySelectors.detail(t.s())!;
    expect(d().data?.row.task_id).toBe('a');
    expect(d().events.items).toHaveLength(50);
    expect(d().events.hasMore).toBe(true);
    await t.a().loadMoreEvents();
    await t.a().loadMoreEvents();
    expect(d().events.items).toHaveLength(120);
    expect(d().events.hasMore).toBe(false);
    await t.a().loadFiles('successful');
    expect(d().files.successful.nextMarker).toBe('1');
    await t.a().loadFiles('successful');
    expect(d().files.successful.items.map((f) => f.source_path)).toEqual(['/a/1', '/a/2']);
    await t.a().loadFiles('successful');
    expect(t.fake.calls.filter((c) => c.name === 'files')).toHaveLength(2);
    await t.a().loadFiles('skipped');
    expect(d().files.skipped.items[0]?.error_code).toBe('PERMISSION_DENIED');

    // The row in the panel follows deltas; a status change reloads the detail.
    const detailCalls = () => t.fake.calls.filter((c) => c.name === 'detail').length;
    const before = detailCalls();
    t.fake.emitDelta({ revision: 2, upserted: [makeRow({ task_id: 'a', status: 'ACTIVE', files_transferred: 4 })], removed: [] });
    expect(activitySelectors.detailRow(t.s())?.files_transferred).toBe(4);
    expect(detailCalls()).toBe(before);
    t.fake.emitDelta({ revision: 3, upserted: [makeRow({ task_id: 'a', status: 'SUCCEEDED' })], removed: [] });
    await until(() => detailCalls() === before + 1);
    t.a().closeDetail();
    expect(activitySelectors.detailId(t.s())).toBeNull();
  });

  it('samples the open task\'s bytes as deltas arrive, only for that task, bounded', async () => {
    const t = setup();
    t.fake.fallback = { revision: 1, rows: [makeRow({ task_id: 'a', status: 'ACTIVE', bytes_transferred: 0 }), makeRow({ task_id: 'b', status: 'ACTIVE' })] };
    t.a().attach!();
    await until(() => t.a().loaded);
    await t.a().openDetail('a');
    const samples = () => activitySelectors.detail(t.s())!.samples;
    expect(samples()).toEqual([{ t: t.env.time, bytes: 0, files: 0 }]);
    let revision = 1;
    for (let i = 1; i <= 200; i++) {
      t.env.time += 1000;
      t.fake.emitDelta({ revision: ++revision, upserted: [makeRow({ task_id: 'a', status: 'ACTIVE', bytes_transferred: i * 100 })], removed: [] });
    }
    t.fake.emitDelta({ revision: ++revision, upserted: [makeRow({ task_id: 'b', status: 'ACTIVE', bytes_transferred: 5 })], removed: [] });
    expect(samples()).toHaveLength(120);
    expect(samples().at(-1)?.bytes).toBe(20_000);
    await t.a().openDetail('b');
    expect(samples()).toHaveLength(1);
  });

  it('ignores an answer for a detail that was closed or replaced meanwhile', async () => {
    const t = setup();
    const first = t.a().openDetail('a');
    const second = t.a().openDetail('b');
    await Promise.all([first, second]);
    expect(activitySelectors.detail(t.s())?.taskId).toBe('b');
    expect(activitySelectors.detail(t.s())?.data?.row.task_id).toBe('b');
  });

  it('cancels, marks the task as cancelled, and resubmits', async () => {
    const t = setup();
    await t.a().openDetail('a');
    expect(await t.a().cancel('a')).toBe(true);
    expect(activitySelectors.cancelledIds(t.s())).toEqual({ a: true });
    expect(t.s().toasts.items.at(-1)?.message).toContain('Cancel requested');
    t.fake.cancelCode = 'TaskComplete';
    await t.a().cancel('b');
    expect(activitySelectors.cancelledIds(t.s())).toEqual({ a: true });
    expect(await t.a().resubmit('a')).toBe('a-again');
    expect(t.s().toasts.items.at(-1)).toMatchObject({ kind: 'success', message: expect.stringContaining('a-again') });
    expect(await t.a().resubmit('refused')).toBeNull();
    expect(activitySelectors.detail(t.s())?.busy).toBeNull();
  });

  it('learns that a task was cancelled from the fatal error of its document', async () => {
    const t = setup();
    t.fake.detail = (id) => ({
      row: makeRow({ task_id: id, status: 'FAILED' }),
      task: { fatal_error: { code: 'CANCELED', description: 'canceled' } } as never,
      stale: false,
      submission: null,
      canResubmit: true,
    });
    await t.a().openDetail('gone');
    expect(activitySelectors.cancelledIds(t.s())).toEqual({ gone: true });
  });

  it('notifies in a browser after permission, toasts without it, and stays quiet in Electron', async () => {
    const t = setup();
    await t.s().app.loadInfo();
    const ended = { row: makeRow({ task_id: 't1', label: 'Run 7', status: 'SUCCEEDED' }), previousStatus: 'ACTIVE' as const };
    expect(activitySelectors.canEnableNotifications(t.s())).toBe(true);
    t.a().taskEnded(ended);
    expect(t.env.shown).toHaveLength(0);
    expect(t.s().toasts.items.at(-1)).toMatchObject({ kind: 'success', message: 'Transfer succeeded: Run 7 · Source → Destination' });

    await t.a().enableNotifications();
    expect(activitySelectors.notificationPermission(t.s())).toBe('granted');
    expect(activitySelectors.canEnableNotifications(t.s())).toBe(false);
    t.a().taskEnded({ ...ended, row: { ...ended.row, status: 'FAILED' } });
    expect(t.env.shown).toEqual([{ title: 'Transfer failed', body: 'Run 7 · Source → Destination', tag: 't1' }]);

    const desktop = fakeActivityApi();
    desktop.host = 'electron';
    const e = setup(desktop);
    await e.s().app.loadInfo();
    e.env.permission = 'granted';
    e.a().taskEnded(ended);
    expect(e.env.shown).toHaveLength(0);
    expect(e.s().toasts.items).toHaveLength(0);
    expect(activitySelectors.canEnableNotifications(e.s())).toBe(false);
  });

  it('tells one summary for many queue or sync tasks, from the pushed event', async () => {
    const t = setup();
    await t.s().app.loadInfo();
    const stop = t.a().attach?.();
    t.fake.emitSummary({ succeeded: 11, failed: 1, sample: ['Ferry queue 10', 'Ferry queue 11'] });
    expect(t.s().toasts.items.at(-1)).toMatchObject({ kind: 'info', message: '12 transfers ended. 11 succeeded, 1 failed: Ferry queue 10, Ferry queue 11' });
    t.env.permission = 'granted';
    t.fake.emitSummary({ succeeded: 3, failed: 0, sample: ['a', 'b', 'c'] });
    expect(t.env.shown).toEqual([{ title: '3 transfers ended', body: '3 succeeded: a, b, c', tag: 'ferry-bulk-summary' }]);
    stop?.();
  });

  it('refreshes on request and shows pushed poll status', async () => {
    const t = setup();
    t.a().attach!();
    t.fake.emitStatus({ running: true, mode: 'fast', lastPollAt: 5, lastError: { code: 'ServiceUnavailable', message: 'down' }, activeCount: 2 });
    expect(activitySelectors.status(t.s())?.lastError?.code).toBe('ServiceUnavailable');
    await t.a().refresh();
    expect(activitySelectors.status(t.s())?.lastPollAt).toBe(1);
    expect(activitySelectors.refreshing(t.s())).toBe(false);
  });
});
