import { readFile, readdir, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpsTransfer } from '../../../shared/contract/https-transfers';
import type { Clock } from '../kernel';
import { runCleanups, until } from '../kernel/testing/harness';
import { createManualClock } from '../kernel/testing/manual-clock';
import { COLLECTION, bytes, rig } from './testing/engine-rig';

afterEach(runCleanups);

describe('HTTPS transfer events and recovery', () => {
  it('tells progress at most once per interval (the clock decides), and every state change at once', async () => {
    const clock = createManualClock(Date.now());
    const r = await rig({ clock: clock as Clock, progressIntervalMs: 250 });
    await r.server.put('/one.bin', bytes(2_000_000));
    await r.server.put('/two.bin', bytes(1000));
    const t = await r.engine.download({ collectionId: COLLECTION, paths: ['/one.bin', '/two.bin'], folder: r.local });
    await r.waitFor(t.id, 'succeeded');
    const mine = r.events.filter((e) => e.id === t.id);
    // queued, running, sizes known, (time stood still: no more progress), succeeded.
    expect(mine.map((e) => e.state)).toEqual(['queued', 'running', 'running', 'succeeded']);
    expect(mine[2]).toMatchObject({ totalBytes: 2_001_000, doneBytes: 0 });
    expect(mine[3]).toMatchObject({ doneBytes: 2_001_000, filesDone: 2, bytesPerSecond: null });
    expect(clock.pending()).toBe(0);
  });

  it('a download renamed into place just before a crash counts as done (no second copy)', async () => {
    const r = await rig();
    await r.server.put('/done.bin', bytes(5000));
    const t = await r.engine.download({ collectionId: COLLECTION, paths: ['/done.bin'], folder: r.local });
    await r.waitFor(t.id, 'succeeded');
    // The list on disk from before the file was marked done.
    const saved = JSON.parse(await readFile(r.stateFile, 'utf8')) as { version: 1; transfers: HttpsTransfer[] };
    const before = { ...saved.transfers[0]!, state: 'running' as const, files: saved.transfers[0]!.files.map((f) => ({ ...f, done: false, doneBytes: 0 })) };
    await r.engine.dispose();
    await writeFile(r.stateFile, JSON.stringify({ version: 1, transfers: [before] }));
    const gets = r.server.requests.filter((q) => q.method === 'GET').length;
    const next = r.start();
    expect((await next.list())[0]?.state).toBe('interrupted');
    await next.resume(t.id);
    await until(async () => (await next.list())[0]?.state === 'succeeded', 'resumed');
    expect(r.server.requests.filter((q) => q.method === 'GET').length).toBe(gets);
    expect(await readdir(r.local)).toEqual(['done.bin']);
  });

  it('refuses to download a folder path', async () => {
    const r = await rig();
    await expect(r.engine.download({ collectionId: COLLECTION, paths: ['/data/'], folder: r.local })).rejects.toMatchObject({ kind: 'invalid', code: 'InvalidPath' });
  });
});
