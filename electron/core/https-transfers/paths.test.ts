import fc from 'fast-check';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCleanups, tempDir } from '../kernel/testing/harness';
import { collectionFileUrl, expandUploads, freeLocalName, joinCollectionPath, numberedName } from './paths';
import { createTransferFile } from './store';

afterEach(runCleanups);

const SERVER = 'https://g-1234.data.globus.org/';
const wellFormed = (s: string): boolean => {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
};
/** A file or folder name as a collection may hold it: anything but `/`, NUL, `.` and `..`. */
const segment = fc
  .oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom(' ', '#', '%', '%20', '?', 'ä', 'ö ü', '日本', '😀', 'a+b', '~', ';', '&=', '..a'))
  .filter((s) => !s.includes('/') && !s.includes('\u0000') && s !== '.' && s !== '..' && wellFormed(s));

describe('collection file URLs', () => {
  it('percent-encode every segment so a server decoding the path gets the path back (spaces, #, %, ?, non-ASCII)', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segments) => {
        const path = `/${segments.join('/')}`;
        const url = collectionFileUrl(SERVER, path);
        expect(url.origin).toBe('https://g-1234.data.globus.org');
        expect(url.search).toBe('');
        expect(url.hash).toBe('');
        // What Globus Connect Server (and the emulator) do: decode the path after the server's own.
        expect(decodeURIComponent(url.pathname)).toBe(path);
        expect(url.pathname.split('/').slice(1).map(decodeURIComponent)).toEqual(segments);
      }),
    );
  });

  it('keeps the server path prefix and refuses "." and ".." segments', () => {
    expect(collectionFileUrl('http://127.0.0.1:9/https/abc', '/a b/c#d').href).toBe('http://127.0.0.1:9/https/abc/a%20b/c%23d');
    expect(() => collectionFileUrl(SERVER, '/a/../etc/passwd')).toThrow(/"\." or "\.\."/);
    expect(() => collectionFileUrl(SERVER, '/bad\ud800')).toThrow(/broken character/);
  });

  it('joins folder and relative path with one slash', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 3 }), fc.array(segment, { minLength: 1, maxLength: 3 }), fc.boolean(), (dir, rel, slash) => {
        const folder = `/${dir.join('/')}${slash && dir.length > 0 ? '/' : ''}`;
        expect(joinCollectionPath(folder, rel.join('/'))).toBe(`/${[...dir, ...rel].join('/')}`);
      }),
    );
  });
});

describe('local names', () => {
  it('numbers a taken name before its extension', async () => {
    expect(numberedName('run.tar.gz', 1)).toBe('run.tar (1).gz');
    expect(numberedName('notes', 2)).toBe('notes (2)');
    expect(numberedName('.bashrc', 1)).toBe('.bashrc (1)');
    const taken = new Set(['/d/a.txt', '/d/a (1).txt']);
    expect(await freeLocalName('/d', 'a.txt', async (f) => taken.has(f))).toBe('/d/a (2).txt');
  });

  it('expands dropped folders (sorted, nested) and refuses a missing path by name', async () => {
    const dir = tempDir('ferry-expand-');
    await mkdir(join(dir, 'set', 'b'), { recursive: true });
    await writeFile(join(dir, 'set', 'z.txt'), 'zz');
    await writeFile(join(dir, 'set', 'b', 'a.txt'), 'a');
    await writeFile(join(dir, 'one.txt'), 'one');
    const files = await expandUploads([join(dir, 'one.txt'), join(dir, 'set')], '/to/');
    expect(files).toEqual([
      { source: join(dir, 'one.txt'), destination: '/to/one.txt', bytes: 3 },
      { source: join(dir, 'set', 'b', 'a.txt'), destination: '/to/set/b/a.txt', bytes: 1 },
      { source: join(dir, 'set', 'z.txt'), destination: '/to/set/z.txt', bytes: 2 },
    ]);
    await expect(expandUploads([join(dir, 'nope')], '/')).rejects.toThrow(`${join(dir, 'nope')} does not exist`);
    await mkdir(join(dir, 'empty'));
    await expect(expandUploads([join(dir, 'empty')], '/')).rejects.toMatchObject({ code: 'NothingToSend' });
  });
});

describe('the transfers file', () => {
  it('sets a damaged file aside and starts empty', async () => {
    const dir = tempDir('ferry-store-');
    const file = join(dir, 'https-transfers.json');
    await writeFile(file, '{"version":1,"transfers":[{"id":1}]}');
    const logged: string[] = [];
    expect(await createTransferFile(file, (m) => logged.push(m)).load()).toEqual([]);
    expect(logged[0]).toContain('is damaged');
  });
});
