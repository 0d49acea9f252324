import { afterEach, describe, expect, it } from 'vitest';
import { timerRunStatsMax, timerRunStatsSchema, type TimerDetail, type TimerRun, type TimerRunStats } from '../../../shared/contract/timers';
import { capabilityHarness, runCleanups } from '../kernel/testing/harness';
import { createManualClock } from '../kernel/testing/manual-clock';
import { createTimersCapability } from './handlers';
import { createRunStatsReader, runStatsOf, taskStatsOf } from './run-stats';
import { fakeActivity } from './testing/fake-activity';
import { fakeTimersAuth, fakeTimersDeps } from './testing/fake-timers-deps';
import { FakeTimers } from './testing/fake-timers';

const SRC = 'aaaaaaaa-0000-4000-8000-000000000001';
const DST = 'bbbbbbbb-0000-4000-8000-000000000002';
const HOUR = 3_600_000;
const task = (n: number) => `dddddddd-0000-4000-8000-${String(n).padStart(12, '0')}`;

afterEach(runCleanups);

function detailWith(runs: readonly TimerRun[], over: Partial<TimerDetail> = {}): TimerDetail {
  return {
    id: 'eeeeeeee-0000-4000-8000-000000000001',
    name: 'Nightly',
    source: SRC,
    destination: DST,
    items: [],
    intervalSeconds: 3600,
    startAt: 0,
    end: { kind: 'never' },
    state: 'scheduled',
    status: 'active',
    nextRunAt: null,
    lastRunAt: null,
    runCount: runs.length,
    errorCount: 0,
    inactiveReason: null,
    submittedAt: 0,
    options: {},
    runs,
    ...over,
  };
}

const run = (n: number, over: Partial<TimerRun> = {}): TimerRun => ({ ranAt: n * HOUR, endedAt: n * HOUR + 1000, status: 'SUCCEEDED', taskId: task(n), error: null, ...over });

describe('taskStatsOf', () => {
  it('reads files and bytes from the task document, else from the history row', () => {
    expect(taskStatsOf({ task: { status: 'SUCCEEDED', files_transferred: 3, bytes_transferred: 4200 }, row: { status: 'ACTIVE', files_transferred: 1, bytes_transferred: 1 } })).toEqual({
      status: 'SUCCEEDED',
      files: 3,
      bytes: 4200,
    });
    expect(taskStatsOf({ task: null, row: { status: 'ACTIVE', files_transferred: 1, bytes_transferred: 10 } })).toEqual({ status: 'ACTIVE', files: 1, bytes: 10 });
  });

  it('answers null for anything that is not a task detail', () => {
    for (const value of [undefined, null, 'x', 42, {}, { task: { files_transferred: -1, bytes_transferred: 0 } }, { task: { files_transferred: '3', bytes_transferred: 0 } }]) {
      expect(taskStatsOf(value)).toBeNull();
    }
  });
});

describe('runStatsOf', () => {
  it('gives the newest runs oldest first, each with its task\u2019s numbers (null when unknown)', () => {
    const detail = detailWith([run(3), run(1), run(2, { taskId: null, status: 'FAILED', error: 'no task' })]);
    const stats = runStatsOf(detail, (id) => (id === task(1) ? { status: 'SUCCEEDED', files: 2, bytes: 20 } : id === task(3) ? { status: 'ACTIVE', files: 1, bytes: 5 } : null));
    expect(stats).toEqual({
      timerId: detail.id,
      runCount: 3,
      runs: [
        { ranAt: HOUR, status: 'SUCCEEDED', taskId: task(1), taskStatus: 'SUCCEEDED', files: 2, bytes: 20 },
        { ranAt: 2 * HOUR, status: 'FAILED', taskId: null, taskStatus: null, files: null, bytes: null },
        { ranAt: 3 * HOUR, status: 'SUCCEEDED', taskId: task(3), taskStatus: 'ACTIVE', files: 1, bytes: 5 },
      ],
    });
    expect(timerRunStatsSchema.safeParse(stats).success).toBe(true);
  });

  it('keeps at most the newest `timerRunStatsMax` runs, and says how many there are in all', () => {
    const runs = Array.from({ length: timerRunStatsMax + 7 }, (_v, i) => run(i + 1));
    const stats = runStatsOf(detailWith(runs, { runCount: 200 }), () => null);
    expect(stats.runs).toHaveLength(timerRunStatsMax);
    expect(stats.runs[0]?.ranAt).toBe(8 * HOUR);
    expect(stats.runs.at(-1)?.ranAt).toBe((timerRunStatsMax + 7) * HOUR);
    expect(stats.runCount).toBe(200);
    expect(runStatsOf(detailWith(runs), () => null, 5).runs.map((r) => r.ranAt / HOUR)).toEqual([53, 54, 55, 56, 57]);
  });
});

