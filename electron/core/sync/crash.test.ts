import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSubmitter } from '../globus';
import { SyncEngine } from './engine';
import { FakeTransferService } from '../globus/testing/fake-transfer-service';
import { buildTree, jobInput, listFiles, makeSandbox, waitUntil, type Sandbox } from './testing/test-support';

const child = fileURLToPath(new URL('./testing/crash-child.ts', import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));

/** Starts the child, waits until it stopped at the chosen point, SIGKILLs it. */
async function killMidway(s: Sandbox, jobId: string, mode: 'scan' | 'submit'): Promise<void> {
  const marker = join(s.root, `${mode}.marker`);
  const args = { data: s.data, src: s.src, dst: s.dst, fakeState: join(s.root, 'fake.json'), jobId, mode, marker };
  const proc = spawn(process.execPath, ['--import', 'tsx', child, JSON.stringify(args)], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | string | null>((resolve) => proc.on('exit', (code, signal) => resolve(signal ?? code)));
  await Promise.race([
    waitUntil(() => existsSync(marker), 20_000, `the child to reach ${mode}`),
    exited.then((code) => {
      throw new Error(`child exited early (${code}): ${stderr}`);
    }),
  ]);
  proc.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

describe('crash safety (child process SIGKILLed)', () => {
  let s: Sandbox;
  let fake: FakeTransferService;
  let engine: SyncEngine;

  beforeEach(() => {
    s = makeSandbox('ferry-sync-crash-');
    fake = new FakeTransferService({ collections: { SRC: s.src, DST: s.dst }, stateFile: join(s.root, 'fake.json'), taskDurationMs: 0 });
    engine = new SyncEngine({ dataDir: s.data, transfer: fake, submitter: createSubmitter(() => fake), pollIntervalMs: 10 });
  });

  afterEach(async () => {
    await engine.close();
    s.cleanup();
  });

  it('killed mid-scan: nothing is marked, the lock is stale, the next run sends everything once', async () => {
    const files = buildTree(s.src, 8, 4);
    const job = engine.createJob(jobInput(s));
    await killMidway(s, job.id, 'scan');
    expect(engine.listRuns(job.id)[0]?.status).toBe('scanning');
    expect(fake.tasks()).toHaveLength(0);

    const run = await engine.runJobToCompletion(job.id);
    expect(run.status).toBe('succeeded');
    expect(run.stats.changedFiles).toBe(32);
    const [latest, interrupted] = engine.listRuns(job.id);
    expect(latest?.id).toBe(run.id);
    expect(interrupted?.status).toBe('interrupted');
    expect(engine.runLog(interrupted?.id ?? '').join('\n')).toMatch(/interrupted during its scan/);
    expect(fake.copied().sort()).toEqual(files.map((f) => `/backup/${f}`).sort());
    expect(listFiles(join(s.dst, 'backup'))).toEqual([...files].sort());
    expect((await engine.runJobToCompletion(job.id)).status).toBe('no_changes');
  });

  it('killed mid-submit (Globus accepted a task Ferry had not recorded): resumed with the same submission id, no task twice', async () => {
    const files = buildTree(s.src, 6, 5);
    const job = engine.createJob(jobInput(s, { maxItemsPerTransfer: 2 })); // 6 new folders = 6 items = 3 tasks
    await killMidway(s, job.id, 'submit');
    const stuck = engine.listRuns(job.id)[0];
    expect(stuck?.status).toBe('submitting');
    expect(stuck?.tasks.map((t) => t.status)).toEqual(['submitted', 'pending']);
    expect(fake.tasks()).toHaveLength(2);

    const next = await engine.runJobToCompletion(job.id);
    expect(next.status).toBe('no_changes');
    const recovered = engine.getRun(stuck?.id ?? '');
    expect(recovered?.status).toBe('succeeded');
    expect(recovered?.tasks.map((t) => t.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(engine.runLog(recovered?.id ?? '').join('\n')).toMatch(/already accepted earlier/);
    const tasks = fake.tasks();
    expect(tasks).toHaveLength(3);
    expect(new Set(tasks.map((t) => t.submissionId)).size).toBe(3);
    expect(fake.copied().sort()).toEqual(files.map((f) => `/backup/${f}`).sort());
    expect((await engine.preview(job.id)).changedFiles).toBe(0);
  });
});
