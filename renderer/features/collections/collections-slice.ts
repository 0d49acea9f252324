import { consentNeeded } from '../../../shared/errors';
import type { ActivityRow } from '../../../shared/activity';
import type { Bookmark, CollectionDetails, ThisComputer, TransferPreview, TransferRequest } from '../../../shared/collections';
import type { CollectionSummary, DirEntry } from '../../../shared/globus-types';
import type { AppApi } from '../../../shared/ipc-contract';
import type { AppState, Attachable, SliceSet } from '../../store/types';
import {
  defaultTransferForm,
  folderKey,
  footprintOf,
  formFromOptions,
  formOptions,
  joinPath,
  parentPath,
  parseCollectionId,
  pushRecent,
  taskTouches,
  transferBlocker,
  type PaneSort,
  type SelectMode,
  type SortKey,
  type TaskFootprint,
  type TransferForm,
} from './pane-model';
import { createLocalTransfers, defaultDownloadFolder, type PaneNotice } from './local-transfers';
import { createPaneSelection } from './pane-selection';
import { createFileOperations } from './file-operations';

export { joinPath, parentPath } from './pane-model';
export type { PaneNotice } from './local-transfers';

export type PaneId = 0 | 1;

export interface PaneState {
  readonly collection: CollectionSummary | null;
  readonly path: string;
  readonly entries: readonly DirEntry[];
  readonly loading: boolean;
  readonly error: string | null;
  readonly selected: readonly string[];
  /** Where a shift-click range starts. */
  readonly anchor: string | null;
  /** Filter the listing by name (part of it, any case). */
  readonly filter: string;
  readonly showHidden: boolean;
  readonly sort: PaneSort;
  /** What the pane says about the last drop or download it started (sending, refused, consent). */
  readonly notice: PaneNotice | null;
}

export interface ConsentNeeded {
  readonly collectionId: string;
  readonly pane: PaneId;
  readonly path: string;
  /** True once the consent sign-in started; the listing is retried when it completes. */
  readonly requested: boolean;
}

export interface PreviewState {
  /** The request it previews, as JSON: a changed selection or option makes it stale. */
  readonly key: string;
  readonly loading: boolean;
  readonly result: TransferPreview | null;
}

