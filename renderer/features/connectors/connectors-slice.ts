import type {
  CollectionNames,
  ConnectorDefaults,
  ConnectorDraft,
  ConnectorKind,
  ConnectorsCheck,
  ConnectorsState,
  EndpointRow,
  EndpointsCheck,
  EndpointsState,
  PutProgress,
  PutTags,
  RouteQueryInput,
  RouteView,
  StagedFile,
  StoredKey,
} from '../../../shared/contract/connectors';
import type { AppApi } from '../../../shared/ipc-contract';
import type { AppState, Attachable, SliceSet } from '../../store/types';

export const CONNECTOR_PATHS = {
  file: 'proxystore.connectors.file.FileConnector',
  local: 'proxystore.connectors.local.LocalConnector',
  globus: 'proxystore.connectors.globus.GlobusConnector',
  endpoint: 'proxystore.connectors.endpoint.EndpointConnector',
} as const;
export type NewConnectorKind = keyof typeof CONNECTOR_PATHS;

export interface StageItem extends StagedFile {
  readonly id: string;
  readonly progress: PutProgress | null;
}

export interface KeyStatus {
  readonly busy: boolean;
  readonly exists: boolean | null;
  /** Where the last get-to-file wrote the object. */
  readonly gotTo: string | null;
  readonly error: string | null;
}

export interface ConnectorsSlice extends Attachable {
  readonly ready: boolean;
  readonly hostname: string;

  readonly endpointRows: readonly EndpointRow[];
  readonly endpointsSaved: readonly EndpointRow[];
  readonly endpointsCheck: EndpointsCheck | null;
  readonly endpointsFile: string;
  /** Why the last import or the saved file could not be read (shown inline). */
  readonly endpointsError: string | null;
  /** Bumped when the rows are replaced (load, import, revert) so inputs start over. */
  readonly endpointsEpoch: number;
  readonly collectionNames: CollectionNames;

  readonly drafts: readonly ConnectorDraft[];
  readonly draftsSaved: readonly ConnectorDraft[];
  readonly draftsCheck: ConnectorsCheck | null;
  readonly connectorsFile: string;
  readonly connectorsError: string | null;
  readonly draftsEpoch: number;
  readonly defaults: ConnectorDefaults;
  readonly routeQuery: RouteQueryInput;
  readonly route: RouteView | null;

  readonly stage: readonly StageItem[];
  readonly stageTags: PutTags;
  readonly signedIn: boolean;
  readonly putting: boolean;
  readonly keys: readonly StoredKey[];
  readonly keyStatus: { readonly [keyId: string]: KeyStatus };
  readonly dragging: boolean;

  loadEndpoints(): Promise<void>;
  editEndpoint(index: number, patch: Partial<EndpointRow>): void;
  addEndpoint(): void;
  removeEndpoint(index: number): void;
  revertEndpoints(): void;
  saveEndpoints(): Promise<boolean>;
  importEndpoints(text: string): Promise<boolean>;
  /** The saved set as ProxyStore JSON text (for a download), or null when it cannot be exported. */
  exportEndpoints(): Promise<string | null>;

  loadConnectors(): Promise<void>;
  addConnector(kind: NewConnectorKind): void;
  editDraft(index: number, draft: ConnectorDraft): void;
  removeDraft(index: number): void;
  revertDrafts(): void;
  saveDrafts(): Promise<boolean>;
  importConfig(text: string): Promise<boolean>;
  exportConfig(): Promise<string | null>;
  setRouteQuery(query: RouteQueryInput): void;

  setDragging(dragging: boolean): void;
  /** Resolves dropped or picked files to paths through the host, stages them and shows the Stage. */
  stageFiles(files: readonly unknown[]): Promise<void>;
  stagePaths(paths: readonly string[]): Promise<void>;
  unstage(id: string): void;
  clearStage(): void;
  setStageTags(tags: PutTags): void;
  putAll(): Promise<void>;
  refreshKeys(): Promise<void>;
  checkExists(keyId: string): Promise<void>;
  getToFile(keyId: string, destination: string | null): Promise<void>;
  evict(keyId: string): Promise<void>;
}

