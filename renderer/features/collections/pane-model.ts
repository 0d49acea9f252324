/**
 * Pure rules of a collection pane: what it shows (hidden files, name filter, sort), how a click
 * selects, why a transfer cannot start, what a transfer form becomes, and which panes a task that
 * ended touched. No store, no DOM: the slice and the view use these, the tests check them.
 */
import type { ActivityRow } from '../../../shared/activity';
import type { FilterRule, TransferOptionsInput } from '../../../shared/collections';
import type { CollectionSummary, DirEntry } from '../../../shared/globus-types';

export type SortKey = 'name' | 'size' | 'modified' | 'type';
export interface PaneSort {
  readonly key: SortKey;
  readonly direction: 'asc' | 'desc';
}

export interface PaneView {
  readonly entries: readonly DirEntry[];
  readonly filter: string;
  readonly showHidden: boolean;
  readonly sort: PaneSort;
}

export function joinPath(dir: string, name: string): string {
  return `${dir.endsWith('/') ? dir : `${dir}/`}${name}`;
}

export function parentPath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  return i <= 0 ? '/' : `${trimmed.slice(0, i)}/`;
}

/** A folder path with exactly one trailing slash. */
export function folderKey(path: string): string {
  return `${path.replace(/\/+$/, '')}/`;
}

/** Breadcrumbs for a path: `/a/b/` → `/`, `/a/`, `/a/b/`. */
export function breadcrumbs(path: string): readonly { readonly name: string; readonly path: string }[] {
  const parts = path.split('/').filter(Boolean);
  const crumbs = [{ name: '/', path: '/' }];
  let at = '/';
  for (const part of parts) {
    at = `${at}${part}/`;
    crumbs.push({ name: part, path: at });
  }
  return crumbs;
}

/** The entries a pane shows, in order: hidden ones only on request, the name filter, folders first, then the sort. */
export function visibleEntries(view: PaneView): readonly DirEntry[] {
  const needle = view.filter.trim().toLowerCase();
  const shown = view.entries.filter((e) => (view.showHidden || !e.name.startsWith('.')) && (!needle || e.name.toLowerCase().includes(needle)));
  const sign = view.sort.direction === 'asc' ? 1 : -1;
  const time = (e: DirEntry) => (e.last_modified ? Date.parse(e.last_modified) : 0);
  const compare = (a: DirEntry, b: DirEntry): number => {
    switch (view.sort.key) {
      case 'size':
        return a.size - b.size;
      case 'modified':
        return time(a) - time(b);
      case 'type':
        return a.type.localeCompare(b.type);
      default:
        return 0;
    }
  };
  return [...shown].sort((a, b) => {
    const dirs = (a.type === 'dir' ? 0 : 1) - (b.type === 'dir' ? 0 : 1);
    if (dirs !== 0) return dirs;
    return sign * (compare(a, b) || a.name.localeCompare(b.name));
  });
}

export type SelectMode = 'only' | 'toggle' | 'range';

/** The selection after a click: plain (only this), ctrl/cmd (toggle this), shift (the range from the anchor). */
export function selectAfterClick(
  order: readonly string[],
  selected: readonly string[],
  anchor: string | null,
  name: string,
  mode: SelectMode,
): { readonly selected: readonly string[]; readonly anchor: string } {
  if (mode === 'toggle') return { selected: selected.includes(name) ? selected.filter((n) => n !== name) : [...selected, name], anchor: name };
  if (mode === 'range' && anchor !== null && order.includes(anchor)) {
    const [a, b] = [order.indexOf(anchor), order.indexOf(name)].sort((x, y) => x - y) as [number, number];
    return { selected: order.slice(a, b + 1), anchor };
  }
  return { selected: [name], anchor: name };
}

export interface TransferPanes {
  readonly signedIn: boolean;
  readonly source: { readonly collection: CollectionSummary | null; readonly path: string; readonly selected: readonly string[] };
  readonly destination: { readonly collection: CollectionSummary | null; readonly path: string };
  /** A collection Globus still needs consent for, if any. */
  readonly consentFor: string | null;
}

/** Why "Start transfer" cannot run now, in words for the person; null when it can. */
export function transferBlocker(p: TransferPanes): string | null {
  if (!p.signedIn) return 'Sign in to Globus first.';
  if (!p.source.collection || !p.destination.collection) return 'Open a collection in both panes.';
  if (p.consentFor !== null) return 'Give Globus consent for this collection first.';
  if (p.source.selected.length === 0) return 'Select the files or folders to send.';
  if (p.source.collection.id === p.destination.collection.id && folderKey(p.source.path) === folderKey(p.destination.path)) {
    return 'Both panes show the same folder; open another folder on one side.';
  }
  return null;
}

/** The transfer form: every Globus option with the value the form shows (Globus' defaults to start). */
export interface TransferForm {
  /** null: copy every file; 0–3: skip files that already match by existence, size, time or checksum. */
  readonly syncLevel: 0 | 1 | 2 | 3 | null;
  readonly verifyChecksum: boolean;
  readonly preserveTimestamp: boolean;
  readonly encrypt: boolean;
  readonly deleteDestinationExtra: boolean;
  readonly failOnQuotaErrors: boolean;
  readonly skipSourceErrors: boolean;
  readonly filterRules: readonly FilterRule[];
  /** A `datetime-local` value ('' = Globus' default, 24 hours). Not remembered. */
  readonly deadline: string;
  readonly notifyOnSucceeded: boolean;
  readonly notifyOnFailed: boolean;
  readonly notifyOnInactive: boolean;
}

