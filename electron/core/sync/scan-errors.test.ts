import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, lchownSync, readdirSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncPreview, SyncRun } from '../../../shared/contract/syncs';
import { createSubmitter } from '../globus';
import { FakeTransferService } from '../globus/testing/fake-transfer-service';
import { SyncEngine } from './engine';
import type { FsFault } from './scan-types';
import { jobInput, listFiles, makeSandbox, writeFile, type Sandbox } from './testing/test-support';

const child = fileURLToPath(new URL('./testing/scan-child.ts', import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const asRoot = process.getuid?.() === 0;

/** The unprivileged user the child runs as when the tests run as root (where permissions never bite). */
function nobody(): { uid: number; gid: number } {
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Hands the whole sandbox to the unprivileged user (after the test's own engine wrote to it). */
function giveAway(dir: string, user: { uid: number; gid: number }): void {
  lchownSync(dir, user.uid, user.gid);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) giveAway(p, user);
    else lchownSync(p, user.uid, user.gid);
  }
}

interface ChildResult {
  readonly preview: SyncPreview;
  readonly run: SyncRun;
  readonly log: readonly string[];
  readonly uid: number | null;
}

/** Previews and runs the job in a child process that permissions apply to. */
function previewAndRunUnprivileged(s: Sandbox, job: string): Promise<ChildResult> {
  const user = asRoot ? nobody() : null;
  if (user) {
    chmodSync(s.root, 0o755);
    giveAway(s.root, user);
  }
  const args = { data: s.data, src: s.src, dst: s.dst, job };
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, JSON.stringify(args)], {
      cwd: repo,
      env: { ...process.env, HOME: s.root },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => {
      if (code !== 0) reject(new Error(`scan child exited ${code}: ${err}`));
      else resolve(JSON.parse(out) as ChildResult);
    });
  });
}

