import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSubmitter } from '../core/globus';
import { createSyncEngine } from '../core/sync';
import { runSyncCommand } from './sync-command';

const SRC = 'aaaaaaaa-0000-4000-8000-000000000001';
const DST = 'bbbbbbbb-0000-4000-8000-000000000002';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-sync-cli-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A data folder holding one job "detector" over a folder of two files. */
async function withJob(stateDir: string): Promise<string> {
  const folder = join(stateDir, 'detector');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'a.tif'), 'a');
  writeFileSync(join(folder, 'b.tif'), 'bb');
  const noGlobus = (): never => {
    throw new Error('no Globus in this test');
  };
  const engine = createSyncEngine({ dataDir: stateDir, transfer: noGlobus, submitter: createSubmitter(noGlobus) });
  engine.createJob({
    name: 'detector',
    source: { collectionId: SRC, localPath: folder, collectionPath: '/detector' },
    destination: { collectionId: DST, path: '/backup' },
    schedule: { kind: 'interval', minutes: 30 },
  });
  await engine.close();
  return folder;
}

function capture() {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {} },
    out: () => out,
    err: () => err,
  };
}

describe('ferry sync (CLI wiring)', () => {
  it('lists the jobs of the data folder and previews one without signing in', async () => {
    const dir = tempDir();
    await withJob(dir);
    const list = capture();
    expect(await runSyncCommand(['list', '--data-dir', dir], list.io)).toBe(0);
    expect(list.out()).toMatch(/^detector\tenabled\tevery 30 min\tnext: \S+\tlast: never\n/);
    expect(list.out()).toContain(`-> ${DST}:/backup`);
    expect(list.err()).toBe('');

    const preview = capture();
    expect(await runSyncCommand(['preview', `--data-dir=${dir}`, '--job', 'detector'], preview.io)).toBe(0);
    expect(preview.out()).toMatch(/detector: 2 of 2 file\(s\) would be transferred \(3 B\)/);
  });

  it('keeps its state where the settings put the data folder', async () => {
    const config = tempDir();
    const state = tempDir();
    await withJob(state);
    writeFileSync(join(config, 'settings.json'), JSON.stringify({ dataDir: state }));
    const list = capture();
    expect(await runSyncCommand(['list', '--data-dir', config], list.io)).toBe(0);
    expect(list.out()).toMatch(/^detector\t/);
    const empty = capture();
    expect(await runSyncCommand(['list', '--data-dir', tempDir()], empty.io)).toBe(0);
    expect(empty.out()).toBe('No sync jobs yet.\n');
  });

  it('creates a job where the app keeps its jobs (the settings\' data folder), without signing in', async () => {
    const config = tempDir();
    const state = tempDir();
    writeFileSync(join(config, 'settings.json'), JSON.stringify({ dataDir: state }));
    const folder = join(state, 'beamline');
    mkdirSync(folder);
    const add = capture();
    const args = ['add', '--data-dir', config, '--name', 'beamline', '--local-path', folder, '--source-collection', SRC, '--source-path', '/b'];
    expect(await runSyncCommand([...args, '--dest-collection', DST, '--dest-path', '/backup', '--manual'], add.io)).toBe(0);
    expect(add.out()).toMatch(/^Created sync job "beamline"/);
    const noGlobus = (): never => {
      throw new Error('no Globus in this test');
    };
    const app = createSyncEngine({ dataDir: state, transfer: noGlobus, submitter: createSubmitter(noGlobus) });
    cleanups.push(() => app.close());
    expect(app.getJob('beamline')?.schedule).toEqual({ kind: 'manual' });
  });

  it('says in one line how to sign in when there is no token file, and records no run', async () => {
    const dir = tempDir();
    await withJob(dir);
    const run = capture();
    expect(await runSyncCommand(['run', '--job', 'detector', '--once', '--data-dir', dir], run.io)).toBe(1);
    expect(run.err().trim().split('\n')).toHaveLength(1);
    expect(run.err()).toMatch(/^ferry sync: not signed in to Globus: sign in with `ferry serve --data-dir .+` \(open the URL it prints, Account → Sign in with Globus\)/);
    expect(run.err()).toMatch(/OS keychain/);
    const list = capture();
    await runSyncCommand(['list', '--data-dir', dir], list.io);
    expect(list.out()).toContain('last: never');
  });

  it('explains a token file it cannot read (the desktop app encrypts it with the keychain)', async () => {
    const dir = tempDir();
    await withJob(dir);
    writeFileSync(join(dir, 'globus-tokens.bin'), Buffer.from([0x76, 0x31, 0x30, 0xff, 0xfe, 0x00, 0x81]));
    const run = capture();
    expect(await runSyncCommand(['run', '--all', '--once', '--data-dir', dir], run.io)).toBe(1);
    expect(run.err().trim().split('\n')).toHaveLength(1);
    expect(run.err()).toMatch(/the Globus sign-in in .*globus-tokens\.bin cannot be read here \(the desktop app keeps its tokens encrypted with the OS keychain\)/);
  });

  it('is reached from `ferry sync` on a shell (usage errors exit 2)', async () => {
    const dir = tempDir();
    await withJob(dir);
    const root = resolve(import.meta.dirname, '..', '..');
    const runCli = (args: readonly string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((done, fail) => {
        const script = `const { main } = await import(${JSON.stringify(join(root, 'electron/cli/index.ts'))}); process.exitCode = await main(${JSON.stringify(args)});`;
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
          cwd: root,
          env: { ...process.env, FERRY_DATA_DIR: dir },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (b: Buffer) => (out += b.toString()));
        child.stderr.on('data', (b: Buffer) => (err += b.toString()));
        child.on('error', fail);
        child.on('close', (code) => done({ code, out, err }));
      });
    const [list, bad] = await Promise.all([runCli(['sync', 'list']), runCli(['sync', 'run', '--once'])]);
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(/^detector\tenabled/);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/give either --job NAME or --all/);
  });
});