export const defaultTransferForm: TransferForm = {
  syncLevel: null,
  verifyChecksum: true,
  preserveTimestamp: false,
  encrypt: false,
  deleteDestinationExtra: false,
  failOnQuotaErrors: false,
  skipSourceErrors: false,
  filterRules: [],
  deadline: '',
  notifyOnSucceeded: true,
  notifyOnFailed: true,
  notifyOnInactive: true,
};

/** The options a form sends and remembers (the deadline is sent, never remembered). */
export function formOptions(form: TransferForm): TransferOptionsInput {
  return {
    ...(form.syncLevel !== null ? { syncLevel: form.syncLevel } : {}),
    verifyChecksum: form.verifyChecksum,
    preserveTimestamp: form.preserveTimestamp,
    encrypt: form.encrypt,
    deleteDestinationExtra: form.deleteDestinationExtra,
    failOnQuotaErrors: form.failOnQuotaErrors,
    skipSourceErrors: form.skipSourceErrors,
    filterRules: form.filterRules.filter((r) => r.name.trim() !== '').map((r) => ({ ...r, name: r.name.trim() })),
    notifyOnSucceeded: form.notifyOnSucceeded,
    notifyOnFailed: form.notifyOnFailed,
    notifyOnInactive: form.notifyOnInactive,
  };
}

/** A form from remembered options (what was not remembered keeps Globus' default). */
export function formFromOptions(options: TransferOptionsInput | null): TransferForm {
  if (!options) return defaultTransferForm;
  const d = defaultTransferForm;
  return {
    syncLevel: options.syncLevel ?? null,
    verifyChecksum: options.verifyChecksum ?? d.verifyChecksum,
    preserveTimestamp: options.preserveTimestamp ?? d.preserveTimestamp,
    encrypt: options.encrypt ?? d.encrypt,
    deleteDestinationExtra: options.deleteDestinationExtra ?? d.deleteDestinationExtra,
    failOnQuotaErrors: options.failOnQuotaErrors ?? d.failOnQuotaErrors,
    skipSourceErrors: options.skipSourceErrors ?? d.skipSourceErrors,
    filterRules: options.filterRules ?? [],
    deadline: '',
    notifyOnSucceeded: options.notifyOnSucceeded ?? d.notifyOnSucceeded,
    notifyOnFailed: options.notifyOnFailed ?? d.notifyOnFailed,
    notifyOnInactive: options.notifyOnInactive ?? d.notifyOnInactive,
  };
}

/** Folders a task Ferry started from a pane changes: the folders it writes into or deletes from, and recursive trees. */
export interface TaskFootprint {
  readonly collectionId: string;
  /** Folder keys whose listing changes. */
  readonly folders: readonly string[];
  /** Folder keys of recursive items: anything under them changes too. */
  readonly trees: readonly string[];
}

export function footprintOf(collectionId: string, items: readonly { readonly path: string; readonly recursive: boolean }[]): TaskFootprint {
  return {
    collectionId,
    folders: [...new Set(items.map((i) => folderKey(parentPath(i.path))))],
    trees: items.filter((i) => i.recursive).map((i) => folderKey(i.path)),
  };
}

/**
 * Whether a pane showing `collectionId` at `path` should re-list after the task in `row` ended.
 * A task Ferry started here has a footprint (exact folders); any other task is matched by its
 * collection: the destination of a transfer, the collection of a delete.
 */
export function taskTouches(row: ActivityRow, footprint: TaskFootprint | undefined, collectionId: string, path: string): boolean {
  if (footprint) {
    if (footprint.collectionId !== collectionId) return false;
    const key = folderKey(path);
    return footprint.folders.includes(key) || footprint.trees.some((t) => key.startsWith(t));
  }
  return (row.type === 'DELETE' ? row.source_id : row.destination_id) === collectionId;
}

/** A pasted collection id (a UUID, alone or inside a Globus web app link), lower-cased; null if none. */
export function parseCollectionId(text: string): string | null {
  const match = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(text.trim());
  return match ? match[0].toLowerCase() : null;
}

/** The recent list with `c` first, without duplicates, at most `max` long. */
export function pushRecent(list: readonly CollectionSummary[], c: CollectionSummary, max = 10): readonly CollectionSummary[] {
  return [c, ...list.filter((x) => x.id !== c.id)].slice(0, max);
}

/** The folders of this machine a collection serves, as the Globus endpoints file says (one per entry naming it). */
export function servedFolders(
  rows: readonly { readonly uuid: string; readonly endpointPath: string; readonly localPath: string }[],
  collectionId: string,
): { readonly endpointPath: string; readonly localPath: string }[] {
  const id = collectionId.trim().toLowerCase();
  if (!id) return [];
  return rows
    .filter((r) => r.uuid.trim().toLowerCase() === id && r.localPath.trim() !== '')
    .map((r) => ({ endpointPath: r.endpointPath.trim() || '/', localPath: r.localPath.trim() }));
}
