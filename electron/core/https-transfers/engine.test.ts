import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpsTransfer } from '../../../shared/contract/https-transfers';
import { AppError, type Clock } from '../kernel';
import { runCleanups, until } from '../kernel/testing/harness';
import { createManualClock } from '../kernel/testing/manual-clock';
import { httpsScope } from './engine';
import { COLLECTION, PLAIN, bytes, rig } from './testing/engine-rig';

afterEach(runCleanups);

describe('HTTPS uploads', () => {
  it('sends a file and a folder (each file to folder + relative path), with names that need encoding', async () => {
    const r = await rig();
    const one = bytes(70_000);
    await writeFile(join(r.local, 'a b#1%.bin'), one);
    await mkdir(join(r.local, 'rün', 'deep'), { recursive: true });
    await writeFile(join(r.local, 'rün', 'x?.txt'), 'x');
    await writeFile(join(r.local, 'rün', 'deep', 'y.txt'), 'yy');
    const started = await r.engine.upload({ collectionId: COLLECTION, folder: '/in box/', paths: [join(r.local, 'a b#1%.bin'), join(r.local, 'rün')] });
    expect(started).toMatchObject({ state: 'queued', direction: 'upload', fileCount: 3, totalBytes: 70_003, collectionName: 'Lab Storage' });
    const done = await r.waitFor(started.id, 'succeeded');
    expect(done).toMatchObject({ doneBytes: 70_003, filesDone: 3, error: null });
    expect((await r.server.file('/in box/a b#1%.bin')).equals(one)).toBe(true);
    expect(String(await r.server.file('/in box/rün/x?.txt'))).toBe('x');
    expect(String(await r.server.file('/in box/rün/deep/y.txt'))).toBe('yy');
    expect(r.tokenCalls[0]?.scope).toBe(httpsScope(COLLECTION));
  });

  it('refuses a collection without HTTPS access, missing files, and a missing consent (ConsentRequired with the scope)', async () => {
    const r = await rig();
    await writeFile(join(r.local, 'f.txt'), 'f');
    await expect(r.engine.upload({ collectionId: PLAIN, folder: '/', paths: [join(r.local, 'f.txt')] })).rejects.toMatchObject({
      kind: 'refused',
      code: 'NoHttpsAccess',
      message: 'Plain Collection does not allow HTTPS access; transfer with Globus instead.',
    });
    await expect(r.engine.upload({ collectionId: COLLECTION, folder: '/', paths: [join(r.local, 'gone.txt')] })).rejects.toMatchObject({ kind: 'invalid', code: 'LocalFileMissing' });
    const noConsent = await rig({ consent: false });
    await writeFile(join(noConsent.local, 'f.txt'), 'f');
    const refused = await noConsent.engine.upload({ collectionId: COLLECTION, folder: '/', paths: [join(noConsent.local, 'f.txt')] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ kind: 'forbidden', code: 'ConsentRequired', details: { requiredScopes: [httpsScope(COLLECTION)], collectionId: COLLECTION } });
    expect(await noConsent.engine.list()).toEqual([]);
  });

  it('pauses (the file being sent starts over) and resumes without sending finished files again', async () => {
    const r = await rig();
    await writeFile(join(r.local, '1.bin'), bytes(1000));
    await writeFile(join(r.local, '2.bin'), bytes(300_000, 2));
    const puts = () => r.server.requests.filter((q) => q.method === 'PUT').map((q) => q.path);
    await r.engine.upload({ collectionId: COLLECTION, folder: '/u/', paths: [join(r.local, '1.bin')] }).then((t) => r.waitFor(t.id, 'succeeded'));
    // The next PUT stops after 100 kB until the test lets it go.
    const held = r.server.holdNext('PUT', 100_000);
    const t = await r.engine.upload({ collectionId: COLLECTION, folder: '/u/', paths: [join(r.local, '2.bin'), join(r.local, '1.bin')] });
    await held.reached;
    const paused = await r.engine.pause(t.id);
    expect(paused).toMatchObject({ state: 'paused', doneBytes: 0, filesDone: 0 });
    held.release();
    await r.engine.resume(t.id);
    await r.waitFor(t.id, 'succeeded');
    expect(puts()).toEqual(['/u/1.bin', '/u/2.bin', '/u/2.bin', '/u/1.bin']);
    expect((await r.server.file('/u/2.bin')).equals(bytes(300_000, 2))).toBe(true);
  });

  it('a dropped connection interrupts with what to do; Resume sends the file again', async () => {
    const r = await rig();
    await writeFile(join(r.local, 'big.bin'), bytes(500_000));
    r.server.dropNext('PUT', 200_000);
    const t = await r.engine.upload({ collectionId: COLLECTION, folder: '/', paths: [join(r.local, 'big.bin')] });
    const interrupted = await r.waitFor(t.id, 'interrupted');
    expect(interrupted.error).toMatch(/^The connection to Lab Storage dropped while sending big\.bin \(.* of 500 KB sent\); Resume sends that file again from its start/);
    await r.engine.resume(t.id);
    await r.waitFor(t.id, 'succeeded');
    expect((await r.server.file('/big.bin')).equals(bytes(500_000))).toBe(true);
  });

  it('gets a fresh token once after a 401, and fails with what to do after a 403', async () => {
    const r = await rig();
    r.server.tokens.add('token-2');
    await writeFile(join(r.local, 'f.txt'), 'f');
    r.server.failNext(401);
    const ok = await r.engine.upload({ collectionId: COLLECTION, folder: '/', paths: [join(r.local, 'f.txt')] });
    await r.waitFor(ok.id, 'succeeded');
    expect(r.tokenCalls.some((c) => c.refresh)).toBe(true);
    r.server.failNext(403);
    const no = await r.engine.upload({ collectionId: COLLECTION, folder: '/locked/', paths: [join(r.local, 'f.txt')] });
    expect((await r.waitFor(no.id, 'failed')).error).toBe("Lab Storage does not let you write to /locked (403). Ask the collection's managers for write access, or send the files to another folder.");
  });
});

