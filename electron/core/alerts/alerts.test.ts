import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, AlertNotification } from '../../../shared/contract/alerts';
import { defaultSettings, type Settings } from '../../../shared/settings';
import type { ActivityRow } from '../../../shared/activity';
import { createEventBus } from '../kernel';
import { createManualClock, type ManualClock } from '../kernel/testing/manual-clock';
import { createAlertsCapability, followAttention, watchdogIntervalMs, type AlertsCapability, type WatchedThing, type WatchSource } from './index';
import { isOverdue, quietFor } from './watchdog';

const hour = 1_000; // a watchdog hour of one second keeps the numbers readable
const dirs: string[] = [];
const caps: AlertsCapability[] = [];

afterEach(async () => {
  for (const c of caps.splice(0)) await c.dispose();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function settingsOf(patch: Partial<Settings['alerts']> = {}) {
  let current: Settings = { ...defaultSettings('/tmp/ferry'), alerts: { warnDaysBefore: 7, watchdogHours: 24, dailySummary: false, ...patch } };
  const listeners = new Set<(s: Settings) => void>();
  return {
    get: () => current,
    onChanged: (l: (s: Settings) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    set(alerts: Partial<Settings['alerts']>) {
      current = { ...current, alerts: { ...current.alerts, ...alerts } };
      for (const l of listeners) l(current);
    },
  };
}

/** A source whose things the test sets. */
function fakeSource(things: WatchedThing[]): WatchSource & { things: WatchedThing[]; fail: boolean } {
  const source = {
    things,
    fail: false,
    list: async () => {
      if (source.fail) throw new Error('source unavailable');
      return source.things;
    },
  };
  return source;
}

function setup(options: { stateDir?: string | null; things?: WatchedThing[]; alerts?: Partial<Settings['alerts']>; rows?: ActivityRow[] } = {}) {
  const clock: ManualClock = createManualClock(Date.parse('2024-05-01T00:00:00Z'));
  const bus = createEventBus({ validate: true });
  const changed: (readonly Alert[])[] = [];
  const notified: AlertNotification[] = [];
  bus.subscribe((channel, payload) => {
    if (channel === 'alerts:changed') changed.push(payload as readonly Alert[]);
    if (channel === 'alerts:notify') notified.push(payload as AlertNotification);
  });
  const settings = settingsOf(options.alerts);
  const source = fakeSource(options.things ?? []);
  const rows = options.rows ?? [];
  const cap = createAlertsCapability({ stateDir: options.stateDir ?? null, bus, settings, clock, hourMs: hour, sources: [source], history: { snapshot: () => ({ rows }) } });
  caps.push(cap);
  return { clock, cap, changed, notified, settings, source, rows };
}

const syncJob = (patch: Partial<WatchedThing> = {}): WatchedThing => ({
  kind: 'sync',
  id: 'job-1',
  name: 'detector',
  lastMovedAt: null,
  expectingSince: Date.parse('2024-05-01T00:00:00Z'),
  ...patch,
});

describe('the watchdog', () => {
  it('counts quiet time from the later of expected-since and last-moved', () => {
    const t0 = 1_000_000;
    expect(quietFor(syncJob({ expectingSince: null }), t0)).toBeNull();
    expect(quietFor(syncJob({ expectingSince: t0 - 500, lastMovedAt: null }), t0)).toBe(500);
    expect(quietFor(syncJob({ expectingSince: t0 - 500, lastMovedAt: t0 - 100 }), t0)).toBe(100);
    expect(quietFor(syncJob({ expectingSince: t0 - 100, lastMovedAt: t0 - 500 }), t0)).toBe(100);
    expect(isOverdue(syncJob({ expectingSince: t0 - 24 * hour }), t0, 24 * hour)).toBe(true);
    expect(isOverdue(syncJob({ expectingSince: t0 - 24 * hour + 1 }), t0, 24 * hour)).toBe(false);
  });

  it('looks a twelfth of the period apart, at most every 5 minutes', () => {
    expect(watchdogIntervalMs(24, 3_600_000)).toBe(5 * 60_000);
    expect(watchdogIntervalMs(24, 100)).toBe(200);
    expect(watchdogIntervalMs(1, 1)).toBe(50);
  });

  it('raises an alarm once a sync job moved nothing for the period, notifies once, and clears it when data moves', async () => {
    const { clock, cap, changed, notified, source } = setup({ things: [syncJob()] });
    await clock.advanceAndSettle(23 * hour);
    expect(await cap.handlers['alerts:list']()).toEqual([]);

    await clock.advanceAndSettle(1 * hour + watchdogIntervalMs(24, hour));
    const [alarm] = await cap.handlers['alerts:list']();
    expect(alarm).toMatchObject({ id: 'watchdog:sync:job-1', kind: 'watchdog', severity: 'warning', subject: { kind: 'sync', id: 'job-1' } });
    expect(alarm?.title).toBe('Sync job "detector" moved nothing for 24 hours');
    expect(alarm?.body).toMatch(/^It is expected to send data, but Ferry has not seen it move any data in the last 24 hours\. Check that the folder/);
    expect(notified).toEqual([{ title: alarm?.title, body: alarm?.body, tag: 'ferry-alert-watchdog:sync:job-1' }]);
    expect(changed.at(-1)).toEqual([alarm]);

    // Still quiet: the alarm stays, nobody is notified again.
    await clock.advanceAndSettle(5 * hour);
    expect(notified).toHaveLength(1);
    expect(await cap.handlers['alerts:list']()).toHaveLength(1);

    // Data moved: the alarm clears.
    source.things = [syncJob({ lastMovedAt: clock.now() })];
    await cap.checkNow();
    expect(await cap.handlers['alerts:list']()).toEqual([]);
    expect(changed.at(-1)).toEqual([]);
  });

  it('stays quiet for things not expected to move, and uses the hours in Settings', async () => {
    const { clock, cap, settings, source } = setup({ things: [syncJob({ expectingSince: null })] });
    await clock.advanceAndSettle(48 * hour);
    expect(await cap.handlers['alerts:list']()).toEqual([]);

    source.things = [syncJob({ expectingSince: clock.now() })];
    settings.set({ watchdogHours: 2 });
    await clock.advanceAndSettle(2 * hour + watchdogIntervalMs(2, hour));
    expect((await cap.handlers['alerts:list']())[0]?.title).toBe('Sync job "detector" moved nothing for 2 hours');
  });

  it('keeps a dismissed alarm quiet until its thing moves again, then alarms anew', async () => {
    const { clock, cap, notified, source } = setup({ things: [syncJob()] });
    await clock.advanceAndSettle(25 * hour);
    expect(notified).toHaveLength(1);
    expect(await cap.handlers['alerts:dismiss']('watchdog:sync:job-1')).toEqual({ dismissed: true });
    expect(await cap.handlers['alerts:dismiss']('watchdog:sync:job-1')).toEqual({ dismissed: false });
    await clock.advanceAndSettle(10 * hour);
    expect(await cap.handlers['alerts:list']()).toEqual([]);
    expect(notified).toHaveLength(1);

    source.things = [syncJob({ lastMovedAt: clock.now() })];
    await cap.checkNow();
    await clock.advanceAndSettle(25 * hour);
    expect(await cap.handlers['alerts:list']()).toHaveLength(1);
    expect(notified).toHaveLength(2);
  });

  it('keeps alarms of a source that fails, and clears those of things that are gone', async () => {
    const { clock, cap, source } = setup({ things: [syncJob(), syncJob({ id: 'job-2', name: 'camera' })] });
    await clock.advanceAndSettle(25 * hour);
    expect(await cap.handlers['alerts:list']()).toHaveLength(2);
    source.fail = true;
    await cap.checkNow();
    expect(await cap.handlers['alerts:list']()).toHaveLength(2);
    source.fail = false;
    source.things = [syncJob()];
    await cap.checkNow();
    expect((await cap.handlers['alerts:list']()).map((a) => a.id)).toEqual(['watchdog:sync:job-1']);
  });

  it('watches sources added later (timers) and keeps alerts across a restart without notifying again', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'ferry-alerts-'));
    dirs.push(stateDir);
    const first = setup({ stateDir });
    const timers = fakeSource([{ kind: 'timer', id: 'tm-1', name: 'nightly', lastMovedAt: null, expectingSince: first.clock.now() }]);
    first.cap.addSource(timers);
    await first.clock.advanceAndSettle(25 * hour);
    expect((await first.cap.handlers['alerts:list']())[0]?.title).toBe('Timer "nightly" moved nothing for 24 hours');
    await first.cap.dispose();

    const second = setup({ stateDir });
    expect(await second.cap.handlers['alerts:list']()).toHaveLength(1);
    second.cap.raise({ id: 'watchdog:timer:tm-1', kind: 'watchdog', severity: 'warning', title: 'same', body: 'again' });
    expect(second.notified).toEqual([]);
  });
});