export interface CollectionsSlice extends Attachable {
  readonly query: string;
  /** What the search box holds (kept when moving between areas). */
  readonly searchText: string;
  /** The pane a search result or bookmark opens in. */
  readonly openIn: PaneId;
  readonly results: readonly CollectionSummary[];
  readonly searching: boolean;
  readonly bookmarks: readonly Bookmark[];
  /** Collections opened lately, newest first (for pickers). */
  readonly recent: readonly CollectionSummary[];
  /** This computer's bookmarks offered once for copying to Globus (empty: no offer). */
  readonly uploadOffer: readonly Bookmark[];
  /** Copies them to Globus (true) or keeps them here (false); not asked again either way. */
  answerUploadOffer(copy: boolean): Promise<void>;
  /** This computer's Globus Connect Personal collection: undefined until asked, null when none. */
  readonly thisComputer: ThisComputer | null | undefined;
  readonly panes: readonly [PaneState, PaneState];
  readonly consent: ConsentNeeded | null;
  readonly lastSubmitted: { readonly taskId: string; readonly label: string; readonly kind: 'transfer' | 'delete' } | null;
  readonly direction: PaneId;
  readonly label: string;
  readonly form: TransferForm;
  readonly preview: PreviewState | null;
  /** Whether each collection opened allows HTTPS access (downloads to this computer); absent while asked. */
  /** Each collection's HTTPS server (`https_server`), null when it allows no HTTPS access; absent: not known yet. */
  readonly httpsAccess: Readonly<Record<string, string | null>>;
  /** The local folder the last download went to ('' until one did). */
  readonly downloadFolder: string;
  /** Local files dropped on a pane: the drag's `text/uri-list` paths, else the host's paths for its files. */
  sendDropped(pane: PaneId, uriList: string, files: readonly unknown[]): Promise<void>;
  /** Sends local files to the pane's folder: a Globus task from This computer, or an HTTPS upload. */
  sendLocal(pane: PaneId, paths: readonly string[]): Promise<void>;
  /** Downloads the pane's selected files over HTTPS into a local folder; true when it started. */
  downloadSelected(pane: PaneId, folder: string): Promise<boolean>;
  /** Gives the consent a pane's notice asks for; what waited for it runs again. */
  grantNoticeConsent(pane: PaneId): Promise<void>;
  dismissNotice(pane: PaneId): void;
  setSearchText(text: string): void;
  setOpenIn(pane: PaneId): void;
  search(text: string): Promise<void>;
  /**
   * For a collection picker: a pasted id (or web app link) resolves to its collection, other text
   * searches by name. Does not touch the Collections area's own results.
   */
  findCollections(text: string): Promise<readonly CollectionSummary[]>;
  /** For a path picker: the folders in a collection's folder (and that folder's absolute path). */
  browseFolders(collectionId: string, path: string): Promise<{ readonly path: string; readonly folders: readonly string[] }>;
  open(pane: PaneId, collection: CollectionSummary, path?: string): Promise<void>;
  list(pane: PaneId, path: string): Promise<void>;
  /** Lists the pane's folder again, keeping the selection of what is still there. */
  refresh(pane: PaneId): Promise<void>;
  up(pane: PaneId): Promise<void>;
  toggle(pane: PaneId, name: string): void;
  select(pane: PaneId, name: string, mode: SelectMode): void;
  selectAll(pane: PaneId, on: boolean): void;
  /** Keyboard: moves the selection up or down the shown entries; `extend` (shift) grows a range. */
  moveSelection(pane: PaneId, by: 1 | -1, extend: boolean): void;
  setFilter(pane: PaneId, text: string): void;
  setShowHidden(pane: PaneId, on: boolean): void;
  sortBy(pane: PaneId, key: SortKey): void;
  mkdir(pane: PaneId, name: string): Promise<boolean>;
  rename(pane: PaneId, from: string, to: string): Promise<boolean>;
  /** Starts a Globus delete task for the pane's selection; resolves to its task id. */
  deleteSelected(pane: PaneId): Promise<string | null>;
  bookmark(pane: PaneId): Promise<void>;
  /** The collection document in plain words, for the details panel (not kept in the store). */
  details(collectionId: string): Promise<CollectionDetails>;
  removeBookmark(id: string): Promise<void>;
  openBookmark(pane: PaneId, bookmark: Bookmark): Promise<void>;
  /** Opens a collection folder by id (from Activity, say) in a pane and shows the Collections area. */
  openFolder(pane: PaneId, collectionId: string, path: string): Promise<void>;
  grantConsent(): Promise<void>;
  setDirection(from: PaneId): void;
  setLabel(label: string): void;
  setForm(patch: Partial<TransferForm>): void;
  /** Why a transfer from `from` cannot start now, or null. */
  transferBlocker(from: PaneId): string | null;
  /** The transfer request the panes and form make now, or null when one cannot start. */
  requestFor(from: PaneId): TransferRequest | null;
  /** Lists both sides and shows what the transfer would copy and, for a mirror, delete. */
  previewTransfer(from: PaneId): Promise<void>;
  /** A mirror (delete destination extras) needs a preview of this very request before it is sent. */
  needsPreview(from: PaneId): boolean;
  transfer(from: PaneId, label?: string): Promise<string | null>;
}

const emptyPane: PaneState = {
  collection: null,
  path: '/',
  entries: [],
  loading: false,
  error: null,
  selected: [],
  anchor: null,
  filter: '',
  showHidden: false,
  sort: { key: 'name', direction: 'asc' },
  notice: null,
};