describe('HTTPS downloads', () => {
  it('downloads files byte for byte, naming a clash "name (1).ext"', async () => {
    const r = await rig();
    await r.server.put('/data/run #1.bin', bytes(123_456));
    await r.server.put('/data/ñ.txt', 'hello');
    await writeFile(join(r.local, 'run #1.bin'), 'someone else');
    const t = await r.engine.download({ collectionId: COLLECTION, paths: ['/data/run #1.bin', '/data/ñ.txt'], folder: r.local });
    const done = await r.waitFor(t.id, 'succeeded');
    expect(done.files.map((f) => f.destination)).toEqual([join(r.local, 'run #1 (1).bin'), join(r.local, 'ñ.txt')]);
    expect(done).toMatchObject({ totalBytes: 123_461, doneBytes: 123_461 });
    expect((await readFile(join(r.local, 'run #1 (1).bin'))).equals(bytes(123_456))).toBe(true);
    expect(String(await readFile(join(r.local, 'run #1.bin')))).toBe('someone else');
    expect((await readdir(r.local)).some((n) => n.endsWith('.ferry-part'))).toBe(false);
  });

  it('a dropped connection → interrupted; Resume continues with a Range from the bytes it has', async () => {
    const r = await rig();
    const data = bytes(600_000, 3);
    await r.server.put('/big.bin', data);
    r.server.dropNext('GET', 250_000);
    const t = await r.engine.download({ collectionId: COLLECTION, paths: ['/big.bin'], folder: r.local });
    const interrupted = await r.waitFor(t.id, 'interrupted');
    expect(interrupted.error).toMatch(/^The connection to Lab Storage dropped after .* of 600 KB; Resume continues from there\.$/);
    const part = await readFile(join(r.local, 'big.bin.ferry-part'));
    expect(part.length).toBeGreaterThan(0);
    await r.engine.resume(t.id);
    await r.waitFor(t.id, 'succeeded');
    expect((await readFile(join(r.local, 'big.bin'))).equals(data)).toBe(true);
    const gets = r.server.requests.filter((q) => q.method === 'GET');
    expect(gets.map((g) => g.range)).toEqual([null, `bytes=${part.length}-`]);
  });

  it('retries a dropped connection by itself on the clock, a bounded number of times', async () => {
    const clock = createManualClock(Date.now());
    const r = await rig({ autoRetries: 2, retryDelaysMs: [1000], clock: clock as Clock });
    await r.server.put('/f.bin', bytes(400_000));
    r.server.dropNext('GET', 100_000);
    r.server.dropNext('GET', 100_000);
    r.server.dropNext('GET', 100_000);
    const t = await r.engine.download({ collectionId: COLLECTION, paths: ['/f.bin'], folder: r.local });
    const first = await r.waitFor(t.id, 'interrupted');
    expect(first.error).toContain('Ferry tries again by itself in 1.0 s (1 of 2)');
    await clock.advanceAndSettle(1000);
    await until(() => r.events.filter((e) => e.id === t.id && e.state === 'interrupted').length >= 2, 'second drop');
    await clock.advanceAndSettle(1000);
    await until(() => r.events.filter((e) => e.id === t.id && e.state === 'interrupted').length >= 3, 'third drop');
    // Out of tries: it waits for Resume.
    expect(r.events.at(-1)?.error).not.toContain('tries again');
    expect(clock.pending()).toBe(0);
    await r.engine.resume(t.id);
    await r.waitFor(t.id, 'succeeded');
    expect((await readFile(join(r.local, 'f.bin'))).equals(bytes(400_000))).toBe(true);
  });

  it('a transfer running when Ferry stops shows interrupted on the next start and resumes', async () => {
    const r = await rig();
    await r.server.put('/slow.bin', bytes(300_000));
    const held = r.server.holdNext('GET', 100_000);
    const t = await r.engine.download({ collectionId: COLLECTION, paths: ['/slow.bin'], folder: r.local });
    await held.reached;
    // A crash: the first engine never got to save anything but "running".
    const saved = JSON.parse(await readFile(r.stateFile, 'utf8')) as { transfers: HttpsTransfer[] };
    expect(saved.transfers[0]?.state).toBe('running');
    const next = r.start();
    const [after] = await next.list();
    expect(after).toMatchObject({ id: t.id, state: 'interrupted', error: 'Ferry stopped while this transfer was running; Resume continues it.' });
    await r.engine.dispose();
    held.release();
    await next.resume(t.id);
    await until(async () => (await next.list())[0]?.state === 'succeeded', 'resumed download');
    expect((await readFile(join(r.local, 'slow.bin'))).equals(bytes(300_000))).toBe(true);
    // The bytes that had arrived were kept: the resumed GET asked for the rest only.
    expect(r.server.requests.filter((q) => q.method === 'GET').map((q) => q.range)).toEqual([null, 'bytes=100000-']);
  });

  it('cancel removes the part file; remove forgets an ended transfer', async () => {
    const r = await rig();
    await r.server.put('/c.bin', bytes(300_000));
    const held = r.server.holdNext('GET', 100_000);
    const t = await r.engine.download({ collectionId: COLLECTION, paths: ['/c.bin'], folder: r.local });
    await held.reached;
    await until(() => existsSync(join(r.local, 'c.bin.ferry-part')), 'part file');
    expect(await r.engine.cancel(t.id)).toMatchObject({ state: 'cancelled' });
    expect(existsSync(join(r.local, 'c.bin.ferry-part'))).toBe(false);
    await expect(r.engine.resume(t.id)).rejects.toMatchObject({ kind: 'conflict' });
    expect(await r.engine.remove(t.id)).toEqual({ removed: true });
    expect(await r.engine.remove(t.id)).toEqual({ removed: false });
    expect(await r.engine.list()).toEqual([]);
  });

  it('refuses a missing download folder and a file that is not there (404) fails naming it', async () => {
    const r = await rig();
    await expect(r.engine.download({ collectionId: COLLECTION, paths: ['/x'], folder: join(r.local, 'nope') })).rejects.toMatchObject({ kind: 'refused', code: 'FolderMissing' });
    const t = await r.engine.download({ collectionId: COLLECTION, paths: ['/missing.bin'], folder: r.local });
    expect((await r.waitFor(t.id, 'failed')).error).toMatch(/^\/missing\.bin is not a file on Lab Storage \(404\)/);
  });
});
