import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSubmitter } from '../core/globus';
import { FakeTransferService } from '../core/globus/testing/fake-transfer-service';
import { SyncEngine } from '../core/sync';
import { buildTree, jobInput, makeSandbox, type Sandbox } from '../core/sync/testing/test-support';
import { runSyncCli, type SyncCliDeps } from './sync-cli';

describe('ferry sync CLI', () => {
  let s: Sandbox;
  let fake: FakeTransferService;
  let out: string;
  let err: string;
  let deps: SyncCliDeps;

  beforeEach(async () => {
    s = makeSandbox('ferry-sync-cli-');
    buildTree(s.src, 3, 4);
    fake = new FakeTransferService({ collections: { SRC: s.src, DST: s.dst }, taskDurationMs: 0 });
    const engine = new SyncEngine({ dataDir: s.data, transfer: fake, submitter: createSubmitter(() => fake) });
    engine.createJob(jobInput(s, { name: 'detector' }));
    engine.createJob(jobInput(s, { name: 'second', destination: { collectionId: 'DST', path: '/two' } }));
    await engine.close();
    out = '';
    err = '';
    deps = {
      dataDir: s.data,
      transferService: () => fake,
      pollIntervalMs: 10,
      stdout: { write: (x: string) => (out += x), isTTY: true },
      stderr: { write: (x: string) => (err += x) },
    };
  });

  afterEach(() => s.cleanup());

  it('lists, previews, runs once with progress on a terminal, and shares state between invocations', async () => {
    expect(await runSyncCli(['sync', 'list'], deps)).toBe(0);
    expect(out).toMatch(/detector\tenabled\tmanual/);
    out = '';
    expect(await runSyncCli(['sync', 'preview', '--job', 'detector'], deps)).toBe(0);
    expect(out).toMatch(/detector: 12 of 12 file\(s\) would be transferred/);
    out = '';
    expect(await runSyncCli(['sync', 'run', '--job', 'detector', '--once'], deps)).toBe(0);
    expect(out).toMatch(/detector: succeeded AUTO_\S+ — 12 scanned, 12 changed/);
    expect(out).toContain('\r\x1b[Kscanning:');
    out = '';
    expect(await runSyncCli(['run', '--all', '--once', '--json'], deps)).toBe(0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { jobName: string; status: string });
    expect(lines.map((l) => [l.jobName, l.status])).toEqual([
      ['detector', 'no_changes'],
      ['second', 'succeeded'],
    ]);
    out = '';
    expect(await runSyncCli(['sync', 'log', '--job', 'detector'], deps)).toBe(0);
    expect(out).toMatch(/INFO: The directory was not modified, so a transfer is not necessary\./);
  });

  it('exits 1 when a run fails and 2 on usage errors', async () => {
    fake.failNext(1);
    expect(await runSyncCli(['sync', 'run', '--job', 'detector', '--once'], deps)).toBe(1);
    expect(out).toMatch(/detector: failed/);
    expect(await runSyncCli(['sync', 'run', '--once'], deps)).toBe(2);
    expect(await runSyncCli(['sync', 'preview', '--job', 'nope'], deps)).toBe(2);
    expect(err).toMatch(/no job named "nope"/);
    expect(await runSyncCli(['sync', 'frobnicate'], deps)).toBe(2);
  });

  it('runs jobs on their schedules until stopped when --once is not given', async () => {
    const stop = new AbortController();
    const done = runSyncCli(['sync', 'run', '--job', 'detector'], { ...deps, signal: stop.signal });
    stop.abort();
    expect(await done).toBe(0);
    expect(out).toMatch(/Running 1 job\(s\) on their schedules/);
  });
});
