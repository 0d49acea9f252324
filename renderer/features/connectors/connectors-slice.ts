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
  RouteQueryInput,
  RouteView,
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

/** The Connectors area: the Globus endpoints file and the MultiConnector policies with their route tester. */
export interface ConnectorsSlice extends Attachable {
  readonly ready: boolean;
  readonly hostname: string;

  readonly globusEndpointRows: readonly EndpointRow[];
  readonly globusEndpointsSaved: readonly EndpointRow[];
  readonly globusEndpointsCheck: EndpointsCheck | null;
  readonly globusEndpointsFile: string;
  /** Why the last import or the saved file could not be read (shown inline). */
  readonly globusEndpointsError: string | null;
  /** Bumped when the rows are replaced (load, import, revert) so inputs start over. */
  readonly globusEndpointsEpoch: number;
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

  loadGlobusEndpoints(): Promise<void>;
  editGlobusEndpoint(index: number, patch: Partial<EndpointRow>): void;
  addGlobusEndpoint(): void;
  removeGlobusEndpoint(index: number): void;
  revertGlobusEndpoints(): void;
  saveGlobusEndpoints(): Promise<boolean>;
  /** Loads a file into the editor as unsaved rows (a draft): nothing is written until Save. */
  importGlobusEndpoints(text: string): Promise<boolean>;
  /** The saved set as ProxyStore JSON text (for a download), or null when it cannot be exported. */
  exportGlobusEndpoints(): Promise<string | null>;

  loadConnectors(): Promise<void>;
  addConnector(kind: NewConnectorKind): void;
  editDraft(index: number, draft: ConnectorDraft): void;
  removeDraft(index: number): void;
  revertDrafts(): void;
  saveDrafts(): Promise<boolean>;
  /** Loads a MultiConnector config into the editor as unsaved drafts: nothing is written until Save. */
  importConfig(text: string): Promise<boolean>;
  exportConfig(): Promise<string | null>;
  setRouteQuery(query: RouteQueryInput): void;
}