const ended = (status: ActivityRow['status']) => status === 'SUCCEEDED' || status === 'FAILED';

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createCollectionsSlice(api: AppApi, set: SliceSet<'collections'>, get: () => AppState): CollectionsSlice {
  const setPane = (pane: PaneId, patch: Partial<PaneState>) =>
    set((s) => {
      const panes = [...s.panes] as [PaneState, PaneState];
      panes[pane] = { ...panes[pane], ...patch };
      return { panes };
    });
  const pane = (id: PaneId) => get().collections.panes[id];
  /** Tasks started here, by id: the folders each changes. */
  const footprints = new Map<string, TaskFootprint>();
  /** Tasks whose end was already handled. */
  const handled = new Set<string>();
  let attachedAt = Date.now();
  let defaultsFor = '';
  const selection = createPaneSelection(pane, setPane, () => get().collections);
  const fileOperations = createFileOperations({
    api,
    pane,
    setPane,
    list: (id, path) => list(id, path, true),
    deleteStarted(taskId, footprint) {
      footprints.set(taskId, footprint);
      set({ lastSubmitted: { taskId, label: '', kind: 'delete' } });
    },
  });
  const local = createLocalTransfers({
    api,
    get,
    pane,
    setNotice: (id, notice) => setPane(id, { notice }),
    setDownloadFolder: (downloadFolder) => set({ downloadFolder }),
    taskStarted(taskId, footprint) {
      footprints.set(taskId, footprint);
      set({ lastSubmitted: { taskId, label: '', kind: 'transfer' } });
    },
    relist: (id) => void list(id, pane(id).path, true),
  });
  /** Asks once per collection whether it allows HTTPS access (its details name an HTTPS server). */
  const learnHttpsAccess = (collectionId: string) => {
    if (collectionId in get().collections.httpsAccess) return;
    void api.collections.details(collectionId).then(
      (d) => set((s) => ({ httpsAccess: { ...s.httpsAccess, [collectionId]: d.httpsServer } })),
      () => undefined,
    );
  };

  const list = async (id: PaneId, path: string, keepSelection = false) => {
    const collection = pane(id).collection;
    if (!collection) return;
    setPane(id, { loading: true, error: null, path });
    try {
      const listing = await api.collections.ls(collection.id, path);
      if (pane(id).collection?.id !== collection.id) return;
      const names = new Set(listing.entries.map((e) => e.name));
      const selected = keepSelection ? pane(id).selected.filter((n) => names.has(n)) : [];
      setPane(id, { entries: listing.entries, path: listing.path || path, loading: false, selected, ...(keepSelection ? {} : { anchor: null }) });
      if (get().collections.consent?.pane === id) set({ consent: null });
    } catch (error) {
      const needed = consentNeeded(error);
      const target = needed ? (needed.collectionIds[0] ?? '') : null;
      setPane(id, { loading: false, entries: [], error: message(error) });
      if (target !== null) set({ consent: { collectionId: target || collection.id, pane: id, path, requested: false } });
    }
  };

  /** Loads the remembered options for the current direction's collection pair, once per pair. */
  const loadDefaults = async () => {
    const { direction, panes } = get().collections;
    const source = panes[direction].collection;
    const destination = panes[direction === 0 ? 1 : 0].collection;
    if (!source || !destination) return;
    const key = `${source.id}|${destination.id}`;
    if (key === defaultsFor) return;
    defaultsFor = key;
    const saved = await api.transfers.getDefaults(source.id, destination.id).catch(() => null);
    if (defaultsFor === key) set({ form: formFromOptions(saved) });
  };

  const onTaskEnded = (rows: readonly ActivityRow[]) => {
    const relist = new Set<PaneId>();
    for (const row of rows) {
      if (!ended(row.status) || handled.has(row.task_id)) continue;
      handled.add(row.task_id);
      const footprint = footprints.get(row.task_id);
      footprints.delete(row.task_id);
      // Old tasks the first snapshot brings are not news.
      if (!footprint && row.completion_time && Date.parse(row.completion_time) < attachedAt - 60_000) continue;
      for (const id of [0, 1] as const) {
        const p = pane(id);
        if (p.collection && taskTouches(row, footprint, p.collection.id, p.path)) relist.add(id);
      }
    }
    for (const id of relist) void list(id, pane(id).path, true);
  };

  return {
    query: '',
    searchText: '',
    openIn: 0,
    results: [],
    searching: false,
    bookmarks: [],
    recent: [],
    thisComputer: undefined,
    uploadOffer: [],
    async answerUploadOffer(copy) {
      const bookmarks = await api.collections.answerBookmarkUpload(copy);
      set({ bookmarks, uploadOffer: [] });
    },
    panes: [emptyPane, emptyPane],
    consent: null,
    lastSubmitted: null,
    direction: 0,
    label: '',
    form: defaultTransferForm,
    preview: null,
    httpsAccess: {},
    downloadFolder: '',
    sendDropped: local.sendDropped,
    sendLocal: local.sendLocal,
    downloadSelected: local.downloadSelected,
    grantNoticeConsent: local.grantNoticeConsent,
    dismissNotice: (id) => setPane(id, { notice: null }),
    attach() {
      attachedAt = Date.now();
      const findThisComputer = () => void api.collections.thisComputer().then((thisComputer) => set({ thisComputer }), () => set({ thisComputer: null }));
      findThisComputer();
      void api.collections.listBookmarks().then((bookmarks) => set({ bookmarks }), () => undefined);
      void api.collections.bookmarkUploadOffer().then((uploadOffer) => set({ uploadOffer }), () => undefined);
      const offs = [
        // After a consent sign-in completes, retry the listing that asked for it.
        api.account.onStatus((status) => {
          local.accountChanged(status);
          if (status.state === 'signed-in') void api.collections.bookmarkUploadOffer().then((uploadOffer) => set({ uploadOffer }), () => undefined);
          // Signed in, Globus can name this computer's collection.
          const here = get().collections.thisComputer;
          if (status.state === 'signed-in' && here && here.displayName === null) findThisComputer();
          const consent = get().collections.consent;
          if (consent?.requested && status.state === 'signed-in' && status.consentedCollections.includes(consent.collectionId)) {
            void list(consent.pane, consent.path);
          }
        }),
        // A task that wrote into or deleted from a folder a pane shows: that pane lists again.
        api.activity.onTaskEnded((e) => onTaskEnded([e.row])),
        api.activity.onDelta((d) => onTaskEnded(d.upserted)),
        // An upload that wrote a file into a folder a pane shows: that pane lists again.
        api.https.onChanged((t) => local.httpsChanged(t)),
      ];
      return () => offs.forEach((off) => off());
    },
    setSearchText: (searchText) => set({ searchText }),
    setOpenIn: (openIn) => set({ openIn }),
    async search(text) {
      set({ query: text, searchText: text, searching: true });
      try {
        set({ results: await api.collections.search(text) });
      } catch {
        set({ results: [] });
      } finally {
        set({ searching: false });
      }
    },
    async findCollections(text) {
      const id = parseCollectionId(text);
      if (id) {
        const found = await api.collections.get(id).catch(() => null);
        return [found ?? { id, display_name: null }];
      }
      if (!text.trim()) return [];
      return api.collections.search(text.trim()).catch(() => []);
    },
    async browseFolders(collectionId, path) {
      const listing = await api.collections.ls(collectionId, path);
      const folders = listing.entries
        .filter((e) => e.type === 'dir')
        .map((e) => e.name)
        .sort((x, y) => x.localeCompare(y));
      return { path: listing.path || path, folders };
    },
    async open(id, collection, path = '/~/') {
      set((s) => ({ recent: pushRecent(s.recent, collection) }));
      setPane(id, { collection, entries: [], selected: [], anchor: null, filter: '', error: null, notice: null });
      learnHttpsAccess(collection.id);
      void loadDefaults();
      await list(id, path);
    },
    list: (id, path) => list(id, path),
    refresh: (id) => list(id, pane(id).path, true),
    up: (id) => list(id, parentPath(pane(id).path)),
    ...selection,
    ...fileOperations,
    details: (collectionId) => api.collections.details(collectionId),
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
    setDirection(direction) {
      set({ direction });
      void loadDefaults();
    },
    setLabel: (label) => set({ label }),
    setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
    transferBlocker(from) {
      const s = get();
      const source = s.collections.panes[from];
      const destination = s.collections.panes[from === 0 ? 1 : 0];
      return transferBlocker({
        signedIn: s.account.status?.state === 'signed-in',
        source,
        destination,
        consentFor: s.collections.consent?.collectionId ?? null,
      });
    },
    requestFor(from) {
      if (get().collections.transferBlocker(from) !== null) return null;
      const source = pane(from);
      const destination = pane(from === 0 ? 1 : 0);
      if (!source.collection || !destination.collection) return null;
      const { form, label } = get().collections;
      const items = source.selected.map((name) => ({
        sourcePath: joinPath(source.path, name),
        destinationPath: joinPath(destination.path, name),
        recursive: source.entries.find((e) => e.name === name)?.type === 'dir',
      }));
      return {
        source: source.collection.id,
        destination: destination.collection.id,
        items,
        ...formOptions(form),
        ...(form.deadline && !Number.isNaN(Date.parse(form.deadline)) ? { deadline: new Date(form.deadline).toISOString() } : {}),
        ...(label.trim() ? { label: label.trim() } : {}),
      };
    },
    async previewTransfer(from) {
      const request = get().collections.requestFor(from);
      if (!request) return;
      const key = previewKey(request);
      set({ preview: { key, loading: true, result: null } });
      try {
        const result = await api.transfers.preview(request);
        if (get().collections.preview?.key === key) set({ preview: { key, loading: false, result } });
      } catch {
        // The error toast says why.
        if (get().collections.preview?.key === key) set({ preview: null });
      }
    },
    needsPreview(from) {
      const c = get().collections;
      if (!c.form.deleteDestinationExtra) return false;
      const request = c.requestFor(from);
      return request !== null && (c.preview?.result == null || c.preview.key !== previewKey(request));
    },
    async transfer(from, labelArg) {
      if (labelArg !== undefined) set({ label: labelArg });
      const request = get().collections.requestFor(from);
      if (!request || get().collections.needsPreview(from)) return null;
      const { form } = get().collections;
      const options = formOptions(form);
      try {
        const result = await api.transfers.submit(request);
        footprints.set(
          result.taskId,
          footprintOf(
            request.destination,
            request.items.map((i) => ({ path: i.destinationPath, recursive: i.recursive })),
          ),
        );
        set({ lastSubmitted: { taskId: result.taskId, label: request.label ?? '', kind: 'transfer' }, label: '', preview: null });
        setPane(from, { selected: [], anchor: null });
        void api.transfers.saveDefaults(request.source, request.destination, options).catch(() => undefined);
        return result.taskId;
      } catch {
        // The error toast says why.
        return null;
      }
    },
  };
}

