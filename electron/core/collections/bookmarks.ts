import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Bookmark, BookmarkInput } from '../../../shared/collections';
import { writeFileAtomic } from '../store';

const fileSchema = z.object({
  version: z.literal(1),
  bookmarks: z.array(z.object({ id: z.string(), collectionId: z.string(), displayName: z.string(), path: z.string() })),
});

export interface BookmarkStore {
  list(): Promise<readonly Bookmark[]>;
  add(input: BookmarkInput): Promise<readonly Bookmark[]>;
  remove(id: string): Promise<readonly Bookmark[]>;
}

/** Bookmarked collection folders, in a small JSON file written atomically. */
export function createBookmarkStore(file: string): BookmarkStore {
  let cache: Bookmark[] | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };

  const load = async (): Promise<Bookmark[]> => {
    if (cache) return cache;
    try {
      const parsed = fileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      cache = parsed.success ? parsed.data.bookmarks : [];
    } catch {
      cache = [];
    }
    return cache;
  };
  const save = async (next: Bookmark[]) => {
    await writeFileAtomic(file, JSON.stringify({ version: 1, bookmarks: next }, null, 2));
    cache = next;
    return next;
  };

  return {
    list: () => serial(load),
    add: (input) =>
      serial(async () => {
        const current = await load();
        const same = current.find((b) => b.collectionId === input.collectionId && b.path === input.path);
        if (same) return current;
        return save([...current, { id: randomUUID(), ...input }]);
      }),
    remove: (id) => serial(async () => save((await load()).filter((b) => b.id !== id))),
  };
}
