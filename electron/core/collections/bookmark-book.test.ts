import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeGlobusAccess } from '../globus/testing/fake-globus-access';
import { createBookmarkBook } from './bookmark-book';
import { createBookmarkStore } from './bookmarks';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const A = '6c54cade-bde5-45c1-bdea-f4bd71dba2cc';
const B = 'ddb59aef-6d04-11e5-ba46-22000b92c6ec';

function setup(signedIn = true) {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-book-'));
  dirs.push(dir);
  const local = createBookmarkStore(join(dir, 'bookmarks.json'));
  const globus = createFakeGlobusAccess();
  const state = { signedIn };
  const book = createBookmarkBook(local, globus, () => state.signedIn);
  return { local, globus, book, state };
}

describe('bookmarks: Globus\u2019 own and this computer\u2019s', () => {
  it('signed in, a new bookmark goes to Globus, named uniquely, and is listed first', async () => {
    const { book, globus, local } = setup();
    await local.add({ collectionId: B, displayName: 'Offline', path: '/o/' });
    globus.bookmarks.push({ id: 'g1', name: 'Runs', collectionId: B, path: '/other/' });
    const list = await book.add({ collectionId: A, displayName: 'Runs', path: '/runs/' });
    expect(list.map((b) => [b.displayName, b.origin])).toEqual([
      ['Runs', 'globus'],
      ['Runs (2)', 'globus'],
      ['Offline', 'ferry'],
    ]);
    // The same folder again: nothing new anywhere.
    await book.add({ collectionId: A, displayName: 'Again', path: '/runs' });
    expect(globus.bookmarks).toHaveLength(2);
    // Removing a Globus bookmark deletes it at Globus; a local one stays local.
    const removed = await book.remove(list[1]!.id);
    expect(removed.map((b) => b.displayName)).toEqual(['Runs', 'Offline']);
    expect(globus.bookmarks.map((b) => b.name)).toEqual(['Runs']);
    expect((await book.remove(list[2]!.id)).map((b) => b.displayName)).toEqual(['Runs']);
  });

  it('a folder bookmarked both here and at Globus is listed once (the Globus one)', async () => {
    const { book, globus, local } = setup();
    await local.add({ collectionId: A, displayName: 'Here', path: '/data/' });
    globus.bookmarks.push({ id: 'g1', name: 'There', collectionId: A, path: '/data' });
    expect((await book.list()).map((b) => [b.displayName, b.origin])).toEqual([['There', 'globus']]);
  });

  it('signed out, bookmarks stay on this computer and Globus is not asked', async () => {
    const { book, globus } = setup(false);
    const list = await book.add({ collectionId: A, displayName: 'Runs', path: '/runs/' });
    expect(list.map((b) => b.origin)).toEqual(['ferry']);
    expect(globus.calls).toEqual([]);
  });

  it('offers this computer\u2019s bookmarks for copying to Globus once; yes moves them, no keeps them', async () => {
    const { book, globus, local, state } = setup(false);
    await local.add({ collectionId: A, displayName: 'Runs', path: '/runs/' });
    expect(await book.uploadOffer()).toEqual([]); // signed out: nothing to copy to
    state.signedIn = true;
    expect((await book.uploadOffer()).map((b) => b.displayName)).toEqual(['Runs']);
    const after = await book.answerUploadOffer(true);
    expect(after.map((b) => [b.displayName, b.origin])).toEqual([['Runs', 'globus']]);
    expect(globus.bookmarks.map((b) => b.name)).toEqual(['Runs']);
    expect(await local.list()).toEqual([]);
    await local.add({ collectionId: B, displayName: 'Later', path: '/l/' });
    expect(await book.uploadOffer()).toEqual([]); // asked once
  });

  it('declining keeps them here and does not ask again', async () => {
    const { book, local } = setup(true);
    await local.add({ collectionId: A, displayName: 'Runs', path: '/runs/' });
    expect(await book.uploadOffer()).toHaveLength(1);
    expect((await book.answerUploadOffer(false)).map((b) => b.origin)).toEqual(['ferry']);
    expect(await book.uploadOffer()).toEqual([]);
  });
});