describe('raise, for other capabilities', () => {
  it('adds an alert with a notification, updates it quietly, and resolves it', async () => {
    const { cap, notified } = setup();
    cap.raise({ id: 'consent:abc', kind: 'consent', severity: 'warning', title: 'Consent expires in 3 days', body: 'Sign in again.' });
    cap.raise({ id: 'consent:abc', kind: 'consent', severity: 'warning', title: 'Consent expires in 2 days', body: 'Sign in again.' });
    expect(notified.map((n) => n.title)).toEqual(['Consent expires in 3 days']);
    expect((await cap.handlers['alerts:list']())[0]).toMatchObject({ title: 'Consent expires in 2 days', subject: null });
    cap.resolve('consent:abc');
    expect(await cap.handlers['alerts:list']()).toEqual([]);
  });

  it('turns tasks that need attention into alerts and clears them when the tasks recover', async () => {
    const { cap, notified } = setup();
    cap.raise({ id: 'task:left-over', kind: 'task', severity: 'error', title: 'old', body: 'from a previous run' });
    const follow = followAttention(cap);
    const attention = {
      taskId: 'task-9',
      label: 'Calibration',
      faults: 2,
      event: null,
      explanation: { id: 'file-not-found', title: 'File not found', cause: 'c', action: 'Fix the source path and resubmit.', fixPath: true, retries: true, raw: 'FILE_NOT_FOUND' },
      since: 0,
      item: null,
      canFixPath: true,
    };
    follow([attention]);
    expect((await cap.handlers['alerts:list']()).map((a) => a.id)).toEqual(['task:task-9']);
    expect(notified.at(-1)).toMatchObject({ title: 'Transfer needs attention: Calibration', body: 'File not found. Fix the source path and resubmit.' });
    follow([]);
    expect(await cap.handlers['alerts:list']()).toEqual([]);
  });
});

