import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TransferSubmission } from '../../../shared/globus-types';
import { GlobusApiError } from '../globus';
import {
  ActivityService,
  createActivityService,
  type ActivityDelta,
  type ActivityServiceOptions,
  type TaskEnded,
} from './index';
import { createManualClock, type ManualClock } from '../kernel/testing/manual-clock';
import { FakeTransferService, type FakeTransferOptions } from '../globus/testing/fake-transfer-service';

/**
 * The one fake Transfer service, as the activity tests use it: tasks are written by the test and
 * run until it ends them, files page two at a time, and a resubmission may repeat a running task's paths.
 */
function fakeTransfer(options: Partial<FakeTransferOptions> = {}): FakeTransferService {
  return new FakeTransferService({ pageSize: 2, taskDurationMs: Infinity, identicalPaths: 'allowed', ...options });
}

const open: ActivityService[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(
  options: Partial<ActivityServiceOptions> = {},
): { svc: ActivityService; fake: FakeTransferService; clock: ManualClock; deltas: ActivityDelta[]; ended: TaskEnded[] } {
  const clock = createManualClock(Date.parse('2024-03-01T00:00:00Z'));
  const fake = fakeTransfer({ clock });
  const svc = createActivityService({ dbFile: ':memory:', transfer: fake, clock, backfillPages: 0, watchIntervalMs: 2_000, ...options });
  open.push(svc);
  const deltas: ActivityDelta[] = [];
  const ended: TaskEnded[] = [];
  svc.subscribe((d) => deltas.push(d));
  svc.onTaskEnded((e) => ended.push(e));
  return { svc, fake, clock, deltas, ended };
}

function addActive(fake: FakeTransferService, n: number, prefix = 't'): void {
  for (let i = 0; i < n; i += 1) {
    fake.addTask({ task_id: `${prefix}${i}`, label: `job ${i}`, request_time: `2024-02-01T00:00:${String(i % 60).padStart(2, '0')}+00:00` });
  }
}

describe('polling', () => {
  it('pushes only the rows that changed', async () => {
    const { svc, fake, clock, deltas } = setup();
    addActive(fake, 3);
    svc.start();
    await clock.advanceAndSettle(0);
    expect(deltas).toHaveLength(1);
    expect(deltas[0]?.upserted.map((r) => r.task_id).sort()).toEqual(['t0', 't1', 't2']);

    fake.updateTask('t1', { bytes_transferred: 500, files_transferred: 1 });
    await clock.advanceAndSettle(2_000);
    expect(deltas).toHaveLength(2);
    expect(deltas[1]?.upserted).toHaveLength(1);
    expect(deltas[1]?.upserted[0]).toMatchObject({ task_id: 't1', bytes_transferred: 500, files_transferred: 1 });
    expect(deltas[1]?.revision).toBe(2);

    // Nothing changed: a poll happens but nothing is pushed.
    const before = fake.calls.listTasks;
    await clock.advanceAndSettle(2_000);
    expect(fake.calls.listTasks).toBe(before + 1);
    expect(deltas).toHaveLength(2);
    // Deltas are plain JSON.
    expect(JSON.parse(JSON.stringify(deltas[1]))).toEqual(deltas[1]);
  });

  it('makes one request per poll whatever the number of active tasks', async () => {
    for (const n of [5, 700]) {
      const { svc, fake, clock } = setup();
      addActive(fake, n);
      svc.start();
      await clock.advanceAndSettle(0);
      fake.resetCalls();
      await clock.advanceAndSettle(10 * 2_000);
      expect(fake.calls.listTasks).toBe(10);
      expect(fake.totalCalls()).toBe(10);
      expect(fake.listQueries.every((q) => q.filter === 'status:ACTIVE,INACTIVE' && q.limit === 1000)).toBe(true);
    }
  });

  it('pages the active list only past the page limit', async () => {
    const { svc, fake, clock } = setup({ pageLimit: 10 });
    addActive(fake, 25);
    svc.start();
    await clock.advanceAndSettle(0);
    expect(fake.calls.listTasks).toBe(3);
    expect(fake.listQueries.map((q) => q.offset)).toEqual([0, 10, 20]);
    expect(svc.counts().byStatus.ACTIVE).toBe(25);
  });

  it('polls every 10 s while only tasks Ferry did not submit run, and slowly when idle', async () => {
    const { svc, fake, clock } = setup({ watchIntervalMs: 10_000, slowIntervalMs: 30_000 });
    addActive(fake, 2);
    svc.start();
    await clock.advanceAndSettle(0);
    expect(svc.status().mode).toBe('fast');
    fake.resetCalls();
    await clock.advanceAndSettle(20_000);
    expect(fake.calls.listTasks).toBe(2);

    for (const id of ['t0', 't1']) fake.updateTask(id, { status: 'SUCCEEDED', completion_time: '2024-02-01T01:00:00+00:00' });
    await clock.advanceAndSettle(10_000); // this poll sees them leave and fetches them once
    expect(svc.status().mode).toBe('slow');
    fake.resetCalls();
    await clock.advanceAndSettle(29_000);
    expect(fake.totalCalls()).toBe(0);
    await clock.advanceAndSettle(1_000);
    expect(fake.calls.listTasks).toBe(1);
  });

  it('polls within seconds while a task Ferry submitted runs, backing off from 1 s to 1.5 s, one task_list a poll', async () => {
    const { svc, fake, clock, ended } = setup();
    svc.start();
    await clock.advanceAndSettle(0);
    fake.resetCalls();
    await clock.advanceAndSettle(29_000);
    expect(fake.totalCalls()).toBe(0); // idle: slow

    // A submission polls at once, then after 1 s, 1.5 s, 1.5 s…
    for (let i = 0; i < 200; i += 1) {
      fake.addTask({ task_id: `f${i}`, label: `batch ${i}` });
      svc.recordSubmitted({ task_id: `f${i}`, label: `batch ${i}` }, 'queue');
    }
    await clock.advanceAndSettle(0);
    const pollTimes: number[] = [];
    const start = clock.now();
    const real = fake.listTasks.bind(fake);
    fake.listTasks = (q) => {
      pollTimes.push(clock.now() - start);
      return real(q);
    };
    for (let t = 0; t < 10_000; t += 250) await clock.advanceAndSettle(250);
    expect(pollTimes.slice(0, 5)).toEqual([1_000, 2_500, 4_000, 5_500, 7_000]);
    expect(Math.max(...pollTimes.slice(1).map((t, i) => t - (pollTimes[i] ?? 0)))).toBe(1_500);

    // A task's end shows at the next poll: within 1.5 s of Globus reporting it.
    fake.updateTask('f7', { status: 'SUCCEEDED', completion_time: '2024-03-01T00:01:00+00:00' });
    const reportedAt = clock.now();
    while (!ended.some((e) => e.row.task_id === 'f7')) await clock.advanceAndSettle(100);
    expect(clock.now() - reportedAt).toBeLessThanOrEqual(1_500);
    // …and right after an end it looks again after 1 s (the rest of a queue often ends close behind).
    const afterEnd = pollTimes.length;
    await clock.advanceAndSettle(1_000);
    expect(pollTimes.length).toBe(afterEnd + 1);
  });

  it('fetches tasks that left the active set in bulk and reports Ferry tasks that ended', async () => {
    const { svc, fake, clock, ended } = setup();
    addActive(fake, 120);
    svc.start();
    await clock.advanceAndSettle(0);
    svc.recordSubmitted({ task_id: 't0', label: 'mine' }, 'queue');
    await clock.advanceAndSettle(0);
    for (let i = 0; i < 120; i += 1) {
      fake.updateTask(`t${i}`, { status: i % 2 ? 'FAILED' : 'SUCCEEDED', completion_time: '2024-02-01T02:00:00+00:00' });
    }
    fake.resetCalls();
    await clock.advanceAndSettle(2_000);
    // 1 active list + 3 lists of at most 50 ids; no per-task requests.
    expect(fake.calls.listTasks).toBe(4);
    expect(fake.calls.getTask).toBe(0);
    expect(fake.listQueries.slice(1).every((q) => q.filter?.startsWith('task_id:'))).toBe(true);
    expect(svc.counts().byStatus).toEqual({ ACTIVE: 0, INACTIVE: 0, SUCCEEDED: 60, FAILED: 60 });
    expect(ended.map((e) => [e.row.task_id, e.row.status, e.previousStatus])).toEqual([['t0', 'SUCCEEDED', 'ACTIVE']]);
    // Not reported twice.
    await clock.advanceAndSettle(30_000);
    expect(ended).toHaveLength(1);
  });

  it('falls back to getTask for ids the list misses and stops asking about unknown ones', async () => {
    const { svc, fake, clock } = setup();
    svc.recordSubmitted({ task_id: 'ghost' }, 'manual');
    svc.start();
    await clock.advanceAndSettle(0);
    expect(fake.calls.getTask).toBe(1);
    fake.resetCalls();
    await clock.advanceAndSettle(2_000);
    expect(fake.calls.getTask).toBe(0);
    expect(fake.calls.listTasks).toBe(1);
  });

  it('uses getTask when the service rejects the task_id filter', async () => {
    const { svc, fake, clock } = setup();
    addActive(fake, 2);
    svc.start();
    await clock.advanceAndSettle(0);
    const real = fake.listTasks.bind(fake);
    fake.listTasks = (q) =>
      q?.filter?.startsWith('task_id:')
        ? Promise.reject(new GlobusApiError({ code: 'BadRequest', message: 'bad filter', status: 400 }))
        : real(q);
    fake.updateTask('t0', { status: 'SUCCEEDED' });
    await clock.advanceAndSettle(2_000);
    expect(fake.calls.getTask).toBe(1);
    expect(svc.row('t0')?.status).toBe('SUCCEEDED');
    expect(svc.status().lastError).toBeNull();
  });

  it('refreshNow polls at once and coalesces calls made during a poll', async () => {
    const { svc, fake, clock } = setup();
    addActive(fake, 1);
    svc.start();
    await clock.advanceAndSettle(0);
    fake.resetCalls();
    const a = svc.refreshNow();
    const b = svc.refreshNow();
    const c = svc.refreshNow();
    expect(b).toBe(c);
    await Promise.all([a, b, c]);
    expect(fake.calls.listTasks).toBe(2);
    expect(svc.status().lastError).toBeNull();
  });

  it('backfills recent history once per account', async () => {
    const clock = createManualClock(0);
    const fake = fakeTransfer({ clock });
    for (let i = 0; i < 30; i += 1) {
      fake.addTask({ task_id: `old${i}`, status: 'SUCCEEDED', request_time: `2023-12-01T00:00:${String(i).padStart(2, '0')}+00:00` });
    }
    const svc = createActivityService({ dbFile: ':memory:', transfer: fake, clock, backfillPages: 2, backfillPageSize: 10 });
    open.push(svc);
    svc.start({ accountId: 'alice' });
    await clock.advanceAndSettle(0);
    expect(svc.counts().total).toBe(20);
    expect(svc.snapshot().rows[0]?.task_id).toBe('old29');
    expect(svc.row('old29')?.origin).toBe('account');
    fake.resetCalls();
    await clock.advanceAndSettle(30_000);
    expect(fake.calls.listTasks).toBe(1);
    svc.stop();
    svc.start({ accountId: 'bob' });
    await clock.advanceAndSettle(0);
    expect(fake.listQueries.filter((q) => q.orderby === 'request_time DESC')).toHaveLength(2);
  });

  it('records errors, backs off and recovers', async () => {
    const { svc, fake, clock } = setup({ fastIntervalMs: 1_000, watchIntervalMs: 1_000, slowIntervalMs: 16_000 });
    addActive(fake, 1);
    svc.start();
    await clock.advanceAndSettle(0);
    const real = fake.listTasks;
    fake.listTasks = () => Promise.reject(Object.assign(new Error('network down'), { code: 'ECONNREFUSED' }));
    await clock.advanceAndSettle(1_000);
    expect(svc.status().lastError).toEqual({ code: 'ECONNREFUSED', message: 'network down' });
    fake.listTasks = real;
    fake.resetCalls();
    await clock.advanceAndSettle(1_999);
    expect(fake.calls.listTasks).toBe(0); // backed off to 2 s
    await clock.advanceAndSettle(1);
    expect(fake.calls.listTasks).toBe(1);
    expect(svc.status().lastError).toBeNull();
  });

  it('resolves missing collection names once', async () => {
    const { svc, fake, clock, deltas } = setup();
    fake.setCollection('c1', 'Lab disk');
    fake.addTask({ task_id: 'x', source_endpoint_id: 'c1', source_endpoint_display_name: null, destination_endpoint_id: 'c2', destination_endpoint_display_name: null });
    svc.start();
    await clock.advanceAndSettle(0);
    expect(svc.row('x')).toMatchObject({ source_name: 'Lab disk', destination_name: null });
    expect(deltas.at(-1)?.upserted[0]?.source_name).toBe('Lab disk');
    fake.resetCalls();
    await clock.advanceAndSettle(2_000);
    expect(fake.calls.getCollection).toBe(0);
  });
});

describe('history', () => {
  it('keeps rows, submissions and schema across reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-activity-'));
    dirs.push(dir);
    const file = join(dir, 'activity.db');
    const clock = createManualClock(0);
    const fake = fakeTransfer({ clock });
    const sub: TransferSubmission = {
      source_endpoint: 'a',
      destination_endpoint: 'b',
      submission_id: 's1',
      DATA: [{ source_path: '/x', destination_path: '/y' }],
    };
    const one = createActivityService({ dbFile: file, transfer: fake, clock, backfillPages: 0 });
    one.recordSubmitted({ task_id: 'k1', label: 'keep' }, 'sync', sub);
    await one.close();
    const two = createActivityService({ dbFile: file, transfer: fake, clock, backfillPages: 0 });
    open.push(two);
    expect(two.row('k1')).toMatchObject({ label: 'keep', origin: 'sync', submitted_by_ferry: true, paths: '/x → /y' });
    expect((await two.detail('k1').catch(() => null))?.submission ?? null).toEqual(sub);
  });

  it('filters, sorts, pages and counts', () => {
    const { svc } = setup();
    const rows = [
      { task_id: 'a', status: 'SUCCEEDED', label: 'Alpha run', request_time: '2024-01-01T00:00:00+00:00', bytes_transferred: 30 },
      { task_id: 'b', status: 'FAILED', label: 'beta', request_time: '2024-01-02T00:00:00+00:00', bytes_transferred: 10 },
      { task_id: 'c', status: 'ACTIVE', label: 'gamma', request_time: '2024-01-03T00:00:00+00:00', bytes_transferred: 20, destination_endpoint_display_name: 'Cluster ALPHA' },
    ] as const;
    for (const r of rows) svc.recordSubmitted({ ...fakeTransfer().addTask(r) }, 'manual');
    expect(svc.page().rows.map((r) => r.task_id)).toEqual(['c', 'b', 'a']);
    expect(svc.page({ sort: { key: 'bytes_transferred', direction: 'asc' } }).rows.map((r) => r.task_id)).toEqual(['b', 'c', 'a']);
    expect(svc.page({ sort: { key: 'label', direction: 'asc' } }).rows.map((r) => r.task_id)).toEqual(['a', 'b', 'c']);
    expect(svc.page({ filter: { text: 'ALPHA' } }).rows.map((r) => r.task_id)).toEqual(['c', 'a']);
    expect(svc.page({ filter: { statuses: ['FAILED', 'SUCCEEDED'] } }).total).toBe(2);
    expect(svc.page({ filter: { from: '2024-01-02T00:00:00Z', to: '2024-01-02T23:59:59Z' } }).rows.map((r) => r.task_id)).toEqual(['b']);
    const p = svc.page({ offset: 1, limit: 1 });
    expect(p).toMatchObject({ total: 3, offset: 1 });
    expect(p.rows.map((r) => r.task_id)).toEqual(['b']);
    expect(svc.counts({ text: 'alpha', statuses: ['FAILED'] })).toEqual({
      total: 2,
      byStatus: { ACTIVE: 1, INACTIVE: 0, SUCCEEDED: 1, FAILED: 0 },
    });
  });

  it('exports the filtered rows as RFC 4180 CSV', () => {
    const { svc } = setup();
    const fake = fakeTransfer();
    svc.recordSubmitted(fake.addTask({ task_id: 'q', status: 'SUCCEEDED', label: 'say "hi", then\nleave' }), 'manual');
    svc.recordSubmitted(fake.addTask({ task_id: 'r', status: 'FAILED', label: 'plain' }), 'manual');
    const csv = svc.exportCsv({ statuses: ['SUCCEEDED'] });
    const lines = csv.split('\r\n');
    expect(lines[0]?.startsWith('Task ID,Status,Type,Label,')).toBe(true);
    expect(csv).toContain('q,SUCCEEDED,TRANSFER,"say ""hi"", then\nleave",Source,');
    expect(csv).not.toContain('plain');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('gives a snapshot of 10,000 rows quickly', () => {
    const { svc } = setup();
    const fake = fakeTransfer();
    const docs = [];
    for (let i = 0; i < 10_000; i += 1) docs.push(fake.addTask({ task_id: `s${i}`, request_time: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString() }));
    const start = performance.now();
    for (const d of docs) svc.recordSubmitted(d, 'queue');
    const snapStart = performance.now();
    const snap = svc.snapshot();
    const snapMs = performance.now() - snapStart;
    expect(snap.rows).toHaveLength(10_000);
    expect(snap.rows[0]?.task_id).toBe('s9999');
    expect(Object.keys(snap.rows[0] ?? {})).not.toContain('raw_json');
    expect(snapMs).toBeLessThan(1_000);
    expect(performance.now() - start).toBeLessThan(20_000);
  });
});