const emptyNames: CollectionNames = { signedIn: false, names: {} };
const noTags: PutTags = { subsetTags: [], supersetTags: [] };
const idleKey: KeyStatus = { busy: false, exists: null, gotTo: null, error: null };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sameRows(a: readonly unknown[], b: readonly unknown[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** ProxyStore's GlobusEndpoints dict of rows (what a GlobusConnector config holds). */
export function endpointsDictOf(rows: readonly EndpointRow[]): Record<string, { endpoint_path: string; local_path: string; host_regex: string }> {
  const out: Record<string, { endpoint_path: string; local_path: string; host_regex: string }> = {};
  for (const r of rows) out[r.uuid] = { endpoint_path: r.endpointPath, local_path: r.localPath, host_regex: r.hostRegex };
  return out;
}

function newDraft(kind: NewConnectorKind, name: string, defaults: ConnectorDefaults, endpoints: readonly EndpointRow[]): ConnectorDraft {
  const config = (() => {
    switch (kind) {
      case 'file':
        return { store_dir: defaults.fileStoreDir, clear: false };
      case 'local':
        return {};
      case 'globus':
        return { endpoints: endpointsDictOf(endpoints), clear: false };
      case 'endpoint':
        return { endpoints: [], proxystore_dir: null };
    }
  })();
  return {
    name,
    connectorPath: CONNECTOR_PATHS[kind],
    config,
    policy: { priority: 0, hostPattern: null, minSize: '0 B', maxSize: 'no limit', subsetTags: [], supersetTags: [] },
  };
}

export function createConnectorsSlice(api: AppApi, set: SliceSet<'connectors'>, get: () => AppState): ConnectorsSlice {
  const slice = () => get().connectors;
  let endpointsSeq = 0;
  let draftsSeq = 0;
  let routeSeq = 0;
  let namesKey = '';
  let nextId = 0;

  const lookUpNames = async (rows: readonly EndpointRow[]) => {
    const uuids = [...new Set(rows.map((r) => r.uuid.trim()).filter((u) => UUID.test(u)))].sort();
    const key = uuids.join(',');
    if (key === namesKey) return;
    namesKey = key;
    if (uuids.length === 0) return set({ collectionNames: { ...slice().collectionNames, names: {} } });
    try {
      const names = await api.connectors.collectionNames(uuids);
      if (namesKey === key) set({ collectionNames: names });
    } catch {
      namesKey = '';
    }
  };

  const checkEndpoints = async (rows: readonly EndpointRow[]) => {
    const seq = ++endpointsSeq;
    try {
      const check = await api.connectors.checkEndpoints(rows);
      if (seq === endpointsSeq) set({ endpointsCheck: check });
    } catch {
      // the toast says why
    }
    void lookUpNames(rows);
  };

  const applyEndpoints = (state: EndpointsState) => {
    endpointsSeq++;
    set((s) => ({
      hostname: state.hostname,
      endpointRows: state.rows,
      endpointsSaved: state.rows,
      endpointsCheck: state.check,
      endpointsFile: state.file,
      endpointsError: state.loadError,
      endpointsEpoch: s.endpointsEpoch + 1,
    }));
    void lookUpNames(state.rows);
  };

  const setRows = (rows: readonly EndpointRow[]) => {
    set({ endpointRows: rows });
    void checkEndpoints(rows);
  };

  const runRoute = async () => {
    const seq = ++routeSeq;
    const { routeQuery, drafts } = slice();
    if (drafts.length === 0) return set({ route: null });
    try {
      const route = await api.connectors.route(routeQuery, drafts);
      if (seq === routeSeq) set({ route });
    } catch {
      // the toast says why
    }
  };

  const checkDrafts = async (drafts: readonly ConnectorDraft[]) => {
    const seq = ++draftsSeq;
    try {
      const check = await api.connectors.check(drafts);
      if (seq === draftsSeq) set({ draftsCheck: check });
    } catch {
      // the toast says why
    }
  };

  const applyConnectors = (state: ConnectorsState) => {
    draftsSeq++;
    set((s) => ({
      hostname: state.hostname,
      drafts: state.drafts,
      draftsSaved: state.drafts,
      draftsCheck: state.check,
      connectorsFile: state.file,
      connectorsError: state.loadError,
      defaults: state.defaults,
      draftsEpoch: s.draftsEpoch + 1,
    }));
    void runRoute();
  };

  const setDrafts = (drafts: readonly ConnectorDraft[]) => {
    set({ drafts });
    void checkDrafts(drafts);
    void runRoute();
  };

  const setKeyStatus = (keyId: string, patch: Partial<KeyStatus>) =>
    set((s) => ({ keyStatus: { ...s.keyStatus, [keyId]: { ...(s.keyStatus[keyId] ?? idleKey), ...patch } } }));

  const inspect = async (paths: readonly string[]) => {
    const result = await api.connectors.inspect(paths, slice().stageTags);
    set({ signedIn: result.signedIn });
    return result.files;
  };

  return {
    ready: false,
    hostname: '',
    endpointRows: [],
    endpointsSaved: [],
    endpointsCheck: null,
    endpointsFile: '',
    endpointsError: null,
    endpointsEpoch: 0,
    collectionNames: emptyNames,
    drafts: [],
    draftsSaved: [],
    draftsCheck: null,
    connectorsFile: '',
    connectorsError: null,
    draftsEpoch: 0,
    defaults: { fileStoreDir: '' },
    routeQuery: { size: '3 MB', subsetTags: [], supersetTags: [] },
    route: null,
    stage: [],
    stageTags: noTags,
    signedIn: false,
    putting: false,
    keys: [],
    keyStatus: {},
    dragging: false,

    attach() {
      void Promise.all([slice().loadEndpoints(), slice().loadConnectors(), slice().refreshKeys()]).then(
        () => set({ ready: true }),
        () => set({ ready: true }),
      );
      const offs = [
        api.connectors.onPutProgress((p) =>
          set((s) => ({ stage: s.stage.map((item) => (item.id === p.id ? { ...item, progress: p } : item)) })),
        ),
        api.connectors.onKeysChanged((keys) => set({ keys })),
        api.account.onStatus((status) => {
          const signedIn = status.state === 'signed-in';
          if (signedIn === slice().signedIn) return;
          set({ signedIn });
          namesKey = '';
          void lookUpNames(slice().endpointRows);
          const paths = slice().stage.map((i) => i.path);
          if (paths.length > 0) void slice().stagePaths([]);
        }),
      ];
      return () => offs.forEach((off) => off());
    },

    async loadEndpoints() {
      applyEndpoints(await api.connectors.getEndpoints());
    },
    editEndpoint(index, patch) {
      setRows(slice().endpointRows.map((r, i) => (i === index ? { ...r, ...patch } : r)));
    },
    addEndpoint() {
      setRows([...slice().endpointRows, { uuid: '', endpointPath: '', localPath: '', hostRegex: '' }]);
    },
    removeEndpoint(index) {
      setRows(slice().endpointRows.filter((_, i) => i !== index));
    },
    revertEndpoints() {
      const rows = slice().endpointsSaved;
      set((s) => ({ endpointRows: rows, endpointsEpoch: s.endpointsEpoch + 1 }));
      void checkEndpoints(rows);
    },
    async saveEndpoints() {
      try {
        applyEndpoints(await api.connectors.saveEndpoints(slice().endpointRows));
        return true;
      } catch {
        return false;
      }
    },
    async importEndpoints(text) {
      try {
        applyEndpoints(await api.connectors.importEndpoints({ text }));
        return true;
      } catch (error) {
        set({ endpointsError: `The file was not imported: ${messageOf(error)}` });
        return false;
      }
    },
    async exportEndpoints() {
      try {
        return (await api.connectors.exportEndpoints()).text;
      } catch {
        return null;
      }
    },

    async loadConnectors() {
      applyConnectors(await api.connectors.get());
    },
    addConnector(kind) {
      const names = new Set(slice().drafts.map((d) => d.name));
      let name: string = kind;
      for (let i = 2; names.has(name); i++) name = `${kind}-${i}`;
      setDrafts([...slice().drafts, newDraft(kind, name, slice().defaults, slice().endpointsSaved)]);
    },
    editDraft(index, draft) {
      setDrafts(slice().drafts.map((d, i) => (i === index ? draft : d)));
    },
    removeDraft(index) {
      setDrafts(slice().drafts.filter((_, i) => i !== index));
    },
    revertDrafts() {
      const drafts = slice().draftsSaved;
      set((s) => ({ drafts, draftsEpoch: s.draftsEpoch + 1 }));
      void checkDrafts(drafts);
      void runRoute();
    },
    async saveDrafts() {
      try {
        applyConnectors(await api.connectors.save(slice().drafts));
        void slice().stagePaths([]);
        return true;
      } catch {
        return false;
      }
    },
    async importConfig(text) {
      try {
        applyConnectors(await api.connectors.importConfig({ text }));
        void slice().stagePaths([]);
        return true;
      } catch (error) {
        set({ connectorsError: `The file was not imported: ${messageOf(error)}` });
        return false;
      }
    },
    async exportConfig() {
      try {
        return (await api.connectors.exportConfig()).text;
      } catch {
        return null;
      }
    },
    setRouteQuery(query) {
      set({ routeQuery: query });
      void runRoute();
    },

    setDragging(dragging) {
      if (slice().dragging !== dragging) set({ dragging });
    },
    async stageFiles(files) {
      set({ dragging: false });
      if (files.length === 0) return;
      get().nav.go('stage');
      try {
        await slice().stagePaths(await api.files.pathsFor(files));
      } catch {
        // the toast says why
      }
    },
    /** Adds paths (already staged ones are re-inspected, e.g. after the policies changed). */
    async stagePaths(paths) {
      const current = slice().stage;
      const fresh = paths.filter((p) => !current.some((i) => i.path === p));
      const all = [...current.map((i) => i.path), ...fresh];
      if (all.length === 0) return;
      try {
        const files = await inspect(all);
        set((s) => {
          const byPath = new Map(s.stage.map((i) => [i.path, i]));
          return {
            stage: files.map((f) => {
              const old = byPath.get(f.path);
              return { ...f, id: old?.id ?? `staged-${++nextId}`, progress: old?.progress ?? null };
            }),
          };
        });
      } catch {
        // the toast says why
      }
    },
    unstage(id) {
      set((s) => ({ stage: s.stage.filter((i) => i.id !== id) }));
    },
    clearStage() {
      set({ stage: [] });
    },
    setStageTags(tags) {
      set({ stageTags: tags });
      void slice().stagePaths([]);
    },
    async putAll() {
      const items = slice().stage.filter((i) => i.error === null && i.progress?.state !== 'done');
      if (items.length === 0 || slice().putting) return;
      set((s) => ({
        putting: true,
        stage: s.stage.map((i) => (items.some((x) => x.id === i.id) ? { ...i, progress: null } : i)),
      }));
      try {
        const results = await api.connectors.put(
          items.map((i) => ({ id: i.id, path: i.path })),
          slice().stageTags,
        );
        // The result is the truth even when a progress event was missed.
        set((s) => ({
          stage: s.stage.map((item) => {
            const r = results.find((x) => x.id === item.id);
            if (!r) return item;
            const total = item.sizeBytes;
            return {
              ...item,
              progress: {
                id: item.id,
                path: item.path,
                state: r.error ? 'failed' : 'done',
                doneBytes: r.error ? (item.progress?.doneBytes ?? 0) : total,
                totalBytes: total,
                error: r.error,
              },
            };
          }),
        }));
        await slice().refreshKeys();
      } catch {
        // the toast says why
      } finally {
        set({ putting: false });
      }
    },
    async refreshKeys() {
      set({ keys: await api.connectors.keys() });
    },
    async checkExists(keyId) {
      setKeyStatus(keyId, { busy: true, error: null });
      try {
        const { exists } = await api.connectors.exists(keyId);
        setKeyStatus(keyId, { busy: false, exists });
      } catch (error) {
        setKeyStatus(keyId, { busy: false, error: messageOf(error) });
      }
    },
    async getToFile(keyId, destination) {
      setKeyStatus(keyId, { busy: true, error: null });
      try {
        const r = await api.connectors.getToFile(keyId, destination);
        setKeyStatus(keyId, { busy: false, gotTo: r.written ? r.path : null, exists: r.written, error: r.written ? null : 'The object no longer exists' });
      } catch (error) {
        setKeyStatus(keyId, { busy: false, error: messageOf(error) });
      }
    },
    async evict(keyId) {
      setKeyStatus(keyId, { busy: true, error: null });
      try {
        set({ keys: await api.connectors.evict(keyId) });
        set((s) => {
          const rest = { ...s.keyStatus };
          delete rest[keyId];
          return { keyStatus: rest };
        });
      } catch (error) {
        setKeyStatus(keyId, { busy: false, error: messageOf(error) });
      }
    },
  };
}

export interface OverallProgress {
  readonly doneBytes: number;
  readonly totalBytes: number;
  readonly done: number;
  readonly failed: number;
  readonly count: number;
}

let lastStage: readonly StageItem[] | null = null;
let lastOverall: OverallProgress | null = null;

/** Bytes and files done over every staged file that has started (memoized on the stage array). */
export function overallProgress(stage: readonly StageItem[]): OverallProgress | null {
  if (stage === lastStage) return lastOverall;
  const started = stage.filter((i) => i.progress !== null);
  const result =
    started.length === 0
      ? null
      : {
          doneBytes: started.reduce((n, i) => n + (i.progress?.state === 'done' ? i.sizeBytes : (i.progress?.doneBytes ?? 0)), 0),
          totalBytes: started.reduce((n, i) => n + i.sizeBytes, 0),
          done: started.filter((i) => i.progress?.state === 'done').length,
          failed: started.filter((i) => i.progress?.state === 'failed').length,
          count: started.length,
        };
  lastStage = stage;
  lastOverall = result;
  return result;
}

export function isDirty(a: readonly unknown[], b: readonly unknown[]): boolean {
  return !sameRows(a, b);
}

export const connectorsSelectors = {
  ready: (s: AppState) => s.connectors.ready,
  hostname: (s: AppState) => s.connectors.hostname,
  actions: (s: AppState) => s.connectors,
  endpointRows: (s: AppState) => s.connectors.endpointRows,
  endpointsCheck: (s: AppState) => s.connectors.endpointsCheck,
  endpointsError: (s: AppState) => s.connectors.endpointsError,
  endpointsFile: (s: AppState) => s.connectors.endpointsFile,
  endpointsEpoch: (s: AppState) => s.connectors.endpointsEpoch,
  endpointsDirty: (s: AppState) => isDirty(s.connectors.endpointRows, s.connectors.endpointsSaved),
  endpointsSaved: (s: AppState) => s.connectors.endpointsSaved,
  collectionNames: (s: AppState) => s.connectors.collectionNames,
  drafts: (s: AppState) => s.connectors.drafts,
  draftsCheck: (s: AppState) => s.connectors.draftsCheck,
  draftsEpoch: (s: AppState) => s.connectors.draftsEpoch,
  draftsDirty: (s: AppState) => isDirty(s.connectors.drafts, s.connectors.draftsSaved),
  connectorsError: (s: AppState) => s.connectors.connectorsError,
  connectorsFile: (s: AppState) => s.connectors.connectorsFile,
  routeQuery: (s: AppState) => s.connectors.routeQuery,
  route: (s: AppState) => s.connectors.route,
  stage: (s: AppState) => s.connectors.stage,
  stageTags: (s: AppState) => s.connectors.stageTags,
  overall: (s: AppState) => overallProgress(s.connectors.stage),
  signedIn: (s: AppState) => s.connectors.signedIn,
  putting: (s: AppState) => s.connectors.putting,
  keys: (s: AppState) => s.connectors.keys,
  keyStatus: (s: AppState) => s.connectors.keyStatus,
  dragging: (s: AppState) => s.connectors.dragging,
};

export type { ConnectorKind };
