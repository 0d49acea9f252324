/**
 * The watch trigger's quiet period, on a manual clock: changes that keep coming put the run off,
 * never past `maxWaitFactor` quiet periods after the first change. Real file events, waited for
 * through the clock's timers (each change re-arms one), never for time.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncRun } from '../../../shared/contract/syncs';
import { createSubmitter } from '../globus';
import { FakeTransferService } from '../globus/testing/fake-transfer-service';
import type { Clock } from '../kernel';
import { createManualClock, type ManualClock } from '../kernel/testing/manual-clock';
import { SyncEngine } from './engine';
import { buildTree, jobInput, makeSandbox, writeFile, type Sandbox } from './testing/test-support';
import { WatchTrigger } from './watch-trigger';

describe('watch trigger: quiet period', () => {
  let s: Sandbox;
  let engine: SyncEngine;
  let trigger: WatchTrigger;
  let manual: ManualClock;
  /** Resolves at the next timer the trigger arms (a change seen), with its delay. */
  let armed: Promise<number>;
  let onArm: (ms: number) => void = () => undefined;
  const nextArm = (): void => {
    armed = new Promise((resolve) => (onArm = resolve));
  };

  beforeEach(() => {
    s = makeSandbox('ferry-sync-quiet-');
    buildTree(s.src, 1, 1);
    const fake = new FakeTransferService({ collections: { SRC: s.src, DST: s.dst }, taskDurationMs: 0 });
    engine = new SyncEngine({ dataDir: s.data, transfer: fake, submitter: createSubmitter(() => fake), pollIntervalMs: 10 });
    manual = createManualClock();
    const clock: Clock = {
      now: () => manual.now(),
      setTimeout: (fn, ms) => {
        const cancel = manual.setTimeout(fn, ms);
        onArm(ms);
        return cancel;
      },
    };
    trigger = new WatchTrigger(engine, { clock, maxWaitFactor: 3 });
  });

  afterEach(async () => {
    trigger.stop();
    await engine.close();
    s.cleanup();
  });

  it('waits for quiet, and starts a run at the latest 3 quiet periods after the first change', async () => {
    const job = engine.createJob(jobInput(s, { schedule: { kind: 'watch', quietSeconds: 5, fullScanMinutes: 60 } }));
    trigger.start();
    await trigger.ready();
    expect(trigger.watches(job.id)).toBe(2);
    const started = new Promise<SyncRun>((resolve) => {
      const off = engine.subscribe((e) => {
        if (e.type === 'run' && e.run.trigger === 'watch') {
          off();
          resolve(e.run);
        }
      });
    });
    const t0 = manual.now(); // the manual clock stands still: the first change is seen at t0
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      nextArm();
      writeFile(join(s.src, 'run_0', `burst_${i}.tif`), `b${i}`);
      const delay = await armed;
      delays.push(delay);
      manual.advance(Math.min(4000, delay - 1)); // a change again before the quiet period ends
      expect(engine.listRuns(job.id)).toHaveLength(0);
    }
    // each change put the run off by at most the quiet period, the last one by less: the cap
    expect(Math.max(...delays)).toBeLessThanOrEqual(5000);
    expect(delays[3]).toBeLessThanOrEqual(t0 + 15_000 - (t0 + 12_000));
    expect(manual.now()).toBeLessThan(t0 + 15_000);
    manual.advance(t0 + 15_000 - manual.now());
    const run = await started;
    expect(run.jobId).toBe(job.id);
  });

  it('stops watching a job that is paused, and watches it again when resumed', async () => {
    const job = engine.createJob(jobInput(s, { schedule: { kind: 'watch', quietSeconds: 5, fullScanMinutes: 60 } }));
    trigger.start();
    await trigger.ready();
    expect(trigger.watches(job.id)).toBe(2);
    engine.pauseJob(job.id);
    expect(trigger.watches(job.id)).toBe(0);
    engine.resumeJob(job.id);
    await trigger.ready();
    expect(trigger.watches(job.id)).toBe(2);
  });

  it('a file written before watching began leaves in the first run once watching starts', async () => {
    writeFile(join(s.src, 'run_0', 'written-while-closed.tif'), 'early');
    const job = engine.createJob(jobInput(s, { schedule: { kind: 'watch', quietSeconds: 5, fullScanMinutes: 60 } }));
    const ended = new Promise<SyncRun>((resolve) => {
      const off = engine.subscribe((e) => {
        if (e.type === 'run' && e.run.trigger === 'watch' && e.run.status === 'succeeded') {
          off();
          resolve(e.run);
        }
      });
    });
    nextArm();
    trigger.start();
    await trigger.ready();
    manual.advance(await armed);
    const run = await ended;
    const sent: string[] = [];
    engine.eachRunFile(run.id, null, (f) => void sent.push(f.path));
    expect(run.jobId).toBe(job.id);
    expect(sent).toContain('run_0/written-while-closed.tif');
  });
});

