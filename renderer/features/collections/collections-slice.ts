import { RemoteError } from '../../../shared/errors';
import type { Bookmark } from '../../../shared/collections';
import type { CollectionSummary, DirEntry } from '../../../shared/globus-types';
import type { AppApi } from '../../../shared/ipc-contract';
import type { AppState, Attachable, SliceSet } from '../../store/types';

export type PaneId = 0 | 1;

export interface PaneState {
  readonly collection: CollectionSummary | null;
  readonly path: string;
  readonly entries: readonly DirEntry[];
  readonly loading: boolean;
  readonly error: string | null;
  readonly selected: readonly string[];
}

export interface ConsentNeeded {
  readonly collectionId: string;
  readonly pane: PaneId;
  readonly path: string;
  /** True once the consent sign-in started; the listing is retried when it completes. */
  readonly requested: boolean;
}

export interface CollectionsSlice extends Attachable {
  readonly query: string;
  readonly results: readonly CollectionSummary[];
  readonly searching: boolean;
  readonly bookmarks: readonly Bookmark[];
  readonly panes: readonly [PaneState, PaneState];
  readonly consent: ConsentNeeded | null;
  readonly lastSubmitted: { readonly taskId: string; readonly label: string } | null;
  search(text: string): Promise<void>;
  open(pane: PaneId, collection: CollectionSummary, path?: string): Promise<void>;
  list(pane: PaneId, path: string): Promise<void>;
  up(pane: PaneId): Promise<void>;
  toggle(pane: PaneId, name: string): void;
  mkdir(pane: PaneId, name: string): Promise<boolean>;
  bookmark(pane: PaneId): Promise<void>;
  removeBookmark(id: string): Promise<void>;
  openBookmark(pane: PaneId, bookmark: Bookmark): Promise<void>;
  /** Opens a collection folder by id (from Activity, say) in a pane and shows the Collections area. */
  openFolder(pane: PaneId, collectionId: string, path: string): Promise<void>;
  grantConsent(): Promise<void>;
  transfer(from: PaneId, label: string): Promise<string | null>;
}

const emptyPane: PaneState = { collection: null, path: '/', entries: [], loading: false, error: null, selected: [] };

export function joinPath(dir: string, name: string): string {
  return `${dir.endsWith('/') ? dir : `${dir}/`}${name}`;
}

export function parentPath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  return i <= 0 ? '/' : `${trimmed.slice(0, i)}/`;
}

/** The collection a refused call needs consent for ('' when Globus did not say), or null. */
function consentTarget(error: unknown): string | null {
  if (!(error instanceof RemoteError) || error.code !== 'ConsentRequired') return null;
  const ids = (error.details as { collectionIds?: unknown } | undefined)?.collectionIds;
  return Array.isArray(ids) && typeof ids[0] === 'string' ? ids[0] : '';
}

