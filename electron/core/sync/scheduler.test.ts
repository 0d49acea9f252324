import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSubmitter } from '../globus';
import { createManualClock, type ManualClock } from '../kernel/testing/manual-clock';
import { SyncEngine } from './engine';
import { FakeTransferService } from '../globus/testing/fake-transfer-service';
import { autoLabel, formatLogTime, nextRunTime } from './schedule';
import { SyncScheduler } from './scheduler';
import { buildTree, jobInput, makeSandbox, waitUntil, type Sandbox } from './testing/test-support';

describe('scheduler', () => {
  let s: Sandbox;
  let clock: ManualClock;
  let engine: SyncEngine;
  let scheduler: SyncScheduler;

  beforeEach(() => {
    s = makeSandbox('ferry-sync-sched-');
    buildTree(s.src, 2, 2);
    clock = createManualClock(Date.parse('2026-01-05T10:00:00Z'));
    const fake = new FakeTransferService({ collections: { SRC: s.src, DST: s.dst }, taskDurationMs: 0 });
    engine = new SyncEngine({ dataDir: s.data, transfer: fake, submitter: createSubmitter(() => fake), clock, pollIntervalMs: 10 });
    scheduler = new SyncScheduler(engine, { clock });
  });

  afterEach(async () => {
    scheduler.stop();
    await engine.close();
    s.cleanup();
  });

  it('fires an interval job every N minutes, not before, and skips paused and disabled jobs', async () => {
    const job = engine.createJob(jobInput(s, { schedule: { kind: 'interval', minutes: 5 } }));
    engine.createJob(jobInput(s, { name: 'off', enabled: false, schedule: { kind: 'interval', minutes: 1 } }));
    scheduler.start();
    expect(scheduler.nextRunAt(job.id)).toBe(clock.now() + 5 * 60_000);
    clock.advance(4 * 60_000);
    expect(engine.listRuns(job.id)).toHaveLength(0);
    clock.advance(60_000);
    await waitUntil(() => engine.listRuns(job.id)[0]?.status === 'succeeded', 10_000, 'the first scheduled run');
    expect(engine.listRuns(job.id)[0]?.trigger).toBe('schedule');
    clock.advance(5 * 60_000);
    await waitUntil(() => engine.listRuns(job.id)[0]?.status === 'no_changes', 10_000, 'the second scheduled run');
    expect(engine.listRuns(engine.getJob('off')?.id ?? '')).toHaveLength(0);
    engine.pauseJob(job.id);
    expect(scheduler.nextRunAt(job.id)).toBeNull();
    clock.advance(60 * 60_000);
    expect(engine.listRuns(job.id)).toHaveLength(2);
  });

  it('fires a cron job at its next matching minute', async () => {
    const job = engine.createJob(jobInput(s, { schedule: { kind: 'cron', expression: '*/15 * * * *' } }));
    scheduler.start();
    const next = scheduler.nextRunAt(job.id) ?? 0;
    expect(new Date(next).getMinutes() % 15).toBe(0);
    expect(next - clock.now()).toBeLessThanOrEqual(15 * 60_000);
    clock.advance(next - clock.now());
    await waitUntil(() => engine.listRuns(job.id).length === 1, 10_000, 'the cron run');
  });

  it('formats labels and log times like globus_auto, and computes next times without a scheduler', () => {
    const t = new Date(2018, 8, 26, 10, 45, 55, 743).getTime();
    expect(autoLabel(t)).toBe('AUTO_2018-09-26_104555');
    expect(formatLogTime(t)).toBe('2018-09-26 10:45:55,743');
    const job = engine.createJob(jobInput(s, { schedule: { kind: 'manual' } }));
    expect(nextRunTime(job, null, clock.now())).toBeNull();
  });
});