describe('createRunStatsReader', () => {
  it('reads an ended task once, a running one again, and one that fails as unknown', async () => {
    const fake = fakeActivity();
    fake.tasks.set(task(1), { status: 'SUCCEEDED', files_transferred: 4, bytes_transferred: 400 });
    fake.tasks.set(task(2), { status: 'ACTIVE', files_transferred: 1, bytes_transferred: 100 });
    const reader = createRunStatsReader({ readTask: fake.activity.detail });
    const detail = detailWith([run(1), run(2), run(3)]);
    const first = await reader.statsFor(detail);
    expect(first.runs.map((r) => [r.files, r.bytes, r.taskStatus])).toEqual([
      [4, 400, 'SUCCEEDED'],
      [1, 100, 'ACTIVE'],
      [null, null, null],
    ]);
    fake.tasks.set(task(2), { status: 'SUCCEEDED', files_transferred: 2, bytes_transferred: 250 });
    const second = await reader.statsFor(detail);
    expect(second.runs[1]).toMatchObject({ files: 2, bytes: 250, taskStatus: 'SUCCEEDED' });
    await reader.statsFor(detail);
    expect(fake.readsOf(task(1))).toBe(1);
    expect(fake.readsOf(task(2))).toBe(2);
    expect(fake.readsOf(task(3))).toBe(3);
    expect(reader.cachedCount()).toBe(2);
  });

  it('reads at most `concurrency` tasks at once and only the newest runs', async () => {
    let active = 0;
    let peak = 0;
    const read: string[] = [];
    const reader = createRunStatsReader({
      concurrency: 3,
      limit: 10,
      readTask: async (id) => {
        read.push(id);
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setImmediate(resolve));
        active -= 1;
        return { task: { status: 'SUCCEEDED', files_transferred: 1, bytes_transferred: 1 } };
      },
    });
    const stats = await reader.statsFor(detailWith(Array.from({ length: 30 }, (_v, i) => run(i + 1))));
    expect(stats.runs).toHaveLength(10);
    expect(peak).toBe(3);
    expect(read.sort()).toEqual(Array.from({ length: 10 }, (_v, i) => task(21 + i)).sort());
  });

  it('forgets the oldest ended tasks beyond its bound', async () => {
    const fake = fakeActivity();
    for (let n = 1; n <= 5; n++) fake.tasks.set(task(n), { status: 'FAILED', files_transferred: 0, bytes_transferred: 0 });
    const reader = createRunStatsReader({ readTask: fake.activity.detail, maxCached: 3 });
    for (let n = 1; n <= 5; n++) await reader.read(task(n));
    expect(reader.cachedCount()).toBe(3);
    await reader.read(task(1));
    await reader.read(task(5));
    expect(fake.readsOf(task(1))).toBe(2);
    expect(fake.readsOf(task(5))).toBe(1);
  });

  it('has no numbers without Activity', async () => {
    const stats = await createRunStatsReader({ readTask: null }).statsFor(detailWith([run(1)]));
    expect(stats.runs).toEqual([{ ranAt: HOUR, status: 'SUCCEEDED', taskId: task(1), taskStatus: null, files: null, bytes: null }]);
  });
});

describe('timers:run-stats', () => {
  function setup() {
    const clock = createManualClock(Date.parse('2026-01-01T00:00:00Z'));
    const auth = fakeTimersAuth('signed-in');
    auth.timersConsent = true;
    const timers = new FakeTimers(clock.now);
    const activity = fakeActivity();
    const capability = createTimersCapability({ ...fakeTimersDeps(auth), activity: activity.activity }, { port: timers, clock, pollMs: HOUR });
    return { clock, auth, timers, activity, capability, ...capabilityHarness(capability) };
  }

  it('gives each run of a timer with the files and bytes its Transfer task moved', async () => {
    const t = setup();
    const created = await t.call<TimerDetail>('timers:create', [
      { name: 'Lab', source: SRC, destination: DST, items: [{ sourcePath: '/a/', destinationPath: '/b/', recursive: true }], startAt: t.clock.now(), intervalSeconds: 3600, end: { kind: 'never' } },
    ]);
    expect(await t.call<TimerRunStats>('timers:run-stats', [created.id])).toEqual({ timerId: created.id, runs: [], runCount: 0 });

    let n = 0;
    t.activity.tasks.set(task(1), { status: 'SUCCEEDED', files_transferred: 3, bytes_transferred: 3000 });
    t.activity.tasks.set(task(2), { status: 'ACTIVE', files_transferred: 1, bytes_transferred: 800 });
    t.clock.advance(HOUR);
    t.timers.advance(() => task((n += 1)));
    const stats = await t.call<TimerRunStats>('timers:run-stats', [created.id]);
    expect(stats).toEqual({
      timerId: created.id,
      runCount: 2,
      runs: [
        { ranAt: Date.parse('2026-01-01T00:00:00Z'), status: 'SUCCEEDED', taskId: task(1), taskStatus: 'SUCCEEDED', files: 3, bytes: 3000 },
        { ranAt: Date.parse('2026-01-01T01:00:00Z'), status: 'SUCCEEDED', taskId: task(2), taskStatus: 'ACTIVE', files: 1, bytes: 800 },
      ],
    });

    // The running task's numbers move on; the ended one is not read again.
    t.activity.tasks.set(task(2), { status: 'SUCCEEDED', files_transferred: 2, bytes_transferred: 1600 });
    const later = await t.call<TimerRunStats>('timers:run-stats', [created.id]);
    expect(later.runs.map((r) => [r.files, r.bytes])).toEqual([
      [3, 3000],
      [2, 1600],
    ]);
    expect(t.activity.readsOf(task(1))).toBe(1);
    await t.call<TimerRunStats>('timers:run-stats', [created.id]);
    expect(t.activity.readsOf(task(2))).toBe(2);
  });

  it('answers not-found for a timer Globus does not know, and refuses while signed out or for a malformed id', async () => {
    const t = setup();
    const missing = await t.invoke('timers:run-stats', ['eeeeeeee-0000-4000-8000-00000000000f']);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.kind).toBe('not-found');
    t.auth.setState('signed-out');
    const refused = await t.invoke('timers:run-stats', ['eeeeeeee-0000-4000-8000-00000000000f']);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.kind).toBe('unauthorized');
    const bad = await t.invoke('timers:run-stats', ['nope']);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.kind).toBe('invalid');
  });
});
