/**
 * The sync engine through the real TransferService (electron/core/globus over @globus/sdk)
 * against the Globus emulator, whose collections are this test's source and destination
 * folders: files really move, tasks really queue, faults are injected through its control API.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EMULATOR_DEFAULT_CLIENT_ID, startEmulator, type RunningEmulator, approveConsent } from '../../e2e/globus-emulator/index';
import { createGlobusAuth, createSubmitter, createTransferService, plainFileCipher, type GlobusAuth, type TransferService } from '../../electron/core/globus';
import { SyncEngine, SyncScheduler } from '../../electron/core/sync';
import { buildTree, isDir, jobInput, listFiles, makeSandbox, nextEndedRun, writeFile, type Sandbox } from '../../electron/core/sync/testing/test-support';

/** What a person does in the browser: open the consent page and click Allow. */
const clickAllow = async (authorizeUrl: string): Promise<void> => {
  await approveConsent(authorizeUrl);
};

describe('sync against the Globus emulator', () => {
  let s: Sandbox;
  let emulator: RunningEmulator;
  let auth: GlobusAuth;
  let transfer: TransferService;
  let engine: SyncEngine;
  const SRC = randomUUID();
  const DST = randomUUID();

  beforeEach(async () => {
    s = makeSandbox('ferry-sync-emu-');
    emulator = await startEmulator({
      root: join(s.root, 'emulator'),
      retryIntervalMs: 50,
      collections: [
        { id: SRC, display_name: 'Detector', root: s.src },
        { id: DST, display_name: 'Cluster', root: s.dst },
      ],
    });
    auth = createGlobusAuth({
      tokenFile: join(s.root, 'tokens.json'),
      cipher: plainFileCipher(),
      environment: () => ({ kind: 'custom', authUrl: emulator.authBaseUrl, transferUrl: emulator.transferBaseUrl }),
      clientId: () => EMULATOR_DEFAULT_CLIENT_ID,
      openBrowser: clickAllow,
      loginTimeoutMs: 15_000,
    });
    await auth.login();
    transfer = createTransferService({ auth, retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } });
    engine = new SyncEngine({ dataDir: s.data, transfer, submitter: createSubmitter(() => transfer), pollIntervalMs: 50, workers: 2 });
  });

  afterEach(async () => {
    await engine.close();
    await auth.dispose();
    await emulator.close();
    s.cleanup();
  });

  const job = (extra: Parameters<typeof jobInput>[1] = {}) =>
    engine.createJob({ ...jobInput(s, extra), source: { collectionId: SRC, localPath: s.src, collectionPath: '/' }, destination: { collectionId: DST, path: '/backup' } });

  /** Destination paths of what a task actually moved, as the emulator reports them. */
  async function moved(taskId: string): Promise<string[]> {
    const page = await transfer.successfulTransfers(taskId);
    return page.DATA.map((r) => r.destination_path ?? '').sort();
  }

  it('first run sends everything; touching 3 and adding 2 sends exactly those 5; then nothing', async () => {
    const files = buildTree(s.src, 3, 4);
    mkdirSync(join(s.src, 'empty'));
    const j = job();
    const first = await engine.runJobToCompletion(j.id);
    expect(first.status).toBe('succeeded');
    expect(first.label).toMatch(/^AUTO_/);
    const task = await transfer.getTask(first.tasks[0]?.taskId ?? '');
    expect(task.label).toBe(first.label);
    expect(task.status).toBe('SUCCEEDED');
    expect(listFiles(join(s.dst, 'backup'))).toEqual([...files].sort());
    expect(isDir(join(s.dst, 'backup', 'empty'))).toBe(true);

    const touched = ['run_0/img_0001.tif', 'run_1/img_0002.tif', 'run_2/img_0003.tif'];
    for (const t of touched) writeFile(join(s.src, t), 'touched');
    writeFile(join(s.src, 'run_0/added_1.tif'), 'added');
    writeFile(join(s.src, 'run_2/added_2.tif'), 'added');
    const second = await engine.runJobToCompletion(j.id);
    expect(second.status).toBe('succeeded');
    expect(second.stats.changedFiles).toBe(5);
    expect(await moved(second.tasks[0]?.taskId ?? '')).toEqual(
      [...touched, 'run_0/added_1.tif', 'run_2/added_2.tif'].map((p) => `/backup/${p}`).sort(),
    );
    expect(readFileSync(join(s.dst, 'backup/run_1/img_0002.tif'), 'utf8')).toBe('touched');
    const third = await engine.runJobToCompletion(j.id);
    expect(third.status).toBe('no_changes');
    expect(third.tasks).toHaveLength(0);
  });

  it('a transfer that does not succeed leaves its files pending for the next run', async () => {
    buildTree(s.src, 2, 3);
    const j = job();
    await engine.runJobToCompletion(j.id);
    writeFile(join(s.src, 'run_0/img_0001.tif'), 'v2');
    writeFile(join(s.src, 'run_1/img_0002.tif'), 'v2');
    await emulator.control.failFiles({ pathContains: 'img_0002', errorCode: 'CONNECTION_RESET' });
    const run = await engine.runJob(j.id);
    expect(run.status).toBe('transferring');
    const taskId = run.tasks[0]?.taskId ?? '';
    // the task keeps retrying its faulty file: the engine reports the fault at once ...
    await vi.waitFor(() => expect(engine.runLog(run.id).join('\n')).toMatch(/fault\(s\) and keeps retrying/), { timeout: 10_000, interval: 50 });
    // ... and cancelling ends it FAILED without marking anything
    const canceled = await engine.cancelRun(run.id);
    expect(canceled.status).toBe('canceled');
    // (the emulator ends a cancelled task a moment after answering Canceled)
    await vi.waitFor(async () => expect((await transfer.getTask(taskId)).status).toBe('FAILED'), { timeout: 10_000, interval: 50 });
    const pending = await engine.preview(j.id);
    expect(pending.sample.map((x) => x.path)).toEqual(['run_0/img_0001.tif', 'run_1/img_0002.tif']);
    await emulator.control.reset();
    const retry = await engine.runJobToCompletion(j.id);
    expect(retry.status).toBe('succeeded');
    expect(await moved(retry.tasks[0]?.taskId ?? '')).toEqual(['/backup/run_0/img_0001.tif', '/backup/run_1/img_0002.tif']);
    expect(readFileSync(join(s.dst, 'backup/run_1/img_0002.tif'), 'utf8')).toBe('v2');
  });

  it('symlinks: skip sends none and says so; follow sends targets and reports a loop', async () => {
    writeFile(join(s.src, 'data/a.tif'), 'a');
    symlinkSync(join(s.src, 'data/a.tif'), join(s.src, 'alias.tif'));
    symlinkSync(s.src, join(s.src, 'data/up'));
    const skip = job({ name: 'skip', symlinks: 'skip' });
    const r1 = await engine.runJobToCompletion(skip.id);
    expect(r1.stats.symlinksSkipped).toBe(2);
    expect(await moved(r1.tasks[0]?.taskId ?? '')).toEqual(['/backup/data/a.tif']);

    engine.deleteJob(skip.id);
    const follow = job({ name: 'follow', symlinks: 'follow' });
    const r2 = await engine.runJobToCompletion(follow.id);
    expect(r2.status).toBe('succeeded');
    expect(r2.stats.symlinkLoops).toEqual(['data/up']);
    expect(await moved(r2.tasks[0]?.taskId ?? '')).toEqual(['/backup/alias.tif', '/backup/data/a.tif']);
    expect(readFileSync(join(s.dst, 'backup/alias.tif'), 'utf8')).toBe('a');
    expect(engine.runLog(r2.id).join('\n')).toMatch(/WARNING: data\/up: symlink loop/);
  });

  it('watch: a file written in the source leaves in a run within seconds, through Globus', async () => {
    buildTree(s.src, 2, 2);
    const j = job({ schedule: { kind: 'watch', quietSeconds: 1, fullScanMinutes: 60 } });
    await engine.runJobToCompletion(j.id);
    const scheduler = new SyncScheduler(engine);
    try {
      scheduler.start();
      await scheduler.watching();
      const t0 = Date.now();
      const ended = nextEndedRun(engine, (r) => r.jobId === j.id && r.trigger === 'watch' && r.stats.changedFiles > 0);
      writeFile(join(s.src, 'run_1', 'fresh.tif'), 'just written');
      const run = await ended;
      expect(run.status).toBe('succeeded');
      expect(await moved(run.tasks[0]?.taskId ?? '')).toEqual(['/backup/run_1/fresh.tif']);
      expect(readFileSync(join(s.dst, 'backup/run_1/fresh.tif'), 'utf8')).toBe('just written');
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      scheduler.stop();
    }
  });

  it('verified move: deletes what a checksum-verified Globus task carried, never a file modified since', async () => {
    buildTree(s.src, 2, 2);
    const j = job({ verifyChecksum: true, moveAfterVerify: true });
    const run = await engine.runJob(j.id);
    // The person's instrument rewrites one file while its task is on the wire.
    writeFile(join(s.src, 'run_0', 'img_0001.tif'), 'rewritten while transferring');
    const ended = await engine.waitForCompletion(run.id);
    expect(ended.status).toBe('succeeded');
    const task = await transfer.getTask(ended.tasks[0]?.taskId ?? '');
    expect(task.verify_checksum).toBe(true);
    expect(existsSync(join(s.src, 'run_0', 'img_0000.tif'))).toBe(false);
    expect(existsSync(join(s.src, 'run_1', 'img_0000.tif'))).toBe(false);
    expect(readFileSync(join(s.src, 'run_0', 'img_0001.tif'), 'utf8')).toBe('rewritten while transferring');
    expect(existsSync(join(s.dst, 'backup', 'run_0', 'img_0000.tif'))).toBe(true);
    expect(engine.runLog(ended.id).join('\n')).toMatch(/Verified move: kept run_0\/img_0001\.tif: changed since it was sent/);
  });


});
