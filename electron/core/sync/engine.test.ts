import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSubmitter } from '../globus';
import { SyncEngine } from './engine';
import { FakeTransferService } from '../globus/testing/fake-transfer-service';
import type { SyncEvent } from './model';
import { buildTree, isDir, jobInput, listFiles, makeSandbox, waitUntil, writeFile, type Sandbox } from './testing/test-support';

describe('sync engine (local fake transfer)', () => {
  let s: Sandbox;
  let fake: FakeTransferService;
  let engine: SyncEngine;

  beforeEach(() => {
    s = makeSandbox();
    fake = new FakeTransferService({ collections: { SRC: s.src, DST: s.dst }, taskDurationMs: 0 });
    engine = new SyncEngine({ dataDir: s.data, transfer: fake, submitter: createSubmitter(() => fake), pollIntervalMs: 10, workers: 2 });
  });

  afterEach(async () => {
    await engine.close();
    s.cleanup();
  });

  it('first run transfers everything and creates empty folders; a second run submits nothing', async () => {
    const files = buildTree(s.src, 4, 5);
    mkdirSync(join(s.src, 'empty', 'deeper'), { recursive: true });
    const job = engine.createJob(jobInput(s));
    const submitted: string[] = [];
    const submitter = createSubmitter(() => fake);
    submitter.onSubmitted((e) => submitted.push(`${e.document.label ?? 'none'}:${e.taskId}`));
    const hooked = new SyncEngine({ dataDir: s.data, transfer: fake, submitter, pollIntervalMs: 10 });
    const run = await hooked.runJobToCompletion(job.id);
    await hooked.close();
    expect(run.status).toBe('succeeded');
    expect(run.label).toMatch(/^AUTO_\d{4}-\d{2}-\d{2}_\d{6}$/);
    expect(run.stats.changedFiles).toBe(20);
    expect(run.stats.filesScanned).toBe(20);
    expect(run.tasks).toHaveLength(1);
    expect(submitted).toEqual([`${run.label}:${run.tasks[0]?.taskId}`]);
    expect(listFiles(join(s.dst, 'backup'))).toEqual([...files].sort());
    expect(isDir(join(s.dst, 'backup', 'empty', 'deeper'))).toBe(true);
    const log = engine.runLog(run.id).join('\n');
    expect(log).toMatch(/INFO: Scanning directory\.\./);
    expect(log).toMatch(/Attempting to create empty directories/);
    expect(log).toMatch(/Initiating transfer AUTO_.* \(20 file\(s\) as 4 item\(s\), new folders whole\)/);
    // new folders of plain files travel as one recursive item each
    expect(fake.tasks()[0]?.items.sort()).toEqual(['/backup/run_0', '/backup/run_1', '/backup/run_2', '/backup/run_3']);

    const again = await engine.runJobToCompletion(job.id);
    expect(again.status).toBe('no_changes');
    expect(again.tasks).toHaveLength(0);
    expect(again.message).toBe('The directory was not modified, so a transfer is not necessary.');
    expect(fake.tasks()).toHaveLength(1);
    expect(await engine.exportRunLog(again.id, join(s.root, 'run.log'))).toContain('not necessary');
    expect(readFileSync(join(s.root, 'run.log'), 'utf8')).toContain('not necessary');
  });

  it('a run waiting on its task polls at once when told a task ended, not at its next interval', async () => {
    buildTree(s.src, 1, 2);
    // A task that runs for 200 ms: the poll right after submitting sees it active; the next
    // poll is an hour away, so only a nudge gets its end seen.
    const slowFake = new FakeTransferService({ collections: { SRC: s.src, DST: s.dst }, taskDurationMs: 200 });
    const slow = new SyncEngine({ dataDir: join(s.root, 'slow'), transfer: slowFake, submitter: createSubmitter(() => slowFake), pollIntervalMs: 3_600_000 });
    try {
      const job = slow.createJob(jobInput(s));
      const started = await slow.runJob(job.id);
      expect(started.status).toBe('transferring');
      const done = slow.waitForCompletion(started.id);
      await waitUntil(() => slowFake.tasks().some((t) => t.status === 'SUCCEEDED'));
      expect(slow.getRun(started.id)?.status).toBe('transferring');
      slow.nudge();
      expect((await done).status).toBe('succeeded');
    } finally {
      await slow.close();
    }
  });

  it('touching 3 files and adding 2 transfers exactly those 5', async () => {
    buildTree(s.src, 3, 10);
    const job = engine.createJob(jobInput(s));
    expect((await engine.runJobToCompletion(job.id)).status).toBe('succeeded');
    const touched = ['run_0/img_0003.tif', 'run_1/img_0000.tif', 'run_2/img_0009.tif'];
    for (const t of touched) writeFile(join(s.src, t), 'changed');
    writeFile(join(s.src, 'run_1/new_a.tif'), 'new');
    writeFile(join(s.src, 'run_2/new_b.tif'), 'new');
    const preview = await engine.preview(job.id);
    expect(preview.changedFiles).toBe(5);
    expect(preview.changedBytes).toBe(3 * 7 + 2 * 3);
    expect(preview.sample.map((x) => x.path)).toEqual([...touched, 'run_1/new_a.tif', 'run_2/new_b.tif'].sort());
    const run = await engine.runJobToCompletion(job.id);
    expect(run.status).toBe('succeeded');
    expect(run.stats.changedFiles).toBe(5);
    const last = fake.tasks().at(-1);
    expect(last?.items.sort()).toEqual([...touched, 'run_1/new_a.tif', 'run_2/new_b.tif'].map((p) => `/backup/${p}`).sort());
    expect(readFileSync(join(s.dst, 'backup/run_1/img_0000.tif'), 'utf8')).toBe('changed');
    expect((await engine.runJobToCompletion(job.id)).status).toBe('no_changes');
  });

  it('a failed transfer leaves its files pending; the next run sends them again', async () => {
    buildTree(s.src, 2, 3);
    const job = engine.createJob(jobInput(s));
    await engine.runJobToCompletion(job.id);
    writeFile(join(s.src, 'run_0/img_0001.tif'), 'v2');
    writeFile(join(s.src, 'run_1/extra.tif'), 'x');
    fake.failNext(1);
    const failed = await engine.runJobToCompletion(job.id);
    expect(failed.status).toBe('failed');
    expect(failed.tasks[0]?.status).toBe('FAILED');
    expect(engine.runLog(failed.id).join('\n')).toMatch(/stay pending/);
    const preview = await engine.preview(job.id);
    expect(preview.changedFiles).toBe(2);
    const retry = await engine.runJobToCompletion(job.id);
    expect(retry.status).toBe('succeeded');
    expect(fake.tasks().at(-1)?.items.sort()).toEqual(['/backup/run_0/img_0001.tif', '/backup/run_1/extra.tif']);
    expect((await engine.runJobToCompletion(job.id)).status).toBe('no_changes');
  });

  it('splits at max items into labelled tasks and commits only the tasks that succeeded', async () => {
    buildTree(s.src, 1, 5);
    const job = engine.createJob(jobInput(s, { maxItemsPerTransfer: 2 }));
    await engine.runJobToCompletion(job.id);
    for (let i = 0; i < 5; i++) writeFile(join(s.src, `run_0/img_000${i}.tif`), `v${i}`);
    const run = await engine.runJobToCompletion(job.id);
    expect(run.tasks.map((t) => t.items)).toEqual([2, 2, 1]);
    expect(fake.tasks().slice(1).map((t) => t.label)).toEqual([`${run.label}_1of3`, `${run.label}_2of3`, `${run.label}_3of3`]);
    // partial: the second of three fails
    for (let i = 0; i < 5; i++) writeFile(join(s.src, `run_0/img_000${i}.tif`), `w${i}`);
    const tasksBefore = fake.tasks().length;
    const original = fake.submitTransfer.bind(fake);
    let n = 0;
    fake.submitTransfer = async (doc) => {
      if (n++ === 1) fake.failNext(1);
      return original(doc);
    };
    const partial = await engine.runJobToCompletion(job.id);
    expect(partial.status).toBe('partial');
    const failedItems = fake.tasks()[tasksBefore + 1]?.items ?? [];
    expect(failedItems).toHaveLength(2);
    const preview = await engine.preview(job.id);
    expect(preview.sample.map((x) => `/backup/${x.path}`).sort()).toEqual([...failedItems].sort());
  });

  it('symlink policy skip: links are not sent and the run says so', async () => {
    writeFile(join(s.src, 'a.tif'), 'a');
    symlinkSync(join(s.src, 'a.tif'), join(s.src, 'link.tif'));
    const job = engine.createJob(jobInput(s, { symlinks: 'skip' }));
    const run = await engine.runJobToCompletion(job.id);
    expect(run.stats.symlinksSkipped).toBe(1);
    expect(fake.tasks()[0]?.items).toEqual(['/backup/a.tif']);
    expect(engine.runLog(run.id).join('\n')).toMatch(/Skipped 1 symlink\(s\) \(symlink policy: skip\), e\.g\. link\.tif/);
  });

  it('symlink policy follow: file links are sent as files, folder links are walked, a loop is reported', async () => {
    writeFile(join(s.src, 'real/a.tif'), 'a');
    mkdirSync(join(s.root, 'outside'));
    writeFile(join(s.root, 'outside/o.tif'), 'o');
    symlinkSync(join(s.root, 'outside'), join(s.src, 'linked'));
    symlinkSync(join(s.src, 'real/a.tif'), join(s.src, 'alias.tif'));
    symlinkSync(s.src, join(s.src, 'real/loop'));
    symlinkSync(join(s.src, 'missing'), join(s.src, 'dangling'));
    const job = engine.createJob(jobInput(s, { symlinks: 'follow' }));
    const run = await engine.runJobToCompletion(job.id);
    expect(run.status).toBe('succeeded');
    expect(run.stats.symlinkLoops).toEqual(['real/loop']);
    expect(fake.tasks()[0]?.items.sort()).toEqual(['/backup/alias.tif', '/backup/linked/o.tif', '/backup/real/a.tif']);
    expect(lstatSync(join(s.dst, 'backup/alias.tif')).isSymbolicLink()).toBe(false);
    const log = engine.runLog(run.id).join('\n');
    expect(log).toMatch(/WARNING: real\/loop: symlink loop/);
    expect(log).toMatch(/WARNING: dangling: symlink target does not exist/);
    const preview = await engine.preview(job.id);
    expect(preview.symlinkLoops).toEqual(['real/loop']);
  });

  it('symlink policy keep: links arrive as links and a changed link target is noticed', async () => {
    writeFile(join(s.src, 'a.tif'), 'a');
    symlinkSync('a.tif', join(s.src, 'link.tif'));
    symlinkSync(s.src, join(s.src, 'self')); // a loop is harmless when links are not followed
    const job = engine.createJob(jobInput(s, { symlinks: 'keep' }));
    const run = await engine.runJobToCompletion(job.id);
    expect(run.status).toBe('succeeded');
    expect(fake.tasks()[0]?.items.sort()).toEqual(['/backup/a.tif', '/backup/link.tif', '/backup/self']);
    expect(readlinkSync(join(s.dst, 'backup/link.tif'))).toBe('a.tif');
    rmSync(join(s.src, 'link.tif'));
    symlinkSync('a-longer-target.tif', join(s.src, 'link.tif'));
    const preview = await engine.preview(job.id);
    expect(preview.sample.map((x) => x.path)).toEqual(['link.tif']);
  });

  it('include/exclude globs decide what is sent', async () => {
    writeFile(join(s.src, 'a.tif'), 'a');
    writeFile(join(s.src, 'b.log'), 'b');
    writeFile(join(s.src, 'tmp/c.tif'), 'c');
    writeFile(join(s.src, 'keep/d.tif'), 'd');
    const job = engine.createJob(jobInput(s, { include: ['*.tif'], exclude: ['tmp'] }));
    await engine.runJobToCompletion(job.id);
    expect(fake.tasks()[0]?.items.sort()).toEqual(['/backup/a.tif', '/backup/keep/d.tif']);
  });

  it('runs of one job never overlap: in this process, in another engine, and while tasks are still active', async () => {
    buildTree(s.src, 3, 3);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const slow = new SyncEngine({ dataDir: s.data, transfer: fake, submitter: createSubmitter(() => fake), pollIntervalMs: 10, hooks: { afterDir: () => gate } });
    const job = slow.createJob(jobInput(s));
    const first = slow.runJob(job.id);
    await waitUntil(() => slow.isRunning(job.id), 5000, 'scan start');
    const same = await slow.runJob(job.id);
    expect(same.status).toBe('skipped');
    expect(same.message).toMatch(/already in progress/);
    const other = await engine.runJob(job.id);
    expect(other.status).toBe('skipped');
    expect(other.message).toMatch(/running in another process \(pid \d+/);
    release();
    fake.hold(true);
    const submitted = await first;
    expect(submitted.status).toBe('transferring');
    const blocked = await engine.runJob(job.id);
    expect(blocked.status).toBe('skipped');
    expect(blocked.message).toContain(`still transferring (task ${submitted.tasks[0]?.taskId})`);
    expect(engine.runLog(blocked.id).join('\n')).toMatch(/WARNING: The previous run/);
    fake.hold(false);
    expect((await slow.waitForCompletion(submitted.id)).status).toBe('succeeded');
    await slow.close();
  });

  it('pause stops a scan without marking anything; cancel fails the tasks and keeps files pending', async () => {
    buildTree(s.src, 4, 2);
    let paused = false;
    const events: SyncEvent[] = [];
    const e2 = new SyncEngine({
      dataDir: s.data,
      transfer: fake,
      submitter: createSubmitter(() => fake),
      pollIntervalMs: 10,
      hooks: {
        afterDir: (n) => {
          if (n === 2 && !paused) {
            paused = true;
            e2.pauseJob(job.id);
          }
        },
      },
    });
    const off = e2.subscribe((e) => events.push(e));
    const job = e2.createJob(jobInput(s));
    const run = await e2.runJob(job.id);
    expect(run.status).toBe('canceled');
    expect(e2.getJob(job.id)?.paused).toBe(true);
    expect(events.some((e) => e.type === 'job' && e.job.paused)).toBe(true);
    expect(events.some((e) => e.type === 'progress' && e.phase === 'scan')).toBe(true);
    off();
    e2.resumeJob(job.id);
    expect((await e2.preview(job.id)).changedFiles).toBe(8);
    fake.hold(true);
    const held = await e2.runJob(job.id);
    const canceled = await e2.cancelRun(held.id);
    expect(canceled.status).toBe('canceled');
    fake.hold(false);
    expect((await e2.preview(job.id)).changedFiles).toBe(8);
    await e2.close();
  });

  it('removed files and folders leave the state; summaries and run history are plain JSON', async () => {
    buildTree(s.src, 3, 2);
    const job = engine.createJob(jobInput(s, { schedule: { kind: 'interval', minutes: 5 } }));
    await engine.runJobToCompletion(job.id);
    rmSync(join(s.src, 'run_1'), { recursive: true });
    rmSync(join(s.src, 'run_0/img_0000.tif'));
    const run = await engine.runJobToCompletion(job.id);
    expect(run.status).toBe('no_changes');
    expect(run.stats.removedEntries).toBe(2);
    writeFile(join(s.src, 'run_1/img_0000.tif'), 'back');
    writeFile(join(s.src, 'run_0/img_0000.tif'), 'back');
    expect((await engine.preview(job.id)).changedFiles).toBe(2);
    const [summary] = engine.summaries();
    expect(summary?.lastRun?.id).toBe(run.id);
    expect(summary?.nextRunAt).not.toBeNull();
    expect(summary?.recentChangedFiles).toEqual([6, 0]);
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
    expect(engine.listRuns(job.id).map((r) => r.status)).toEqual(['no_changes', 'succeeded']);
  });

  it('rejects bad jobs with clear errors', () => {
    expect(() => engine.createJob(jobInput(s, { schedule: { kind: 'cron', expression: 'not a cron' } }))).toThrow(/Invalid cron expression/);
    expect(() => engine.createJob({ ...jobInput(s), destination: { collectionId: 'DST', path: 'relative' } })).toThrow(/absolute/);
    engine.createJob(jobInput(s));
    expect(() => engine.createJob(jobInput(s))).toThrow(/already exists/);
    expect(existsSync(join(s.data, 'sync', 'sync.db'))).toBe(true);
  });
});