export function createCollectionsSlice(api: AppApi, set: SliceSet<'collections'>, get: () => AppState): CollectionsSlice {
  const setPane = (pane: PaneId, patch: Partial<PaneState>) =>
    set((s) => {
      const panes = [...s.panes] as [PaneState, PaneState];
      panes[pane] = { ...panes[pane], ...patch };
      return { panes };
    });
  const pane = (id: PaneId) => get().collections.panes[id];

  const list = async (id: PaneId, path: string) => {
    const collection = pane(id).collection;
    if (!collection) return;
    setPane(id, { loading: true, error: null, path });
    try {
      const listing = await api.collections.ls(collection.id, path);
      const entries = [...listing.entries].sort((a, b) => (a.type === 'dir') === (b.type === 'dir') ? a.name.localeCompare(b.name) : a.type === 'dir' ? -1 : 1);
      setPane(id, { entries, path: listing.path || path, loading: false, selected: [] });
      if (get().collections.consent?.pane === id) set({ consent: null });
    } catch (error) {
      const target = consentTarget(error);
      setPane(id, { loading: false, entries: [], error: error instanceof Error ? error.message : String(error) });
      if (target !== null) set({ consent: { collectionId: target || collection.id, pane: id, path, requested: false } });
    }
  };

  return {
    query: '',
    results: [],
    searching: false,
    bookmarks: [],
    panes: [emptyPane, emptyPane],
    consent: null,
    lastSubmitted: null,
    attach() {
      void api.collections.listBookmarks().then((bookmarks) => set({ bookmarks }), () => undefined);
      // After a consent sign-in completes, retry the listing that asked for it.
      return api.account.onStatus((status) => {
        const consent = get().collections.consent;
        if (consent?.requested && status.state === 'signed-in' && status.consentedCollections.includes(consent.collectionId)) {
          void list(consent.pane, consent.path);
        }
      });
    },
    async search(text) {
      set({ query: text, searching: true });
      try {
        set({ results: await api.collections.search(text) });
      } catch {
        set({ results: [] });
      } finally {
        set({ searching: false });
      }
    },
    async open(id, collection, path = '/~/') {
      setPane(id, { collection, entries: [], selected: [], error: null });
      await list(id, path);
    },
    list,
    up: (id) => list(id, parentPath(pane(id).path)),
    toggle(id, name) {
      const selected = pane(id).selected;
      setPane(id, { selected: selected.includes(name) ? selected.filter((n) => n !== name) : [...selected, name] });
    },
    async mkdir(id, name) {
      const p = pane(id);
      if (!p.collection) return false;
      try {
        await api.collections.mkdir(p.collection.id, joinPath(p.path, name));
      } catch {
        return false;
      }
      await list(id, p.path);
      return true;
    },
    async bookmark(id) {
      const p = pane(id);
      if (!p.collection) return;
      const bookmarks = await api.collections
        .addBookmark({ collectionId: p.collection.id, displayName: p.collection.display_name ?? p.collection.id, path: p.path })
        .catch(() => null);
      if (bookmarks) set({ bookmarks });
    },
    async removeBookmark(bookmarkId) {
      const bookmarks = await api.collections.removeBookmark(bookmarkId).catch(() => null);
      if (bookmarks) set({ bookmarks });
    },
    async openBookmark(id, b) {
      const collection = (await api.collections.get(b.collectionId).catch(() => null)) ?? { id: b.collectionId, display_name: b.displayName };
      await get().collections.open(id, collection, b.path);
    },
    async openFolder(id, collectionId, path) {
      get().nav.go('collections');
      const collection = (await api.collections.get(collectionId).catch(() => null)) ?? { id: collectionId, display_name: null };
      await get().collections.open(id, collection, path);
    },
    async grantConsent() {
      const consent = get().collections.consent;
      if (!consent) return;
      set({ consent: { ...consent, requested: true } });
      const status = await get().account.addConsent([consent.collectionId]);
      if (!status) set({ consent: { ...consent, requested: false } });
    },
    async transfer(from, label) {
      const source = pane(from);
      const destination = pane(from === 0 ? 1 : 0);
      if (!source.collection || !destination.collection || source.selected.length === 0) return null;
      const items = source.selected.map((name) => {
        const entry = source.entries.find((e) => e.name === name);
        return {
          sourcePath: joinPath(source.path, name),
          destinationPath: joinPath(destination.path, name),
          recursive: entry?.type === 'dir',
        };
      });
      try {
        const result = await api.transfers.submit({
          source: source.collection.id,
          destination: destination.collection.id,
          items,
          ...(label.trim() ? { label: label.trim() } : {}),
        });
        set({ lastSubmitted: { taskId: result.taskId, label: label.trim() } });
        setPane(from, { selected: [] });
        return result.taskId;
      } catch {
        return null;
      }
    },
  };
}

export const collectionsSelectors = {
  query: (s: AppState) => s.collections.query,
  results: (s: AppState) => s.collections.results,
  searching: (s: AppState) => s.collections.searching,
  bookmarks: (s: AppState) => s.collections.bookmarks,
  pane: (id: PaneId) => (s: AppState) => s.collections.panes[id],
  consent: (s: AppState) => s.collections.consent,
  lastSubmitted: (s: AppState) => s.collections.lastSubmitted,
  actions: (s: AppState) => s.collections,
};
