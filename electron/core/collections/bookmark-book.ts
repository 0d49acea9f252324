import type { Bookmark, BookmarkInput } from '../../../shared/collections';
import type { GlobusBookmark } from '../globus';
import { AppError } from '../kernel';
import type { BookmarkStore } from './bookmarks';

/** The Globus bookmark calls the book needs (GlobusAccess has them). */
export interface GlobusBookmarkPort {
  listBookmarks(): Promise<readonly GlobusBookmark[]>;
  createBookmark(bookmark: Omit<GlobusBookmark, 'id'>): Promise<GlobusBookmark>;
  deleteBookmark(id: string): Promise<void>;
}

/** What the collections channels call: the bookmark list a person sees. */
export interface BookmarkBook extends Pick<BookmarkStore, 'list' | 'add' | 'remove'> {
  /** This computer's bookmarks to offer for copying to Globus (once, while signed in); empty otherwise. */
  uploadOffer(): Promise<readonly Bookmark[]>;
  /** Copies this computer's bookmarks to Globus (then forgets them here), or declines; asked once either way. */
  answerUploadOffer(copy: boolean): Promise<readonly Bookmark[]>;
}

const GLOBUS_PREFIX = 'globus:';
const MAX_NAME_TRIES = 20;

/**
 * Bookmarks as a person of the Globus web app expects them: while signed in, the list is their
 * Globus bookmarks (shared with app.globus.org) followed by the ones kept on this computer, and a
 * new bookmark goes to Globus; signed out, only this computer's. A local bookmark for the same
 * folder as a Globus one is not listed twice.
 */
export function createBookmarkBook(local: BookmarkStore, globus: GlobusBookmarkPort, signedIn: () => boolean): BookmarkBook {
  const fromGlobus = (b: GlobusBookmark): Bookmark => ({ id: `${GLOBUS_PREFIX}${b.id}`, collectionId: b.collectionId, displayName: b.name, path: b.path, origin: 'globus' });
  const same = (a: { collectionId: string; path: string }, b: { collectionId: string; path: string }) =>
    a.collectionId === b.collectionId && trimSlash(a.path) === trimSlash(b.path);

  const list = async (): Promise<readonly Bookmark[]> => {
    const mine = await local.list();
    if (!signedIn()) return mine;
    const remote = (await globus.listBookmarks()).map(fromGlobus);
    return [...remote, ...mine.filter((m) => !remote.some((r) => same(r, m)))];
  };

  const book: BookmarkBook = {
    list,
    async uploadOffer() {
      if (!signedIn() || (await local.uploadOffered())) return [];
      return local.list();
    },
    async answerUploadOffer(copy) {
      if (copy && signedIn()) {
        for (const b of await local.list()) {
          await book.add({ collectionId: b.collectionId, displayName: b.displayName, path: b.path });
          await local.remove(b.id);
        }
      }
      await local.markUploadOffered();
      return list();
    },
    async add(input: BookmarkInput) {
      if (!signedIn()) return local.add(input);
      const existing = await globus.listBookmarks();
      if (existing.some((b) => same(b, input))) return list();
      // Globus names are unique per person: "Runs", then "Runs (2)", …
      for (let n = 1; n <= MAX_NAME_TRIES; n += 1) {
        const name = n === 1 ? input.displayName : `${input.displayName} (${n})`;
        if (existing.some((b) => b.name === name)) continue;
        await globus.createBookmark({ name, collectionId: input.collectionId, path: input.path });
        return list();
      }
      throw new AppError('conflict', 'BookmarkNameTaken', `Your Globus bookmarks already use "${input.displayName}" and ${MAX_NAME_TRIES - 1} numbered variants of it; rename some at app.globus.org or choose another name.`);
    },
    async remove(id: string) {
      if (id.startsWith(GLOBUS_PREFIX)) {
        await globus.deleteBookmark(id.slice(GLOBUS_PREFIX.length));
        return list();
      }
      await local.remove(id);
      return list();
    },
  };
  return book;
}

/** Bookmarks on this computer only (no Globus sign-in to share them with). */
export function localBookmarkBook(local: BookmarkStore): BookmarkBook {
  return {
    list: () => local.list(),
    add: (input) => local.add(input),
    remove: (id) => local.remove(id),
    uploadOffer: async () => [],
    answerUploadOffer: async () => local.list(),
  };
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}