describe('the daily summary', () => {
  const row = (id: string, status: 'SUCCEEDED' | 'FAILED', completion: string, files = 10, bytes = 1_000_000): ActivityRow => ({
    task_id: id,
    status,
    type: 'TRANSFER',
    label: `label ${id}`,
    source_id: null,
    source_name: null,
    destination_id: null,
    destination_name: null,
    paths: null,
    files,
    files_transferred: files,
    files_skipped: 0,
    bytes_transferred: bytes,
    effective_bytes_per_second: 0,
    faults: 0,
    nice_status: null,
    request_time: '2024-05-01T00:00:00Z',
    completion_time: completion,
    submitted_by_ferry: true,
    origin: 'sync',
  });

  it('sends once a (watchdog) day what moved and what failed, only while switched on', async () => {
    const { clock, cap, notified, settings, rows } = setup({ alerts: { dailySummary: true } });
    await cap.checkNow(); // switched on: the first day starts now
    const start = clock.now();
    rows.push(row('a', 'SUCCEEDED', new Date(start + 2 * hour).toISOString()), row('b', 'FAILED', new Date(start + 3 * hour).toISOString()));
    rows.push(row('old', 'SUCCEEDED', new Date(start - hour).toISOString()));
    await clock.advanceAndSettle(23 * hour);
    expect(notified).toEqual([]);
    await clock.advanceAndSettle(2 * hour);
    expect(notified).toEqual([
      {
        title: 'Ferry daily summary: 1 transfer failed',
        body: '2 transfers ended in the last 24 hours, 1 succeeded, 1 failed. Moved 20 files, 2 MB. Failed: label b.',
        tag: 'ferry-daily-summary',
      },
    ]);
    settings.set({ dailySummary: false });
    await clock.advanceAndSettle(50 * hour);
    expect(notified).toHaveLength(1);
  });
});
