import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncRunFilesCsv, type SyncRunFile } from '../../../shared/contract/syncs';
import { createSubmitter, GlobusApiError } from '../globus';
import { FakeTransferService } from '../globus/testing/fake-transfer-service';
import { systemClock } from '../kernel';
import { SyncEngine } from './engine';
import { buildTree, jobInput, makeSandbox, writeFile, type Sandbox } from './testing/test-support';

/** Every file of a run, paged through the engine's door. */
function allFiles(engine: SyncEngine, runId: string, search: string | null = null, limit = 7): SyncRunFile[] {
  const out: SyncRunFile[] = [];
  for (let offset = 0; ; offset += limit) {
    const page = engine.runFiles(runId, { offset, limit, search });
    out.push(...page.files);
    if (page.files.length < limit) {
      expect(out).toHaveLength(page.total);
      return out;
    }
  }
}

describe('the run record: unique labels and the files each run sent', () => {
  let s: Sandbox;
  let fake: FakeTransferService;
  let engine: SyncEngine;
  let rejectLabel: RegExp | null;
  const open = (extra: { keepRuns?: number; now?: number } = {}): SyncEngine =>
    new SyncEngine({
      dataDir: s.data,
      transfer: fake,
      submitter: createSubmitter(() => fake),
      pollIntervalMs: 10,
      workers: 2,
      ...(extra.keepRuns !== undefined ? { keepRuns: extra.keepRuns } : {}),
      ...(extra.now !== undefined ? { clock: { ...systemClock, now: () => extra.now as number } } : {}),
    });

  beforeEach(() => {
    s = makeSandbox('ferry-sync-record-');
    rejectLabel = null;
    fake = new FakeTransferService({
      collections: { SRC: s.src, DST: s.dst },
      taskDurationMs: 0,
      onSubmit: (doc, phase) => {
        if (phase === 'before' && rejectLabel?.test(doc.label ?? '')) throw new GlobusApiError({ code: 'ClientError.Forbidden', message: 'refused by the test', status: 403 });
      },
    });
    engine = open();
  });

  afterEach(async () => {
    await engine.close();
    s.cleanup();
  });

  it('two runs of a job in the same second get different AUTO_ labels (and so do their tasks)', async () => {
    await engine.close();
    engine = open({ now: Date.parse('2024-05-01T10:15:00') });
    writeFile(join(s.src, 'a.tif'), 'a');
    const job = engine.createJob(jobInput(s, { maxItemsPerTransfer: 1 }));
    const first = await engine.runJobToCompletion(job.id);
    writeFile(join(s.src, 'b.tif'), 'b');
    const second = await engine.runJobToCompletion(job.id);
    writeFile(join(s.src, 'c.tif'), 'c');
    writeFile(join(s.src, 'd.tif'), 'd');
    const third = await engine.runJobToCompletion(job.id);
    expect([first.label, second.label, third.label]).toEqual(['AUTO_2024-05-01_101500', 'AUTO_2024-05-01_101500_2', 'AUTO_2024-05-01_101500_3']);
    expect(fake.tasks().map((t) => t.label)).toEqual([
      'AUTO_2024-05-01_101500',
      'AUTO_2024-05-01_101500_2',
      'AUTO_2024-05-01_101500_3_1of2',
      'AUTO_2024-05-01_101500_3_2of2',
    ]);
    // another job may take the same second: labels are unique per job
    const other = engine.createJob(jobInput(s, { name: 'other', destination: { collectionId: 'DST', path: '/other' } }));
    expect((await engine.runJobToCompletion(other.id)).label).toBe('AUTO_2024-05-01_101500');
  });

  it('keeps the files each run sent with the task that carried each, paged and searchable', async () => {
    const made = buildTree(s.src, 3, 4); // 3 new folders of 4 files: 3 recursive items
    writeFile(join(s.src, 'Top Level.TIF'), 'top');
    writeFile(join(s.src, 'run_0/nested/deep.tif'), 'deep'); // run_0 is no longer whole: 5 items of its own
    writeFile(join(s.src, 'données/été/ü 😀.tif'), 'u'); // folder paths are front-coded as bytes
    writeFile(join(s.src, 'données/étage/x.tif'), 'x');
    const job = engine.createJob(jobInput(s, { maxItemsPerTransfer: 3 }));
    const run = await engine.runJobToCompletion(job.id);
    expect(run.status).toBe('succeeded');
    const byTask = new Map(fake.tasks().map((t) => [t.taskId, t.items]));
    expect(byTask.size).toBeGreaterThan(1);

    const files = allFiles(engine, run.id);
    expect(files.map((f) => f.path).sort()).toEqual([...made, 'Top Level.TIF', 'run_0/nested/deep.tif', 'données/été/ü 😀.tif', 'données/étage/x.tif'].sort());
    for (const f of files) {
      const items = byTask.get(f.taskId) ?? [];
      // carried as itself, or inside a folder that went as one recursive item
      expect(items.some((i) => i === `/backup/${f.path}` || `/backup/${f.path}`.startsWith(`${i}/`)), f.path).toBe(true);
    }
    const top = files.find((f) => f.path === 'Top Level.TIF');
    expect(top?.size).toBe(3);
    expect(Date.parse(top?.mtime ?? '')).toBeGreaterThan(Date.parse('2020-01-01'));

    const page = engine.runFiles(run.id, { offset: 2, limit: 3, search: null });
    expect(page).toMatchObject({ runId: run.id, sent: 16, total: 16, offset: 2 });
    expect(page.files).toEqual(files.slice(2, 5));
    const found = engine.runFiles(run.id, { offset: 0, limit: 100, search: 'top level' });
    expect(found).toMatchObject({ sent: 16, total: 1 });
    expect(engine.runFiles(run.id, { offset: 0, limit: 10, search: '😀' }).files.map((f) => f.path)).toEqual(['données/été/ü 😀.tif']);
    expect(found.files.map((f) => f.path)).toEqual(['Top Level.TIF']);
    expect(allFiles(engine, run.id, 'IMG_0001', 1).map((f) => f.path)).toEqual(['run_0/img_0001.tif', 'run_1/img_0001.tif', 'run_2/img_0001.tif']);
    expect(syncRunFilesCsv(found.files, true)).toBe(`path,size,mtime,task_id\r\nTop Level.TIF,3,${top?.mtime},${top?.taskId}\r\n`);
    expect(syncRunFilesCsv([{ path: 'a,"b"', size: 1, mtime: 'm', taskId: 't' }], false)).toBe('"a,""b""",1,m,t\r\n');

    // the next run lists only what it sent; a run that sent nothing lists nothing
    writeFile(join(s.src, 'run_1/img_0002.tif'), 'rewritten');
    const next = await engine.runJobToCompletion(job.id);
    expect(allFiles(engine, next.id).map((f) => [f.path, f.size])).toEqual([['run_1/img_0002.tif', 9]]);
    const idle = await engine.runJobToCompletion(job.id);
    expect(engine.runFiles(idle.id, { offset: 0, limit: 10, search: null })).toEqual({ runId: idle.id, sent: 0, total: 0, offset: 0, files: [] });
    // forgetting the state sends everything again, but keeps what past runs sent
    engine.resetState(job.id);
    expect(allFiles(engine, run.id)).toEqual(files);
    expect(() => engine.runFiles('00000000-0000-4000-8000-000000000000', { offset: 0, limit: 1, search: null })).toThrow(/No sync run/);
  });

  it('lists no file of a part Globus refused; pruned runs take their lists with them; the list stays compact', async () => {
    await engine.close();
    engine = open({ keepRuns: 2 });
    const made = buildTree(s.src, 1, 400).sort();
    const job = engine.createJob(jobInput(s, { maxItemsPerTransfer: 150, include: ['*.tif'] })); // globs: file by file
    rejectLabel = /_2of3$/;
    const run = await engine.runJobToCompletion(job.id);
    expect(run.status).toBe('partial');
    const files = allFiles(engine, run.id, null, 5000);
    expect(files.map((f) => f.path)).toEqual([...made.slice(0, 150), ...made.slice(300)]);
    expect(new Set(files.map((f) => f.taskId)).size).toBe(2);

    const state = join(s.data, 'sync', 'state', `${job.id}.runs.db`); // the run file lists have their own file
    const bytes = (): { rows: number; bytes: number } => {
      const db = new Database(state, { readonly: true });
      try {
        return db.prepare('SELECT COUNT(*) AS rows, COALESCE(SUM(length(entries) + length(folders) + length(run_id)), 0) AS bytes FROM run_files').get() as { rows: number; bytes: number };
      } finally {
        db.close();
      }
    };
    // detector-style names: a few bytes per file, not a path per row
    expect(bytes().bytes / 400).toBeLessThan(8);

    rejectLabel = null;
    const retry = await engine.runJobToCompletion(job.id);
    expect(allFiles(engine, retry.id).map((f) => f.path)).toEqual(made.slice(150, 300));
    writeFile(join(s.src, 'run_0/late.tif'), 'late');
    await engine.runJobToCompletion(job.id); // keeps 2 runs: the first one goes, with its list
    expect(engine.getRun(run.id)).toBeUndefined();
    expect(bytes().rows).toBe(2);
  });
});
