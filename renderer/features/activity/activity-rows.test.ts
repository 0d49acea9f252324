import { describe, expect, it } from 'vitest';
import { folderTargets, progressOf, routeOf, statusLook } from './activity-format';
import { applyDelta, countByStatus, emptyFilter, filterAndSort, toApiFilter } from './activity-rows';
import { makeRow } from './testing/activity-fakes';

describe('applyDelta', () => {
  const a = makeRow({ task_id: 'a' });
  const b = makeRow({ task_id: 'b' });
  const c = makeRow({ task_id: 'c' });

  it('replaces rows by task id in place, adds new ones, drops removed ids', () => {
    const b2 = { ...b, status: 'FAILED' as const };
    const d = makeRow({ task_id: 'd' });
    const next = applyDelta([a, b, c], { upserted: [b2, d], removed: ['a'] });
    expect(next.map((r) => r.task_id)).toEqual(['d', 'b', 'c']);
    expect(next[1]).toBe(b2);
    expect(next[2]).toBe(c);
  });

  it('returns the same array for an empty delta and ignores unknown removals', () => {
    const rows = [a, b];
    expect(applyDelta(rows, { upserted: [], removed: [] })).toBe(rows);
    expect(applyDelta(rows, { upserted: [], removed: ['zzz'] }).map((r) => r.task_id)).toEqual(['a', 'b']);
  });

  it('does not add a row that the same delta removes', () => {
    expect(applyDelta([a], { upserted: [b], removed: ['b'] }).map((r) => r.task_id)).toEqual(['a']);
  });
});