const emptyNames: CollectionNames = { signedIn: false, names: {} };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sameRows(a: readonly unknown[], b: readonly unknown[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** ProxyStore's GlobusEndpoints dict of rows (what a GlobusConnector config holds). */
export function globusEndpointsDictOf(rows: readonly EndpointRow[]): Record<string, { endpoint_path: string; local_path: string; host_regex: string }> {
  const out: Record<string, { endpoint_path: string; local_path: string; host_regex: string }> = {};
  for (const r of rows) out[r.uuid] = { endpoint_path: r.endpointPath, local_path: r.localPath, host_regex: r.hostRegex };
  return out;
}

function newDraft(kind: NewConnectorKind, name: string, defaults: ConnectorDefaults, globusEndpoints: readonly EndpointRow[]): ConnectorDraft {
  const config = (() => {
    switch (kind) {
      case 'file':
        return { store_dir: defaults.fileStoreDir, clear: false };
      case 'local':
        return {};
      case 'globus':
        return { endpoints: globusEndpointsDictOf(globusEndpoints), clear: false };
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
  let globusEndpointsSeq = 0;
  let draftsSeq = 0;
  let routeSeq = 0;
  let namesKey = '';
  /** The last account state seen: collection names are looked up again when it changes. */
  let signedIn = false;

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

  const checkGlobusEndpoints = async (rows: readonly EndpointRow[]) => {
    const seq = ++globusEndpointsSeq;
    try {
      const check = await api.connectors.checkGlobusEndpoints(rows);
      if (seq === globusEndpointsSeq) set({ globusEndpointsCheck: check });
    } catch {
      // the toast says why
    }
    void lookUpNames(rows);
  };

  const applyGlobusEndpoints = (state: EndpointsState) => {
    globusEndpointsSeq++;
    set((s) => ({
      hostname: state.hostname,
      globusEndpointRows: state.rows,
      globusEndpointsSaved: state.rows,
      globusEndpointsCheck: state.check,
      globusEndpointsFile: state.file,
      globusEndpointsError: state.loadError,
      globusEndpointsEpoch: s.globusEndpointsEpoch + 1,
    }));
    void lookUpNames(state.rows);
  };

  const setRows = (rows: readonly EndpointRow[]) => {
    set({ globusEndpointRows: rows });
    void checkGlobusEndpoints(rows);
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

  return {
    ready: false,
    hostname: '',
    globusEndpointRows: [],
    globusEndpointsSaved: [],
    globusEndpointsCheck: null,
    globusEndpointsFile: '',
    globusEndpointsError: null,
    globusEndpointsEpoch: 0,
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

    attach() {
      void Promise.all([slice().loadGlobusEndpoints(), slice().loadConnectors()]).then(
        () => set({ ready: true }),
        () => set({ ready: true }),
      );
      return api.account.onStatus((status) => {
        const now = status.state === 'signed-in';
        if (now === signedIn) return;
        signedIn = now;
        namesKey = '';
        void lookUpNames(slice().globusEndpointRows);
      });
    },

    async loadGlobusEndpoints() {
      applyGlobusEndpoints(await api.connectors.getGlobusEndpoints());
    },
    editGlobusEndpoint(index, patch) {
      setRows(slice().globusEndpointRows.map((r, i) => (i === index ? { ...r, ...patch } : r)));
    },
    addGlobusEndpoint() {
      setRows([...slice().globusEndpointRows, { uuid: '', endpointPath: '', localPath: '', hostRegex: '' }]);
    },
    removeGlobusEndpoint(index) {
      setRows(slice().globusEndpointRows.filter((_, i) => i !== index));
    },
    revertGlobusEndpoints() {
      const rows = slice().globusEndpointsSaved;
      set((s) => ({ globusEndpointRows: rows, globusEndpointsEpoch: s.globusEndpointsEpoch + 1 }));
      void checkGlobusEndpoints(rows);
    },
    async saveGlobusEndpoints() {
      try {
        applyGlobusEndpoints(await api.connectors.saveGlobusEndpoints(slice().globusEndpointRows));
        return true;
      } catch {
        return false;
      }
    },
    async importGlobusEndpoints(text) {
      try {
        const draft = await api.connectors.importGlobusEndpoints({ text });
        globusEndpointsSeq++;
        set((s) => ({
          hostname: draft.hostname,
          globusEndpointRows: draft.rows,
          globusEndpointsCheck: draft.check,
          globusEndpointsError: draft.loadError,
          globusEndpointsEpoch: s.globusEndpointsEpoch + 1,
        }));
        void lookUpNames(draft.rows);
        return true;
      } catch (error) {
        set({ globusEndpointsError: `The file was not imported: ${messageOf(error)}` });
        return false;
      }
    },
    async exportGlobusEndpoints() {
      try {
        return (await api.connectors.exportGlobusEndpoints()).text;
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
      setDrafts([...slice().drafts, newDraft(kind, name, slice().defaults, slice().globusEndpointsSaved)]);
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
        // Staged files are routed again by the new policies.
        void get().stage.stagePaths([]);
        return true;
      } catch {
        return false;
      }
    },
    async importConfig(text) {
      try {
        const draft = await api.connectors.importConfig({ text });
        draftsSeq++;
        set((s) => ({ hostname: draft.hostname, drafts: draft.drafts, draftsCheck: draft.check, connectorsError: draft.loadError, draftsEpoch: s.draftsEpoch + 1 }));
        void runRoute();
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
  };
}

export function isDirty(a: readonly unknown[], b: readonly unknown[]): boolean {
  return !sameRows(a, b);
}

export const connectorsSelectors = {
  ready: (s: AppState) => s.connectors.ready,
  hostname: (s: AppState) => s.connectors.hostname,
  actions: (s: AppState) => s.connectors,
  globusEndpointRows: (s: AppState) => s.connectors.globusEndpointRows,
  globusEndpointsCheck: (s: AppState) => s.connectors.globusEndpointsCheck,
  globusEndpointsError: (s: AppState) => s.connectors.globusEndpointsError,
  globusEndpointsFile: (s: AppState) => s.connectors.globusEndpointsFile,
  globusEndpointsEpoch: (s: AppState) => s.connectors.globusEndpointsEpoch,
  globusEndpointsDirty: (s: AppState) => isDirty(s.connectors.globusEndpointRows, s.connectors.globusEndpointsSaved),
  globusEndpointsSaved: (s: AppState) => s.connectors.globusEndpointsSaved,
  collectionNames: (s: AppState) => s.connectors.collectionNames,
  drafts: (s: AppState) => s.connectors.drafts,
  draftsSaved: (s: AppState) => s.connectors.draftsSaved,
  draftsCheck: (s: AppState) => s.connectors.draftsCheck,
  draftsEpoch: (s: AppState) => s.connectors.draftsEpoch,
  draftsDirty: (s: AppState) => isDirty(s.connectors.drafts, s.connectors.draftsSaved),
  connectorsError: (s: AppState) => s.connectors.connectorsError,
  connectorsFile: (s: AppState) => s.connectors.connectorsFile,
  routeQuery: (s: AppState) => s.connectors.routeQuery,
  route: (s: AppState) => s.connectors.route,
};

export type { ConnectorKind };