describe('detail and actions', () => {
  it('returns fresh detail, paged events and files', async () => {
    const { svc, fake } = setup();
    fake.addTask({ task_id: 'd', status: 'ACTIVE', faults: 1 });
    fake.setEvents('d', [
      { code: 'STARTED', is_error: false, description: 'started', details: '', time: '2024-01-01T00:00:00Z' },
      { code: 'FILE_NOT_FOUND', is_error: true, description: 'not found', details: '/x/missing', time: '2024-01-01T00:00:01Z' },
    ]);
    fake.setFiles('d', 'skipped', [{ source_path: '/x/missing', destination_path: '/y/missing', error_code: 'FILE_NOT_FOUND' }]);
    fake.setFiles('d', 'successful', [
      { source_path: '/x/1', destination_path: '/y/1' },
      { source_path: '/x/2', destination_path: '/y/2' },
      { source_path: '/x/3', destination_path: '/y/3' },
    ]);
    const detail = await svc.detail('d');
    expect(detail).toMatchObject({ stale: false, canResubmit: true, submission: null, row: { task_id: 'd', faults: 1, origin: 'account' } });
    expect(detail.task?.task_id).toBe('d');
    const ev = await svc.events('d', { limit: 1 });
    expect(ev).toMatchObject({ total: 2, hasMore: true, offset: 0, limit: 1 });
    const ev2 = await svc.events('d', { offset: 1, limit: 1 });
    expect(ev2.items[0]?.code).toBe('FILE_NOT_FOUND');
    expect(ev2.hasMore).toBe(false);
    const skipped = await svc.files('d', 'skipped');
    expect(skipped).toEqual({ items: [{ source_path: '/x/missing', destination_path: '/y/missing', error_code: 'FILE_NOT_FOUND' }], nextMarker: null });
    const ok1 = await svc.files('d', 'successful');
    expect(ok1.items).toHaveLength(2);
    const ok2 = await svc.files('d', 'successful', ok1.nextMarker ?? undefined);
    expect(ok2).toEqual({ items: [{ source_path: '/x/3', destination_path: '/y/3' }], nextMarker: null });
    // A found task learns its paths summary from the first page of files it shows.
    expect(svc.row('d')?.paths).toBe('/x/missing → /y/missing');
  });

  it('falls back to the stored document when Globus cannot be reached', async () => {
    const { svc, fake } = setup();
    svc.recordSubmitted(fake.addTask({ task_id: 'z', label: 'stored' }), 'manual');
    fake.getTask = () => Promise.reject(new Error('offline'));
    const detail = await svc.detail('z');
    expect(detail.stale).toBe(true);
    expect(detail.task?.label).toBe('stored');
  });

  it('cancels and refreshes', async () => {
    const { svc, fake, deltas } = setup();
    svc.recordSubmitted(fake.addTask({ task_id: 'c1' }), 'manual');
    expect(await svc.cancel('c1')).toMatchObject({ code: 'Canceled' });
    expect(svc.row('c1')?.status).toBe('FAILED');
    expect(deltas.at(-1)?.upserted.map((r) => r.task_id)).toEqual(['c1']);
    expect(await svc.cancel('c1')).toMatchObject({ code: 'TaskComplete' });
  });

  it('resubmits a Ferry task with the same items under a new submission id', async () => {
    const { svc, fake } = setup();
    const sub: TransferSubmission = {
      source_endpoint: 'src',
      destination_endpoint: 'dst',
      submission_id: 'original-sub',
      label: 'nightly',
      sync_level: 3,
      deadline: '2020-01-01T00:00:00Z',
      DATA: [
        { DATA_TYPE: 'transfer_item', source_path: '/a/', destination_path: '/b/', recursive: true },
        { DATA_TYPE: 'transfer_item', source_path: '/c', destination_path: '/d' },
      ],
    };
    const first = await fake.submitTransfer(sub);
    svc.recordSubmitted({ task_id: first.task_id }, 'queue', sub);
    fake.updateTask(first.task_id, { status: 'FAILED' });
    const res = await svc.resubmit(first.task_id);
    const sent = fake.submissions.at(-1) as TransferSubmission;
    expect(res.submission_id).not.toBe('original-sub');
    expect(sent.submission_id).toBe(res.submission_id);
    expect(sent.DATA).toEqual(sub.DATA);
    expect(sent).toMatchObject({ source_endpoint: 'src', destination_endpoint: 'dst', label: 'nightly', sync_level: 3 });
    expect(sent.deadline).toBeUndefined();
    expect(res.itemCount).toBe(2);
    expect(svc.row(res.task_id)).toMatchObject({ origin: 'resubmit', submitted_by_ferry: true, paths: '/a/ → /b/ (+1 more)' });
    const again = await svc.resubmit(res.task_id);
    expect(again.submission_id).not.toBe(res.submission_id);
  });

  it('rebuilds items of a task found on the account from its files', async () => {
    const { svc, fake, clock } = setup({ backfillPages: 1 });
    fake.addTask({ task_id: 'f', status: 'FAILED', source_endpoint_id: 'S', destination_endpoint_id: 'D', label: 'found', verify_checksum: true });
    fake.setFiles('f', 'successful', [
      { source_path: '/1', destination_path: '/one' },
      { source_path: '/2', destination_path: '/two' },
      { source_path: '/3', destination_path: '/three' },
    ]);
    fake.setFiles('f', 'skipped', [{ source_path: '/4', destination_path: '/four', error_code: 'PERMISSION_DENIED' }]);
    svc.start();
    await clock.advanceAndSettle(0);
    const res = await svc.resubmit('f', { label: 'retry' });
    const sent = fake.submissions.at(-1) as TransferSubmission;
    expect(sent).toMatchObject({ source_endpoint: 'S', destination_endpoint: 'D', label: 'retry', verify_checksum: true, submission_id: res.submission_id });
    expect(sent.DATA.map((i) => [i.source_path, i.destination_path])).toEqual([
      ['/1', '/one'],
      ['/2', '/two'],
      ['/3', '/three'],
      ['/4', '/four'],
    ]);
  });

  it('refuses to rebuild a delete task found on the account', async () => {
    const { svc, fake } = setup();
    svc.recordSubmitted(fake.addTask({ task_id: 'del', type: 'DELETE', status: 'SUCCEEDED' }), 'manual');
    svc.forget(['del']);
    expect(svc.row('del')).toBeNull();
    await expect(svc.resubmit('del')).rejects.toMatchObject({ code: 'CannotResubmit' });
  });
});
