import { describe, expect, it } from 'vitest';
import type { QueueDestinationStatus, QueueStatus } from '../../../shared/contract/queue';
import type { SyncJobSummary, SyncRun } from '../../../shared/contract/syncs';
import { createQueueWatchSource, createSyncWatchSource, dailySummaryText, noticeAlert, summarizeDay } from './index';

const created = '2024-05-01T00:00:00.000Z';

function summary(patch: { paused?: boolean; enabled?: boolean; manual?: boolean; lastRun?: SyncRun | null } = {}): SyncJobSummary {
  return {
    job: {
      id: 'job-1',
      name: 'detector',
      source: { collectionId: 'c1', localPath: '/data', collectionPath: '/data' },
      destination: { collectionId: 'c2', path: '/in' },
      schedule: patch.manual ? { kind: 'manual' } : { kind: 'interval', minutes: 5 },
      syncLevel: null,
      include: [],
      exclude: [],
      symlinks: 'skip',
      createEmptyDirs: false,
      enabled: patch.enabled ?? true,
      maxItemsPerTransfer: 1000,
      preserveTimestamp: false,
      verifyChecksum: false,
      notify: false,
      paused: patch.paused ?? false,
      createdAt: created,
      updatedAt: created,
    },
    running: false,
    nextRunAt: null,
    lastRun: patch.lastRun ?? null,
    recentChangedFiles: [],
  };
}

function run(id: string, status: SyncRun['status'], endedAt: string, changedFiles: number): SyncRun {
  return {
    id,
    jobId: 'job-1',
    jobName: 'detector',
    status,
    trigger: 'schedule',
    label: null,
    startedAt: endedAt,
    endedAt,
    message: '',
    stats: {
      filesScanned: 0,
      dirsScanned: 0,
      bytesScanned: 0,
      changedFiles,
      changedBytes: 0,
      emptyDirs: 0,
      removedEntries: 0,
      symlinksSkipped: 0,
      symlinkLoops: [],
      warnings: 0,
      sample: [],
      phases: { scanMs: 0, mkdirMs: 0, submitMs: 0, transferMs: 0, commitMs: 0 },
    },
    tasks: [],
  };
}

describe('the sync watch source', () => {
  it('expects data from enabled, scheduled, unpaused jobs and finds when a run last moved files', async () => {
    let now = Date.parse('2024-05-02T00:00:00Z');
    let jobs = [summary()];
    let runs: SyncRun[] = [];
    let listed = 0;
    const source = createSyncWatchSource(
      {
        list: async () => jobs,
        listRuns: async () => {
          listed += 1;
          return runs;
        },
      },
      { now: () => now },
    );
    expect(await source.list()).toEqual([{ kind: 'sync', id: 'job-1', name: 'detector', lastMovedAt: null, expectingSince: Date.parse(created) }]);
    expect(listed).toBe(0); // no runs yet: nothing to read

    runs = [run('r3', 'no_changes', '2024-05-01T12:00:00Z', 0), run('r2', 'succeeded', '2024-05-01T06:00:00Z', 4), run('r1', 'failed', '2024-05-01T08:00:00Z', 9)];
    jobs = [summary({ lastRun: runs[0]! })];
    expect((await source.list())[0]?.lastMovedAt).toBe(Date.parse('2024-05-01T06:00:00Z'));
    await source.list();
    expect(listed).toBe(1); // same newest run: runs are not read again

    jobs = [summary({ paused: true, lastRun: runs[0]! })];
    expect((await source.list())[0]?.expectingSince).toBeNull();
    now += 1000;
    jobs = [summary({ lastRun: runs[0]! })];
    expect((await source.list())[0]?.expectingSince).toBe(now); // resumed: expected from now on
    jobs = [summary({ manual: true, lastRun: runs[0]! })];
    expect((await source.list())[0]?.expectingSince).toBeNull();
  });
});

describe('the queue watch source', () => {
  it('expects data while items wait for an enabled destination and sees it move when bytes flow or items leave', async () => {
    let now = 1_000;
    let dest: QueueDestinationStatus = { collection: 'dst', name: 'HPC scratch', enabled: true, queued: 10, activeTasks: 0, bytesPerSecond: 0 };
    let paused = false;
    const source = createQueueWatchSource({ snapshot: async () => ({ paused, destinations: [dest] }) as unknown as QueueStatus }, { now: () => now });
    expect(await source.list()).toEqual([{ kind: 'queue', id: 'dst', name: 'HPC scratch', lastMovedAt: null, expectingSince: 1_000 }]);
    now = 2_000;
    dest = { ...dest, queued: 5, activeTasks: 1 };
    expect((await source.list())[0]).toMatchObject({ lastMovedAt: 2_000, expectingSince: 1_000 });
    now = 3_000;
    dest = { ...dest, bytesPerSecond: 100 };
    expect((await source.list())[0]?.lastMovedAt).toBe(3_000);
    paused = true;
    expect((await source.list())[0]?.expectingSince).toBeNull();
    paused = false;
    now = 4_000;
    expect((await source.list())[0]?.expectingSince).toBe(4_000);
    dest = { ...dest, enabled: false };
    expect((await source.list())[0]?.expectingSince).toBeNull();
  });
});

describe('the daily summary text', () => {
  it('is null when nothing ended, and names counts, files, bytes and failures otherwise', () => {
    expect(dailySummaryText(summarizeDay([], 0, 1))).toBeNull();
    const text = dailySummaryText({ ended: 9, succeeded: 1, failed: 7, cancelled: 1, files: 1234, bytes: 5_000_000_000, failedSample: ['a', 'b', 'c', 'd', 'e'] });
    expect(text).toEqual({
      title: 'Ferry daily summary: 7 transfers failed',
      body: '9 transfers ended in the last 24 hours, 1 succeeded, 7 failed, 1 cancelled. Moved 1,234 files, 5 GB. Failed: a, b, c, d, e and 2 more.',
    });
    expect(dailySummaryText({ ended: 1, succeeded: 1, failed: 0, cancelled: 0, files: 1, bytes: 10, failedSample: [] }, 'the last 3 days')).toEqual({
      title: 'Ferry daily summary: 10 B moved',
      body: '1 transfer ended in the last 3 days, 1 succeeded. Moved 1 file, 10 B.',
    });
  });
});

describe('notices from other capabilities', () => {
  it('become alerts of their kind, shown where the person fixes them', () => {
    expect(noticeAlert({ id: 'h1', title: 'Lab', body: 'needs consent', subject: 'consent:abc' })).toMatchObject({ kind: 'consent', severity: 'warning', subject: { kind: 'account', id: 'consent:abc' } });
    expect(noticeAlert({ id: 'h2', title: 'Sign-in', body: 'unused', subject: 'refresh-token' }).kind).toBe('session');
    expect(noticeAlert({ id: 's1', title: 'Rule', body: 'expires', subject: 'sharing:c:r' })).toMatchObject({ kind: 'sharing', subject: { kind: 'sharing' } });
    expect(noticeAlert({ id: 'x', title: 'X', body: 'x', subject: 'whatever' }).kind).toBe('other');
  });
});