describe('no entry can fail a scan', () => {
  let s: Sandbox;
  let fake: FakeTransferService;
  let engine: SyncEngine;
  const open = (fsFaults: readonly FsFault[] = []): SyncEngine =>
    new SyncEngine({ dataDir: s.data, transfer: fake, submitter: createSubmitter(() => fake), pollIntervalMs: 10, workers: 2, hooks: { fsFaults } });

  beforeEach(() => {
    s = makeSandbox('ferry-sync-errors-');
    fake = new FakeTransferService({ collections: { SRC: s.src, DST: s.dst }, taskDurationMs: 0 });
    engine = open();
  });

  afterEach(async () => {
    await engine.close();
    // rm(1) walks trees deeper than PATH_MAX, which Node's rmSync cannot
    execFileSync('rm', ['-rf', s.root]);
  });

  it('a folder that can be listed but not entered (chmod 644, as an unprivileged user): warnings, the rest is sent, retried once fixed', async () => {
    writeFile(join(s.src, 'good/a.tif'), 'a');
    writeFile(join(s.src, 'top.tif'), 'top');
    writeFile(join(s.src, 'locked/x.tif'), 'x');
    writeFile(join(s.src, 'locked/sub/y.tif'), 'y');
    chmodSync(join(s.src, 'locked'), 0o644);
    const job = engine.createJob(jobInput(s));
    await engine.close();

    const first = await previewAndRunUnprivileged(s, job.id);
    if (asRoot) expect(first.uid).not.toBe(0);
    expect(first.preview.changedFiles).toBe(2);
    expect(first.preview.warnings).toEqual([
      expect.stringMatching(/^locked\/sub: cannot be read \(EACCES: permission denied\)/),
      expect.stringMatching(/^locked\/x\.tif: cannot be read \(EACCES: permission denied\)/),
    ]);
    expect(first.run.status).toBe('succeeded');
    expect(first.run.stats.warnings).toBe(2);
    expect(first.run.message).toMatch(/2 warnings/);
    expect(first.log.join('\n')).toMatch(/WARNING: locked\/x\.tif: cannot be read \(EACCES: permission denied\)/);
    expect(listFiles(join(s.dst, 'backup'))).toEqual(['good/a.tif', 'top.tif']);

    chmodSync(join(s.src, 'locked'), 0o755);
    const second = await previewAndRunUnprivileged(s, job.id);
    expect(second.preview.warnings).toEqual([]);
    expect(second.run.status).toBe('succeeded');
    expect(second.run.stats.warnings).toBe(0);
    expect(second.run.stats.changedFiles).toBe(2);
    expect(listFiles(join(s.dst, 'backup'))).toEqual(['good/a.tif', 'locked/sub/y.tif', 'locked/x.tif', 'top.tif']);
  });

  it('follow policy, a link to a file inside a chmod 000 folder (as an unprivileged user): a warning, not a failed run', async () => {
    writeFile(join(s.src, 'ok.tif'), 'ok');
    writeFile(join(s.root, 'secret/s.tif'), 's');
    symlinkSync(join(s.root, 'secret/s.tif'), join(s.src, 'link.tif'));
    chmodSync(join(s.root, 'secret'), 0o000);
    const job = engine.createJob(jobInput(s, { symlinks: 'follow' }));
    await engine.close();

    const result = await previewAndRunUnprivileged(s, job.id);
    expect(result.preview.warnings).toEqual([expect.stringMatching(/^link\.tif: cannot be read \(EACCES: permission denied\)/)]);
    expect(result.run.status).toBe('succeeded');
    expect(result.run.stats.warnings).toBe(1);
    expect(listFiles(join(s.dst, 'backup'))).toEqual(['ok.tif']);
    chmodSync(join(s.root, 'secret'), 0o755);
  });

  it('follow policy, two links pointing at each other (ELOOP), a FIFO, a device and a path over PATH_MAX: warnings; the rest is sent', async () => {
    writeFile(join(s.src, 'a.tif'), 'a');
    writeFile(join(s.src, 'dir/b.tif'), 'b');
    symlinkSync('loop b', join(s.src, 'loop a'));
    symlinkSync('loop a', join(s.src, 'loop b'));
    execFileSync('mkfifo', [join(s.src, 'dir/pipe')]);
    symlinkSync('/dev/null', join(s.src, 'null'));
    // a chain of folders whose full path is longer than PATH_MAX (renamed bottom-up: each call stays short)
    const depth = 22;
    const short = Array.from({ length: depth }, (_, i) => String(i));
    writeFile(join(s.src, 'deep', ...short, 'f.tif'), 'f');
    for (let i = depth - 1; i >= 0; i--) {
      const parent = join(s.src, 'deep', ...short.slice(0, i));
      renameSync(join(parent, String(i)), join(parent, `${String(i).padStart(3, '0')}_${'n'.repeat(200)}`));
    }
    const job = engine.createJob(jobInput(s, { symlinks: 'follow' }));

    const preview = await engine.preview(job.id);
    expect(preview.changedFiles).toBe(2);
    expect(preview.symlinkLoops).toEqual(['loop a', 'loop b']);
    expect(preview.warnings).toContainEqual(expect.stringMatching(/^loop a: symlink loop \(ELOOP/));
    expect(preview.warnings).toContainEqual(expect.stringMatching(/^loop b: symlink loop \(ELOOP/));
    expect(preview.warnings).toContainEqual(expect.stringMatching(/^dir\/pipe: not a regular file/));
    expect(preview.warnings).toContainEqual(expect.stringMatching(/^null: symlink to a special file/));
    expect(preview.warnings).toContainEqual(expect.stringMatching(/^deep\/.*: cannot be read \(ENAMETOOLONG: path too long\)/));
    expect(preview.warningCount).toBe(5);

    const run = await engine.runJobToCompletion(job.id);
    expect(run.status).toBe('succeeded');
    expect(run.stats.warnings).toBe(5);
    expect(run.stats.symlinkLoops).toEqual(['loop a', 'loop b']);
    expect(run.message).toMatch(/5 warnings/);
    expect(fake.tasks()[0]?.items.sort()).toEqual(['/backup/a.tif', '/backup/dir/b.tif']);
    const again = await engine.runJobToCompletion(job.id);
    expect(again.status).toBe('no_changes');
    expect(again.stats.warnings).toBe(5);
  });

  it('EIO and a file gone between listing and lstat (injected at the fs boundary): the entry keeps its last record and is retried next run', async () => {
    writeFile(join(s.src, 'a/1.tif'), '1');
    writeFile(join(s.src, 'a/2.tif'), '2');
    writeFile(join(s.src, 'b/3.tif'), '3');
    writeFile(join(s.src, 'b/c/4.tif'), '4');
    const job = engine.createJob(jobInput(s));
    expect((await engine.runJobToCompletion(job.id)).stats.changedFiles).toBe(4);
    await engine.close();

    writeFile(join(s.src, 'a/1.tif'), 'one, rewritten');
    writeFile(join(s.src, 'a/new.tif'), 'new');
    engine = open([
      { op: 'lstat', path: join(s.src, 'a/1.tif'), code: 'EIO' },
      { op: 'lstat', path: join(s.src, 'a/new.tif'), code: 'EIO' },
      { op: 'lstat', path: join(s.src, 'a/2.tif'), code: 'ENOENT' },
      { op: 'readdir', path: join(s.src, 'b'), code: 'EIO' },
    ]);
    const preview = await engine.preview(job.id);
    expect(preview.changedFiles).toBe(0);
    expect(preview.warnings).toEqual([
      expect.stringMatching(/^a\/1\.tif: cannot be read \(EIO: input\/output error\)/),
      expect.stringMatching(/^a\/2\.tif: cannot be read \(ENOENT: it vanished while it was being scanned\)/),
      expect.stringMatching(/^a\/new\.tif: cannot be read \(EIO/),
      expect.stringMatching(/^b: cannot be read \(EIO/),
    ]);
    const faulty = await engine.runJobToCompletion(job.id);
    expect(faulty.status).toBe('no_changes');
    expect(faulty.stats.warnings).toBe(4);
    expect(faulty.message).toMatch(/4 warnings/);
    await engine.close();

    // nothing that failed was marked, and nothing that failed was forgotten (b/ is not sent again)
    engine = open();
    const fixed = await engine.runJobToCompletion(job.id);
    expect(fixed.status).toBe('succeeded');
    expect(fixed.stats.warnings).toBe(0);
    expect(fake.tasks().at(-1)?.items.sort()).toEqual(['/backup/a/1.tif', '/backup/a/new.tif']);
    expect((await engine.runJobToCompletion(job.id)).status).toBe('no_changes');
  });

  it('a source folder that cannot be read fails the run and the preview by name (it is not an entry)', async () => {
    writeFile(join(s.src, 'a.tif'), 'a');
    const job = engine.createJob(jobInput(s));
    await engine.close();
    engine = open([{ op: 'readdir', path: s.src, code: 'EIO' }]);
    await expect(engine.preview(job.id)).rejects.toThrow(/The source folder .* cannot be read \(EIO: input\/output error\)/);
    const run = await engine.runJobToCompletion(job.id);
    expect(run.status).toBe('failed');
    expect(run.message).toMatch(/The source folder .* cannot be read \(EIO/);
  });
});
