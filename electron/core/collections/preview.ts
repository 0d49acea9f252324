import type { FilterRule, PreviewFile, TransferPreview, TransferRequest } from '../../../shared/collections';
import type { DirEntry } from '../../../shared/globus-types';
import { passesFilterRules } from '../../../shared/globus-filter-rules';
import { AppError } from '../kernel';

export type Lister = (collectionId: string, path: string) => Promise<readonly DirEntry[]>;

export interface PreviewLimits {
  /** Folders listed per side at most. */
  readonly folders: number;
  /** Files kept in each list shown (counts and bytes cover everything walked). */
  readonly shown: number;
}

const defaultLimits: PreviewLimits = { folders: 400, shown: 500 };

/** Filter-rule matching lives in `shared/` (the Globus emulator evaluates the same rules). */
export { globToRegExp, passesFilterRules as included } from '../../../shared/globus-filter-rules';

interface Walked {
  readonly files: Map<string, DirEntry>;
  readonly dirs: Set<string>;
  truncated: boolean;
}

const join = (dir: string, name: string) => `${dir.replace(/\/+$/, '')}/${name}`;
const isDir = (e: DirEntry) => e.type === 'dir';

/** Every file under `root`, by path relative to it; a missing root is an empty tree. */
async function walk(ls: Lister, collection: string, root: string, rules: readonly FilterRule[], budget: { folders: number }): Promise<Walked> {
  const out: Walked = { files: new Map(), dirs: new Set(), truncated: false };
  const queue = [''];
  while (queue.length > 0) {
    const rel = queue.shift() as string;
    if (budget.folders <= 0) {
      out.truncated = true;
      break;
    }
    budget.folders -= 1;
    let entries: readonly DirEntry[];
    try {
      entries = await ls(collection, `${join(root, rel).replace(/\/+$/, '')}/`);
    } catch (error) {
      if ((error as { kind?: string }).kind === 'not-found') continue;
      throw error;
    }
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (!passesFilterRules(rules, e.name, isDir(e) ? 'dir' : 'file')) continue;
      if (isDir(e)) {
        out.dirs.add(path);
        queue.push(path);
      } else out.files.set(path, e);
    }
  }
  return out;
}

/** Whether the sync level would copy `source` over `destination` (null: missing there). */
function wouldCopy(level: TransferRequest['syncLevel'], source: DirEntry, destination: DirEntry | undefined): boolean {
  if (!destination || level === undefined) return true;
  if (level === 0) return false;
  if (level === 1) return source.size !== destination.size;
  const time = (e: DirEntry) => (e.last_modified ? Date.parse(e.last_modified) : 0);
  if (level === 2) return time(source) > time(destination);
  // Checksums are compared by Globus at run time; a size or time difference is sure to copy.
  return source.size !== destination.size || time(source) !== time(destination);
}

/**
 * Lists both sides of a transfer now and says what it would copy and, with delete destination
 * extras, what it would delete. A bounded walk: `truncated` says the counts are a lower bound.
 */
export async function previewTransfer(ls: Lister, request: TransferRequest, limits: PreviewLimits = defaultLimits): Promise<TransferPreview> {
  const rules = request.filterRules ?? [];
  if (request.deleteDestinationExtra && !request.items.some((i) => i.recursive)) {
    throw new AppError('refused', 'MirrorNeedsFolder', 'Deleting destination extras only applies to folders; select a folder to mirror.');
  }
  const copy: PreviewFile[] = [];
  const remove: (PreviewFile & { type: 'file' | 'dir' })[] = [];
  let copyCount = 0;
  let copyBytes = 0;
  let removeCount = 0;
  let removeBytes = 0;
  let unchangedCount = 0;
  let truncated = false;
  const budget = { folders: limits.folders };
  const budgetDst = { folders: limits.folders };
  const parentCache = new Map<string, Promise<readonly DirEntry[]>>();
  const listParent = (collection: string, path: string) => {
    const parent = `${path.replace(/\/+$/, '').replace(/[^/]*$/, '')}`;
    const key = `${collection}:${parent}`;
    if (!parentCache.has(key)) parentCache.set(key, ls(collection, parent).catch(() => []));
    return parentCache.get(key) as Promise<readonly DirEntry[]>;
  };
  const baseName = (path: string) => path.replace(/\/+$/, '').replace(/^.*\//, '');
  const addCopy = (path: string, size: number) => {
    copyCount += 1;
    copyBytes += size;
    if (copy.length < limits.shown) copy.push({ path, size });
  };

  for (const item of request.items) {
    if (!item.recursive) {
      const src = (await listParent(request.source, item.sourcePath)).find((e) => e.name === baseName(item.sourcePath));
      if (!src) continue;
      const dst = (await listParent(request.destination, item.destinationPath)).find((e) => e.name === baseName(item.destinationPath));
      if (wouldCopy(request.syncLevel, src, dst)) addCopy(item.destinationPath, src.size);
      else unchangedCount += 1;
      continue;
    }
    const [src, dst] = await Promise.all([
      walk(ls, request.source, item.sourcePath, rules, budget),
      walk(ls, request.destination, item.destinationPath, rules, budgetDst),
    ]);
    truncated ||= src.truncated || dst.truncated;
    for (const [rel, entry] of src.files) {
      if (wouldCopy(request.syncLevel, entry, dst.files.get(rel))) addCopy(join(item.destinationPath, rel), entry.size);
      else unchangedCount += 1;
    }
    if (request.deleteDestinationExtra) {
      const goneDirs = [...dst.dirs].filter((d) => !src.dirs.has(d));
      const underGone = (rel: string) => goneDirs.some((d) => rel.startsWith(`${d}/`));
      for (const d of goneDirs.filter((d) => !underGone(d))) {
        removeCount += 1;
        if (remove.length < limits.shown) remove.push({ path: join(item.destinationPath, d), size: 0, type: 'dir' });
      }
      for (const [rel, entry] of dst.files) {
        if (src.files.has(rel)) continue;
        removeBytes += entry.size;
        if (underGone(rel)) continue;
        removeCount += 1;
        if (remove.length < limits.shown) remove.push({ path: join(item.destinationPath, rel), size: entry.size, type: 'file' });
      }
    }
  }
  return { copy, copyCount, copyBytes, remove, removeCount, removeBytes, unchangedCount, truncated };
}
