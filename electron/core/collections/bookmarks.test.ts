import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBookmarkStore } from './bookmarks';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'ferry-bm-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const id = '6c54cade-bde5-45c1-bdea-f4bd71dba2cc';

describe('bookmarks', () => {
  it('adds, dedupes, removes and persists', async () => {
    const file = join(tmp(), 'bookmarks.json');
    const store = createBookmarkStore(file);
    const [first] = await store.add({ collectionId: id, displayName: 'Source', path: '/data/' });
    expect(await store.add({ collectionId: id, displayName: 'Source again', path: '/data/' })).toHaveLength(1);
    await store.add({ collectionId: id, displayName: 'Other', path: '/other/' });
    expect((await createBookmarkStore(file).list()).map((b) => b.path)).toEqual(['/data/', '/other/']);
    await store.remove(first!.id);
    expect((await createBookmarkStore(file).list()).map((b) => b.path)).toEqual(['/other/']);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1);
  });

  it('treats an unreadable file as empty instead of failing', async () => {
    const file = join(tmp(), 'bookmarks.json');
    writeFileSync(file, '{not json');
    expect(await createBookmarkStore(file).list()).toEqual([]);
  });

  it('remembers transfer options per source and destination pair, next to the bookmarks', async () => {
    const file = join(tmp(), 'bookmarks.json');
    const store = createBookmarkStore(file);
    const other = '7d54cade-bde5-45c1-bdea-f4bd71dba2cc';
    await store.add({ collectionId: id, displayName: 'Source', path: '/data/' });
    expect(await store.transferDefaults(id, other)).toBeNull();
    await store.saveTransferDefaults(id, other, { syncLevel: 3, encrypt: true, filterRules: [{ method: 'exclude', name: '*.tmp' }] });
    const reopened = createBookmarkStore(file);
    expect(await reopened.transferDefaults(id, other)).toEqual({ syncLevel: 3, encrypt: true, filterRules: [{ method: 'exclude', name: '*.tmp' }] });
    expect(await reopened.transferDefaults(other, id)).toBeNull();
    expect(await reopened.list()).toHaveLength(1);
  });
});