/** A request without its label and deadline: what a preview depends on. */
function previewKey(request: TransferRequest): string {
  const { label: _label, deadline: _deadline, ...rest } = request;
  return JSON.stringify(rest);
}

export const collectionsSelectors = {
  query: (s: AppState) => s.collections.query,
  searchText: (s: AppState) => s.collections.searchText,
  openIn: (s: AppState) => s.collections.openIn,
  results: (s: AppState) => s.collections.results,
  searching: (s: AppState) => s.collections.searching,
  bookmarks: (s: AppState) => s.collections.bookmarks,
  recent: (s: AppState) => s.collections.recent,
  thisComputer: (s: AppState) => s.collections.thisComputer,
  uploadOffer: (s: AppState) => s.collections.uploadOffer,
  pane: (id: PaneId) => (s: AppState) => s.collections.panes[id],
  consent: (s: AppState) => s.collections.consent,
  lastSubmitted: (s: AppState) => s.collections.lastSubmitted,
  direction: (s: AppState) => s.collections.direction,
  label: (s: AppState) => s.collections.label,
  form: (s: AppState) => s.collections.form,
  /** Why a transfer in the chosen direction cannot start, or null (a string: stable for React). */
  transferBlocker: (s: AppState) => s.collections.transferBlocker(s.collections.direction),
  needsPreview: (s: AppState) => s.collections.needsPreview(s.collections.direction),
  preview: (s: AppState) => s.collections.preview,
  httpsAccess: (id: string) => (s: AppState) => s.collections.httpsAccess[id],
  downloadFolder: (s: AppState) => s.collections.downloadFolder,
  /** The folder a download form offers first (a string: stable for React). */
  defaultDownloadFolder: (s: AppState) => defaultDownloadFolder(s.collections.downloadFolder, s.collections.thisComputer?.folders ?? [], s.app.info?.dataDir ?? null),
  actions: (s: AppState) => s.collections,
};

export { folderKey };
