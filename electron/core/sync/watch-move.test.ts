/**
 * The watch trigger (file events start a run after a quiet period) and the verified move
 * (delete what a checksum-verified task carried, when unchanged since). Waits for the engine's
 * events with a deadline, never for time.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncJobDraftSchema } from '../../../shared/contract/syncs';
import { createSubmitter } from '../globus';
import { FakeTransferService } from '../globus/testing/fake-transfer-service';
import { SyncEngine } from './engine';
import type { SyncTestHooks } from './runtime';
import { SyncScheduler } from './scheduler';
import { buildTree, jobInput, makeSandbox, nextEndedRun, writeFile, type Sandbox } from './testing/test-support';


function sentPaths(engine: SyncEngine, runId: string): string[] {
  const out: string[] = [];
  engine.eachRunFile(runId, null, (f) => void out.push(f.path));
  return out.sort();
}

describe('watch trigger and verified move', () => {
  let s: Sandbox;
  let engine: SyncEngine;
  let scheduler: SyncScheduler | null = null;
  let hooks: SyncTestHooks = {};

  beforeEach(() => {
    s = makeSandbox('ferry-sync-watch-');
    buildTree(s.src, 2, 2);
    hooks = {};
    const fake = new FakeTransferService({ collections: { SRC: s.src, DST: s.dst }, taskDurationMs: 0 });
    engine = new SyncEngine({ dataDir: s.data, transfer: fake, submitter: createSubmitter(() => fake), pollIntervalMs: 10, hooks: { afterSubmit: (c, t) => hooks.afterSubmit?.(c, t) } });
  });

  afterEach(async () => {
    scheduler?.stop();
    scheduler = null;
    await engine.close();
    s.cleanup();
  });

  it('starts a run when a file is written, in a folder made after watching began too', async () => {
    const job = engine.createJob(jobInput(s, { schedule: { kind: 'watch', quietSeconds: 1, fullScanMinutes: 60 } }));
    scheduler = new SyncScheduler(engine);
    scheduler.start();
    await scheduler.watching();
    const t0 = Date.now();
    const first = nextEndedRun(engine, (r) => r.jobId === job.id && r.trigger === 'watch');
    writeFile(join(s.src, 'run_0', 'fresh.tif'), 'new');
    const run1 = await first;
    expect(run1.status).toBe('succeeded');
    expect(sentPaths(engine, run1.id)).toContain('run_0/fresh.tif');
    expect(Date.now() - t0).toBeLessThan(10_000);

    // a folder created now is watched as well: a file written in it starts another run
    const second = nextEndedRun(engine, (r) => r.jobId === job.id && r.trigger === 'watch' && r.id !== run1.id && r.stats.changedFiles > 0);
    mkdirSync(join(s.src, 'run_new'));
    writeFile(join(s.src, 'run_new', 'a.tif'), 'a');
    const third = nextEndedRun(engine, (r) => r.jobId === job.id && r.trigger === 'watch' && sentPaths(engine, r.id).includes('run_new/deeper/b.tif'));
    const run2 = await second;
    expect(sentPaths(engine, run2.id)).toContain('run_new/a.tif');
    writeFile(join(s.src, 'run_new', 'deeper', 'b.tif'), 'b');
    await third;
  });

  it('falls back to the periodic scan, with a warning in the next run log, when the tree has more folders than the cap', async () => {
    const job = engine.createJob(jobInput(s, { schedule: { kind: 'watch', quietSeconds: 1, fullScanMinutes: 60 } }));
    const warned = new Promise<string>((resolve) => {
      scheduler = new SyncScheduler(engine, { maxWatches: 2, onWarning: (_id, message) => resolve(message) });
    });
    scheduler?.start();
    expect(await warned).toMatch(/more than 2 folders/);
    const run = await engine.runJobToCompletion(job.id);
    expect(engine.runLog(run.id).join('\n')).toMatch(/WARNING: Watching stopped: the folder has more than 2 folders/);
  });

  it('verified move deletes the files a verified task carried, never one modified since, nor anything else', async () => {
    const job = engine.createJob(jobInput(s, { verifyChecksum: true, moveAfterVerify: true }));
    hooks.afterSubmit = () => {
      writeFile(join(s.src, 'run_0', 'img_0001.tif'), 'rewritten after the scan');
      writeFile(join(s.src, 'run_1', 'late.tif'), 'not in this run');
    };
    const run = await engine.runJobToCompletion(job.id);
    expect(run.status).toBe('succeeded');
    expect(existsSync(join(s.src, 'run_0', 'img_0000.tif'))).toBe(false);
    expect(existsSync(join(s.src, 'run_1', 'img_0000.tif'))).toBe(false);
    expect(existsSync(join(s.src, 'run_1', 'img_0001.tif'))).toBe(false);
    expect(existsSync(join(s.src, 'run_0', 'img_0001.tif'))).toBe(true);
    expect(existsSync(join(s.src, 'run_1', 'late.tif'))).toBe(true);
    expect(existsSync(join(s.dst, 'backup', 'run_0', 'img_0000.tif'))).toBe(true);
    const log = engine.runLog(run.id).join('\n');
    expect(log).toMatch(/Verified move: deleted run_0\/img_0000\.tif/);
    expect(log).toMatch(/Verified move: kept run_0\/img_0001\.tif: changed since it was sent/);
    expect(log).toMatch(/Verified move: deleted 3 local files; kept 1 file/);
  });

  it('verified move is off by default, and needs checksum verification', async () => {
    const job = engine.createJob(jobInput(s));
    expect(job.moveAfterVerify).toBe(false);
    await engine.runJobToCompletion(job.id);
    expect(existsSync(join(s.src, 'run_0', 'img_0000.tif'))).toBe(true);

    const unverified = engine.createJob(jobInput(s, { name: 'no checksum', moveAfterVerify: true }));
    const run = await engine.runJobToCompletion(unverified.id);
    expect(existsSync(join(s.src, 'run_0', 'img_0000.tif'))).toBe(true);
    expect(engine.runLog(run.id).join('\n')).toMatch(/checksum verification is off: no local file deleted/);

    const draft = { ...jobInput(s), source: { ...jobInput(s).source, collectionId: '0b8e1a3c-5f0e-4d4e-9a3a-2f1f0c7d8e9b' }, destination: { collectionId: '0b8e1a3c-5f0e-4d4e-9a3a-2f1f0c7d8e9c', path: '/b' } };
    const base = { ...draft, syncLevel: null, include: [], exclude: [], symlinks: 'skip' as const, createEmptyDirs: true, enabled: true, maxItemsPerTransfer: 10 };
    expect(syncJobDraftSchema.safeParse({ ...base, moveAfterVerify: true }).success).toBe(false);
    expect(syncJobDraftSchema.safeParse({ ...base, moveAfterVerify: true, verifyChecksum: true }).success).toBe(true);
  });
});
