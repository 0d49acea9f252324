import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { transferOptionsSchema, type Bookmark, type BookmarkInput, type TransferOptionsInput } from '../../../shared/collections';
import { writeFileAtomic } from '../store';

const fileSchema = z.object({
  version: z.literal(1),
  bookmarks: z.array(z.object({ id: z.string(), collectionId: z.string(), displayName: z.string(), path: z.string() })),
  /** Transfer options last used per `source|destination` pair. */
  transferDefaults: z.record(z.string(), transferOptionsSchema).optional(),
  /** The person was asked once whether to copy these bookmarks to Globus (yes or no). */
  globusUploadOffered: z.boolean().optional(),
});

export interface BookmarkStore {
  list(): Promise<readonly Bookmark[]>;
  add(input: BookmarkInput): Promise<readonly Bookmark[]>;
  remove(id: string): Promise<readonly Bookmark[]>;
  /** The transfer options saved for a source → destination pair, or null. */
  transferDefaults(source: string, destination: string): Promise<TransferOptionsInput | null>;
  saveTransferDefaults(source: string, destination: string, options: TransferOptionsInput): Promise<TransferOptionsInput>;
  /** Whether the person was already asked to copy this computer's bookmarks to Globus. */
  uploadOffered(): Promise<boolean>;
  markUploadOffered(): Promise<void>;
}

const MAX_PAIRS = 200;

/** Bookmarked collection folders and per-pair transfer defaults, in a small JSON file written atomically. */
export function createBookmarkStore(file: string): BookmarkStore {
  let cache: Bookmark[] | undefined;
  let defaults: Record<string, TransferOptionsInput> = {};
  let offered = false;
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
      cache = parsed.success ? parsed.data.bookmarks.map((b) => ({ ...b, origin: 'ferry' as const })) : [];
      defaults = parsed.success ? (parsed.data.transferDefaults ?? {}) : {};
      offered = parsed.success ? (parsed.data.globusUploadOffered ?? false) : false;
    } catch {
      cache = [];
    }
    return cache;
  };
  const save = async (next: Bookmark[], nextDefaults = defaults) => {
    await writeFileAtomic(file, JSON.stringify({ version: 1, bookmarks: next, transferDefaults: nextDefaults, globusUploadOffered: offered }, null, 2));
    cache = next;
    defaults = nextDefaults;
    return next;
  };
  const pair = (source: string, destination: string) => `${source}|${destination}`;

  return {
    list: () => serial(load),
    add: (input) =>
      serial(async () => {
        const current = await load();
        const same = current.find((b) => b.collectionId === input.collectionId && b.path === input.path);
        if (same) return current;
        return save([...current, { id: randomUUID(), ...input, origin: 'ferry' }]);
      }),
    remove: (id) => serial(async () => save((await load()).filter((b) => b.id !== id))),
    transferDefaults: (source, destination) =>
      serial(async () => {
        await load();
        return defaults[pair(source, destination)] ?? null;
      }),
    uploadOffered: () =>
      serial(async () => {
        await load();
        return offered;
      }),
    markUploadOffered: () =>
      serial(async () => {
        const current = await load();
        offered = true;
        await save(current);
      }),
    saveTransferDefaults: (source, destination, options) =>
      serial(async () => {
        const current = await load();
        const key = pair(source, destination);
        // Most recently used last; the oldest pairs go first when over the limit.
        const rest = Object.entries(defaults).filter(([k]) => k !== key);
        await save(current, Object.fromEntries([...rest.slice(Math.max(0, rest.length - MAX_PAIRS + 1)), [key, options]]));
        return options;
      }),
  };
}
