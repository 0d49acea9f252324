import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncJob, SyncPreview, SyncRun } from '../../shared/contract/syncs';
import { createSubmitter } from '../core/globus';
import { FakeTransferService } from '../core/globus/testing/fake-transfer-service';
import { SyncEngine } from '../core/sync';
import { buildTree, makeSandbox, writeFile, type Sandbox } from '../core/sync/testing/test-support';
import { runSyncCli, type SyncCliDeps } from './sync-cli';

const SRC = 'aaaaaaaa-0000-4000-8000-000000000001';
const DST = 'bbbbbbbb-0000-4000-8000-000000000002';

describe('ferry sync: every verb, --json, exit statuses', () => {
  let s: Sandbox;
  let fake: FakeTransferService;
  let out: string;
  let err: string;
  let deps: SyncCliDeps;
  /** Runs `ferry sync …` and answers its exit status and what it printed (reset each call). */
  const cli = async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    out = '';
    err = '';
    const code = await runSyncCli(argv, deps);
    return { code, out, err };
  };
  const json = async <T>(...argv: string[]): Promise<T> => {
    const r = await cli(...argv, '--json');
    expect(r.code, r.err).toBe(0);
    return JSON.parse(r.out) as T;
  };
  const add = (name: string, ...extra: string[]) =>
    cli('add', '--name', name, '--local-path', 'src', '--source-collection', SRC, '--source-path', '/src', '--dest-collection', DST, '--dest-path', `/${name}`, ...extra);

  beforeEach(() => {
    s = makeSandbox('ferry-sync-verbs-');
    fake = new FakeTransferService({ collections: { [SRC]: s.src, [DST]: s.dst }, taskDurationMs: 0 });
    deps = {
      dataDir: s.data,
      cwd: s.root,
      transferService: () => fake,
      pollIntervalMs: 10,
      stdout: { write: (x: string) => (out += x) },
      stderr: { write: (x: string) => (err += x) },
    };
  });

  afterEach(() => s.cleanup());

  it('add, edit, pause, resume, list and remove a job, in the database the app uses', async () => {
    const added = await add('detector', '--every', '30', '--exclude', '*.tmp', '--exclude', 'scratch/**', '--symlinks', 'follow', '--json');
    expect(added.code, added.err).toBe(0);
    const job = JSON.parse(added.out) as SyncJob;
    expect(job).toMatchObject({
      name: 'detector',
      source: { collectionId: SRC, localPath: s.src, collectionPath: '/src' },
      destination: { collectionId: DST, path: '/detector' },
      schedule: { kind: 'interval', minutes: 30 },
      exclude: ['*.tmp', 'scratch/**'],
      symlinks: 'follow',
      syncLevel: null,
      maxItemsPerTransfer: 25_000,
      enabled: true,
      paused: false,
    });
    // the app's engine over the same data folder sees it, and what the app changes the shell sees
    const app = new SyncEngine({ dataDir: s.data, transfer: fake, submitter: createSubmitter(() => fake) });
    expect(app.getJob('detector')?.id).toBe(job.id);
    app.updateJob(job.id, { maxItemsPerTransfer: 500 });
    await app.close();

    const edited = await cli('edit', '--job', 'detector', '--name', 'beamline', '--cron', '*/5 * * * *', '--clear-exclude', '--include', '*.tif', '--sync-level', '3', '--no-empty-dirs');
    expect(edited.code, edited.err).toBe(0);
    expect(edited.out).toMatch(/^Updated sync job "beamline" \(.+\): enabled, cron "\*\/5 \* \* \* \*", symlinks follow\n/);
    const after = await json<SyncJob>('edit', '--job', job.id, '--disabled');
    expect(after).toMatchObject({ id: job.id, name: 'beamline', include: ['*.tif'], exclude: [], syncLevel: 3, createEmptyDirs: false, enabled: false, maxItemsPerTransfer: 500 });
    expect(after.schedule).toEqual({ kind: 'cron', expression: '*/5 * * * *' });

    expect((await json<SyncJob>('pause', '--job', 'beamline')).paused).toBe(true);
    const listed = await cli('list');
    expect(listed.out).toMatch(/^beamline\tdisabled\tcron/);
    const resumed = await cli('resume', '--job', 'beamline');
    expect(resumed.out).toMatch(/^Resumed sync job "beamline"/);
    expect((await json<{ job: SyncJob }[]>('list')).map((x) => [x.job.name, x.job.paused])).toEqual([['beamline', false]]);

    const refused = await cli('remove', '--job', 'beamline');
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/add --yes to confirm/);
    expect(await json<{ deleted: boolean; id: string }>('remove', '--job', 'beamline', '--yes')).toEqual({ deleted: true, id: job.id, name: 'beamline' });
    expect((await cli('list')).out).toBe('No sync jobs yet.\n');
  });

  it('says which flag is wrong (exit 2) and changes nothing', async () => {
    const missing = await cli('add', '--name', 'x', '--local-path', s.src);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/ferry sync add needs --source-collection, --source-path, --dest-collection, --dest-path/);
    const twice = await add('x', '--dest-collection', DST);
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/--dest-collection is given twice/);
    const badId = await cli('add', '--name', 'x', '--local-path', 'src', '--source-collection', SRC, '--source-path', '/src', '--dest-collection', 'not-a-uuid', '--dest-path', '/x');
    expect(badId.code).toBe(2);
    // refused by its flag name, in core's words (the same check the app's form gets)
    expect(badId.err).toMatch(/^ferry sync: --dest-collection: /);
    const badValues = await cli('add', '--name', 'x', '--local-path', 'nowhere', '--source-collection', 'nope', '--source-path', 'rel', '--dest-collection', DST, '--dest-path', '/d', '--every', '0');
    expect(badValues.code).toBe(2);
    expect(badValues.err).toMatch(/--source-collection: .*; --source-path: .*start with \/.*; --every \/ --cron: run at most every minute/);
    const noFolder = await cli('add', '--name', 'x', '--local-path', 'nowhere', '--source-collection', SRC, '--source-path', '/n', '--dest-collection', DST, '--dest-path', '/d');
    expect(noFolder.code).toBe(2);
    expect(noFolder.err).toMatch(/--local-path: the folder .*nowhere does not exist on this machine/);
    expect((await add('one')).code).toBe(0);
    const badPolicy = await cli('edit', '--job', 'one', '--symlinks', 'sometimes');
    expect(badPolicy.code).toBe(2);
    expect(badPolicy.err).toMatch(/--symlinks: symlink policy must be one of skip, follow, keep/);
    expect((await add('two')).code).toBe(0);
    const clash = await cli('edit', '--job', 'two', '--name', 'one');
    expect(clash.code).toBe(2);
    expect(clash.err).toMatch(/A sync job named "one" already exists; choose another --name/);
    expect((await cli('pause', '--job', 'three')).err).toMatch(/no job named "three"/);
    expect((await cli('pause')).code).toBe(2);
    expect((await cli('list', '--all')).err).toMatch(/ferry sync list does not take --all \(it takes --json\)/);
    expect((await cli('edit', '--job', 'one', '--every', '5', '--manual')).err).toMatch(/give one schedule: --every or --manual/);
    expect((await json<{ job: SyncJob }[]>('list')).map((x) => [x.job.name, x.job.symlinks, x.job.schedule.kind])).toEqual([
      ['one', 'skip', 'interval'],
      ['two', 'skip', 'interval'],
    ]);
    const help = await cli('add', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/Exit status:\n {2}0 {2}succeeded[\s\S]*3 {2}nothing to do[\s\S]*4 {2}succeeded with warnings/);
  });

  it('run and preview exit 0 succeeded, 3 nothing to do, 4 succeeded with warnings, 1 failed; --all: the worst wins', async () => {
    buildTree(s.src, 2, 3);
    expect((await add('detector', '--manual')).code).toBe(0);
    const preview = await json<SyncPreview>('preview', '--job', 'detector', '--sample', '2');
    expect(preview).toMatchObject({ changedFiles: 6, warningCount: 0 });
    expect(preview.sample).toHaveLength(2);
    const first = await cli('run', '--job', 'detector', '--once');
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/^detector: succeeded AUTO_\S+ — 6 scanned, 6 changed/);
    expect((await cli('run', '--job', 'detector', '--once')).code).toBe(3);
    expect((await cli('preview', '--job', 'detector')).code).toBe(3);

    execFileSync('mkfifo', [join(s.src, 'run_0', 'pipe')]);
    writeFile(join(s.src, 'run_1/new.tif'), 'new');
    const warnedPreview = await cli('preview', '--job', 'detector');
    expect(warnedPreview.code).toBe(4);
    expect(warnedPreview.out).toMatch(/warning: run_0\/pipe: not a regular file/);
    const warned = await cli('run', '--job', 'detector', '--once', '--json');
    expect(warned.code).toBe(4);
    const run = JSON.parse(warned.out) as SyncRun;
    expect(run).toMatchObject({ status: 'succeeded', stats: { changedFiles: 1, warnings: 1 } });
    const text = await cli('run', '--job', 'detector', '--once');
    expect(text.code).toBe(4);
    expect(text.out).toMatch(/^detector: no_changes with 1 warning — /);

    writeFile(join(s.src, 'run_1/again.tif'), 'again');
    fake.failNext(1);
    expect((await cli('run', '--job', 'detector', '--once')).code).toBe(1);
    const quiet = await cli('add', '--name', 'quiet', '--manual', '--local-path', s.dst, '--source-collection', SRC, '--source-path', '/d', '--dest-collection', DST, '--dest-path', '/q', '--exclude', '**');
    expect(quiet.code, quiet.err).toBe(0);
    expect((await cli('run', '--all', '--once')).code).toBe(4); // detector sends again.tif (with its warning), quiet has nothing
    expect((await cli('edit', '--job', 'detector', '--exclude', 'pipe')).code).toBe(0);
    expect((await cli('run', '--all', '--once')).code).toBe(3);
    expect((await cli('run', '--once')).code).toBe(2);
  });

  it('files: the files a run sent, as text, CSV or JSON, searched and paged; log as JSON', async () => {
    buildTree(s.src, 2, 3);
    writeFile(join(s.src, 'odd, "name".tif'), 'odd');
    expect((await add('detector', '--manual', '--max-items', '2')).code).toBe(0);
    const run = JSON.parse((await cli('run', '--job', 'detector', '--once', '--json')).out) as SyncRun;
    expect(run.stats.changedFiles).toBe(7);
    await cli('run', '--job', 'detector', '--once'); // no changes: --job still finds the run that sent files

    const text = await cli('files', '--run', run.id);
    expect(text.code).toBe(0);
    const lines = text.out.trim().split('\n').map((l) => l.split('\t'));
    expect(lines).toHaveLength(7);
    expect(lines[0]).toEqual(['odd, "name".tif', '3', expect.stringMatching(/^\d{4}-\d\d-\d\dT/), expect.any(String)]);
    expect(new Set(lines.map((l) => l[3]))).toEqual(new Set(run.tasks.map((t) => t.taskId)));

    const page = await json<{ runId: string; label: string; sent: number; total: number; offset: number; files: { path: string }[] }>(
      'files', '--job', 'detector', '--search', 'IMG_0001', '--offset', '1', '--limit', '5',
    );
    expect(page).toMatchObject({ runId: run.id, label: run.label, sent: 7, total: 2, offset: 1 });
    expect(page.files.map((f) => f.path)).toEqual(['run_1/img_0001.tif']);
    const csv = await cli('files', '--run', run.id, '--csv', '--limit', '2');
    expect(csv.out).toMatch(/^path,size,mtime,task_id\r\n"odd, ""name"".tif",3,\S+,\S+\r\nrun_0\/img_0000\.tif,/);
    expect(csv.out.trim().split('\r\n')).toHaveLength(3);
    expect((await cli('files', '--run', 'nope')).code).toBe(2);
    expect((await cli('files', '--run', run.id, '--csv', '--json')).code).toBe(2);
    expect((await cli('files', '--run', run.id, '--limit', '0')).err).toMatch(/--limit must be a whole number from 1/);

    const log = await json<{ runId: string; lines: string[] }>('log', '--run', run.id);
    expect(log.runId).toBe(run.id);
    expect(log.lines.join('\n')).toMatch(/Initiating transfer AUTO_/);
    expect((await cli('log', '--job', 'detector')).out).toMatch(/The directory was not modified/);
  });
});