describe('filterAndSort', () => {
  const rows = [
    makeRow({ task_id: 't1', status: 'ACTIVE', label: 'Run 7', request_time: '2024-03-01T10:00:00Z', files_transferred: 5, effective_bytes_per_second: 10 }),
    makeRow({ task_id: 't2', status: 'FAILED', label: 'calibration', source_name: 'Beamline', request_time: '2024-03-02T10:00:00Z', files_transferred: 1 }),
    makeRow({ task_id: 't3', status: 'SUCCEEDED', label: null, paths: '/detector/run9 → /scratch/run9', request_time: '2024-02-01T10:00:00Z', completion_time: '2024-02-01T11:00:00Z', files_transferred: 9 }),
  ];

  it('sorts by request time newest first by default and by any key either way', () => {
    expect(filterAndSort(rows, emptyFilter, { key: 'request_time', direction: 'desc' }).map((r) => r.task_id)).toEqual(['t2', 't1', 't3']);
    expect(filterAndSort(rows, emptyFilter, { key: 'files_transferred', direction: 'asc' }).map((r) => r.task_id)).toEqual(['t2', 't1', 't3']);
    // Case-insensitive text; a missing label sorts first ascending (as SQLite sorts NULL).
    expect(filterAndSort(rows, emptyFilter, { key: 'label', direction: 'asc' }).map((r) => r.task_id)).toEqual(['t3', 't2', 't1']);
    expect(filterAndSort(rows, emptyFilter, { key: 'completion_time', direction: 'desc' }).map((r) => r.task_id)[0]).toBe('t3');
    expect(filterAndSort(rows, emptyFilter, { key: 'status', direction: 'asc' }).map((r) => r.status)).toEqual(['ACTIVE', 'FAILED', 'SUCCEEDED']);
  });

  it('filters by status, by text over label, paths, collections and id, and by time range', () => {
    const sort = { key: 'request_time', direction: 'desc' } as const;
    const ids = (f: Partial<typeof emptyFilter>) => filterAndSort(rows, { ...emptyFilter, ...f }, sort).map((r) => r.task_id);
    expect(ids({ statuses: ['FAILED', 'ACTIVE'] })).toEqual(['t2', 't1']);
    expect(ids({ text: 'RUN' })).toEqual(['t1', 't3']);
    expect(ids({ text: 'beamline' })).toEqual(['t2']);
    expect(ids({ text: '  t3 ' })).toEqual(['t3']);
    expect(ids({ range: 'custom', from: '2024-03-01T00:00:00Z' })).toEqual(['t2', 't1']);
    expect(ids({ range: 'custom', to: '2024-03-01T10:00:00Z' })).toEqual(['t1', 't3']);
    expect(toApiFilter({ ...emptyFilter, statuses: ['FAILED'], text: ' run ', from: '2024-03-01T00:00:00Z' })).toEqual({
      statuses: ['FAILED'],
      text: 'run',
      from: '2024-03-01T00:00:00Z',
    });
    expect(toApiFilter(emptyFilter)).toEqual({});
  });

  it('counts rows per status', () => {
    expect(countByStatus(rows)).toEqual({ ACTIVE: 1, INACTIVE: 0, SUCCEEDED: 1, FAILED: 1, total: 3 });
  });

  it('sorts 10,000 rows quickly enough for typing', () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      makeRow({ task_id: `task-${i}`, label: `run ${i % 97}`, request_time: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString() }),
    );
    const started = performance.now();
    const out = filterAndSort(many, { ...emptyFilter, text: 'run 1' }, { key: 'label', direction: 'asc' });
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((r) => r.label?.startsWith('run 1'))).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('format', () => {
  it('marks status with a tone and a word, cancelled apart from failed', () => {
    expect(statusLook({ status: 'FAILED', nice_status: null })).toEqual({ tone: 'failed', text: 'Failed' });
    expect(statusLook({ status: 'FAILED', nice_status: 'CANCELED' })).toEqual({ tone: 'cancelled', text: 'Cancelled' });
    expect(statusLook({ status: 'FAILED', nice_status: null }, true).tone).toBe('cancelled');
    expect(statusLook({ status: 'SUCCEEDED', nice_status: null }, true).tone).toBe('succeeded');
  });

  it('measures progress, indeterminate until the file count is known', () => {
    expect(progressOf({ status: 'ACTIVE', files: 0, files_transferred: 0, files_skipped: 0 }).fraction).toBeNull();
    expect(progressOf({ status: 'ACTIVE', files: 10, files_transferred: 3, files_skipped: 2 })).toEqual({ done: 5, total: 10, fraction: 0.5 });
    expect(progressOf({ status: 'SUCCEEDED', files: 0, files_transferred: 0, files_skipped: 0 }).fraction).toBe(1);
  });

  it('names the route by collection, falling back to a short id', () => {
    expect(routeOf(makeRow({ task_id: 'x' }))).toBe('Source → Destination');
    expect(routeOf(makeRow({ task_id: 'x', source_name: null, source_id: '0123456789abcdef' }))).toBe('01234567… → Destination');
    expect(routeOf(makeRow({ task_id: 'x', type: 'DELETE' }))).toBe('Source (delete)');
  });
});

describe('folderTargets', () => {
  const detail = (submission: unknown) => ({ row: makeRow({ task_id: 't' }), task: null, stale: false, submission, canResubmit: true }) as never;

  it('opens the folder of a recursive item, and the parent folder of a file', () => {
    const transfer = (recursive: boolean) => ({
      source_endpoint: 'S',
      destination_endpoint: 'D',
      submission_id: 'x',
      DATA: [{ source_path: '/data/run1/', destination_path: '/scratch/run1', recursive }],
    });
    expect(folderTargets(detail(transfer(true)))).toEqual({
      source: { side: 'source', collectionId: 'S', path: '/data/run1' },
      destination: { side: 'destination', collectionId: 'D', path: '/scratch/run1' },
    });
    expect(folderTargets(detail(transfer(false))).destination?.path).toBe('/scratch');
  });

  it('knows only the source of a delete, and nothing without a submission', () => {
    expect(folderTargets(detail({ endpoint: 'E', submission_id: 'x', DATA: [{ path: '/old/file.h5' }] }))).toEqual({
      source: { side: 'source', collectionId: 'E', path: '/old' },
      destination: null,
    });
    expect(folderTargets(detail(null))).toEqual({ source: null, destination: null });
  });
});
