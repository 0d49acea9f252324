import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FileConnector } from './file-connector';
import { LocalConnector } from './local-connector';
import { useTempDirs } from './testing/test-dirs';
import type { FileKey } from './keys';

const tempDir = useTempDirs();

async function writeBigFile(path: string, chunks: number, chunkSize: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let i = 0; i < chunks; i++) {
    const chunk = randomBytes(chunkSize);
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

function sha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('FileConnector', () => {
  it('puts, gets, checks and evicts objects', async () => {
    const dir = join(tempDir(), 'store');
    const c = new FileConnector(dir);
    const key = await c.put(new Uint8Array([1, 2, 3]));
    expect(key.kind).toBe('file');
    expect(key.filename).toMatch(/^[0-9a-f-]{36}$/);
    expect(await c.exists(key)).toBe(true);
    expect(Buffer.from((await c.get(key)) ?? [])).toEqual(Buffer.from([1, 2, 3]));
    await c.evict(key);
    expect(await c.exists(key)).toBe(false);
    expect(await c.get(key)).toBeNull();
    await c.evict(key); // evicting twice is fine
    const missing: FileKey = { kind: 'file', filename: 'never-put' };
    expect(await c.get(missing)).toBeNull();
    expect(await c.getToFile(missing, join(dir, '..', 'out'))).toBe(false);
  });

  it('writes the layout ProxyStore reads: <store_dir>/<filename> plus <filename>.ready, no temp files left', async () => {
    const dir = tempDir();
    const c = new FileConnector(dir, { clear: false });
    const [a, b] = await c.putBatch([Buffer.from('alpha'), Buffer.from('beta')]);
    expect(readFileSync(join(dir, a?.filename ?? '')).toString()).toBe('alpha');
    expect(readFileSync(join(dir, b?.filename ?? '')).toString()).toBe('beta');
    expect(readdirSync(dir).sort()).toEqual([a?.filename, `${a?.filename}.ready`, b?.filename, `${b?.filename}.ready`].sort());
    expect((await c.getBatch([a as FileKey, b as FileKey, { kind: 'file', filename: 'x' }])).map((x) => x && Buffer.from(x).toString())).toEqual([
      'alpha',
      'beta',
      null,
    ]);
  });

  it('reads objects that ProxyStore wrote (file then .ready marker), and ignores unmarked ones', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'py-object'), 'from python');
    writeFileSync(join(dir, 'py-object.ready'), '');
    writeFileSync(join(dir, 'half-written'), 'partial');
    const c = new FileConnector(dir);
    expect(Buffer.from((await c.get({ kind: 'file', filename: 'py-object' })) ?? []).toString()).toBe('from python');
    expect(await c.exists({ kind: 'file', filename: 'half-written' })).toBe(false);
  });

  it('rejects keys that would escape the store directory', async () => {
    const c = new FileConnector(tempDir());
    await expect(c.get({ kind: 'file', filename: '../etc/passwd' })).rejects.toThrow(/single path segment/);
    await expect(c.exists({ kind: 'file', filename: '..' })).rejects.toThrow(/single path segment/);
    await expect(c.get({ kind: 'local', id: 'x' } as unknown as FileKey)).rejects.toThrow(/cannot use a local key/);
  });

  it('streams a large file in and out (putFile / getToFile) with progress, never whole in memory', async () => {
    const dir = tempDir();
    const src = join(dir, 'big.bin');
    const digest = await writeBigFile(src, 24, 1 << 20); // 24 MiB
    const c = new FileConnector(join(dir, 'store'));
    const progress: number[] = [];
    const key = await c.putFile(src, { copyMethod: 'stream', onProgress: (done, total) => progress.push(done / total) });
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);
    expect(progress.length).toBeGreaterThan(3);
    expect(sha(c.pathOf(key))).toBe(digest);
    const out = join(dir, 'out', 'copy.bin');
    const getProgress: number[] = [];
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'out'));
    expect(await c.getToFile(key, out, { copyMethod: 'stream', onProgress: (d) => getProgress.push(d) })).toBe(true);
    expect(sha(out)).toBe(digest);
    expect(getProgress.at(-1)).toBe(24 << 20);
    // default path for large files: the kernel's copy (system cp), progress polled
    const polled: number[] = [];
    const key2 = await c.putFile(src, { onProgress: (d, t) => polled.push(d / t) });
    expect(sha(c.pathOf(key2))).toBe(digest);
    expect(polled[0]).toBe(0);
    expect(polled.at(-1)).toBe(1);
    const out2 = join(dir, 'out', 'copy2.bin');
    expect(await c.getToFile(key2, out2)).toBe(true);
    expect(sha(out2)).toBe(digest);
    // small files without progress: fs.copyFile
    writeFileSync(join(dir, 'small'), 'small');
    const key3 = await c.putFile(join(dir, 'small'));
    expect(readFileSync(c.pathOf(key3)).toString()).toBe('small');
    expect(readdirSync(join(dir, 'store')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('stops a streaming put on abort and leaves no partial object', async () => {
    const dir = tempDir();
    const src = join(dir, 'big.bin');
    await writeBigFile(src, 16, 1 << 20);
    const c = new FileConnector(join(dir, 'store'));
    const ac = new AbortController();
    await expect(
      c.putFile(src, {
        copyMethod: 'stream',
        signal: ac.signal,
        onProgress: (done) => {
          if (done > 2 << 20) ac.abort();
        },
      }),
    ).rejects.toThrow(/abort/i);
    expect(readdirSync(join(dir, 'store'))).toEqual([]);
    // the same through the kernel copy: cp is killed
    const ac2 = new AbortController();
    await expect(c.putFile(src, { signal: ac2.signal, onProgress: () => ac2.abort() })).rejects.toThrow(/abort/i);
    expect(readdirSync(join(dir, 'store'))).toEqual([]);
    const already = new AbortController();
    already.abort();
    await expect(c.putFile(src, { signal: already.signal })).rejects.toThrow(/abort/i);
  });

  it('config round-trips through ProxyStore keys, and close(clear) removes the directory', async () => {
    const dir = join(tempDir(), 'store');
    const c = new FileConnector(dir, { clear: false, buffering: 4096 });
    expect(c.config()).toEqual({ store_dir: dir, clear: false, buffering: 4096 });
    const again = FileConnector.fromConfig(c.config());
    expect(again.config()).toEqual(c.config());
    expect(() => FileConnector.fromConfig({ store_dir: dir, extra: 1 })).toThrow(/unexpected key "extra"/);
    expect(() => FileConnector.fromConfig({})).toThrow(/needs store_dir/);
    await c.close();
    expect(existsSync(dir)).toBe(true);
    await c.close(true);
    expect(existsSync(dir)).toBe(false);
    const d2 = join(tempDir(), 'store2');
    await new FileConnector(d2).close();
    expect(existsSync(d2)).toBe(false);
  });
});

describe('LocalConnector', () => {
  it('keeps copies in memory', async () => {
    const c = new LocalConnector();
    const data = new Uint8Array([5, 6]);
    const key = await c.put(data);
    data[0] = 9;
    expect(Array.from((await c.get(key)) ?? [])).toEqual([5, 6]);
    expect(await c.exists(key)).toBe(true);
    await c.evict(key);
    expect(await c.exists(key)).toBe(false);
    expect(await c.get(key)).toBeNull();
    expect(c.config()).toEqual({ include_data_in_config: false });
    expect(LocalConnector.fromConfig({ include_data_in_config: true }).config()).toEqual({ include_data_in_config: true });
  });

  it('putFile / getToFile', async () => {
    const dir = tempDir();
    const src = join(dir, 'in.bin');
    const digest = await writeBigFile(src, 3, 100_000);
    const c = new LocalConnector();
    const key = await c.putFile(src);
    const out = join(dir, 'out.bin');
    expect(await c.getToFile(key, out)).toBe(true);
    expect(sha(out)).toBe(digest);
    expect(await c.getToFile({ kind: 'local', id: 'nope' }, out)).toBe(false);
  });
});
