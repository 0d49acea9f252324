import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncJob } from '../../shared/contract/syncs';
import { FakeTransferService } from '../core/globus/testing/fake-transfer-service';
import { makeSandbox, type Sandbox } from '../core/sync/testing/test-support';
import { runSyncCli, type SyncCliDeps } from './sync-cli';

const SRC = 'aaaaaaaa-0000-4000-8000-000000000001';
const DST = 'bbbbbbbb-0000-4000-8000-000000000002';

describe('ferry sync: --watch and --move-after-verify', () => {
  let s: Sandbox;
  let out = '';
  let err = '';
  let deps: SyncCliDeps;
  const cli = async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    out = '';
    err = '';
    const code = await runSyncCli(argv, deps);
    return { code, out, err };
  };
  const add = (...extra: string[]) =>
    cli('add', '--name', 'det', '--local-path', 'src', '--source-collection', SRC, '--source-path', '/src', '--dest-collection', DST, '--dest-path', '/d', ...extra);

  beforeEach(() => {
    s = makeSandbox('ferry-sync-watchflags-');
    const fake = new FakeTransferService({ collections: { [SRC]: s.src, [DST]: s.dst }, taskDurationMs: 0 });
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

  it('adds a watch job, edits its full scan, and turns the verified move on only with checksums', async () => {
    const added = await add('--watch', '5', '--full-scan', '30', '--json');
    expect(added.code, added.err).toBe(0);
    const job = JSON.parse(added.out) as SyncJob;
    expect(job.schedule).toEqual({ kind: 'watch', quietSeconds: 5, fullScanMinutes: 30 });
    expect(job.moveAfterVerify).toBe(false);

    const edited = await cli('edit', '--job', 'det', '--full-scan', '90', '--json');
    expect(edited.code, edited.err).toBe(0);
    expect((JSON.parse(edited.out) as SyncJob).schedule).toEqual({ kind: 'watch', quietSeconds: 5, fullScanMinutes: 90 });

    const refused = await cli('edit', '--job', 'det', '--move-after-verify');
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/--move-after-verify: moving files needs checksum verification on/);

    const moving = await cli('edit', '--job', 'det', '--move-after-verify', '--verify-checksum', '--json');
    expect(moving.code, moving.err).toBe(0);
    expect(JSON.parse(moving.out) as SyncJob).toMatchObject({ moveAfterVerify: true, verifyChecksum: true });

    expect((await cli('edit', '--job', 'det', '--watch', '0')).err).toMatch(/--watch: wait at least 1 second of quiet/);
    expect((await cli('edit', '--job', 'det', '--every', '5', '--watch', '3')).err).toMatch(/give one schedule: --every or --watch/);
    expect((await cli('list')).out).toMatch(/watch \(quiet 5 s, full scan every 90 min\)/);
  });
});
