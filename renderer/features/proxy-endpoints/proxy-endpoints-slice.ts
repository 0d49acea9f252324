import type {
  ConfigureEndpointInput,
  LocalRelayStatus,
  ProxyEndpointRow,
  ProxyEndpointsSnapshot,
} from '../../../shared/contract/proxy-endpoints';
import type { AppApi } from '../../../shared/ipc-contract';
import type { AppState, Attachable, SliceSet } from '../../store/types';

export type EndpointAction = 'starting' | 'stopping' | 'removing';

export type ConfigureOutcome = { readonly ok: true; readonly row: ProxyEndpointRow } | { readonly ok: false; readonly message: string };

export interface ProxyEndpointsSlice extends Attachable {
  /** True once the first list arrived. */
  readonly ready: boolean;
  readonly home: string | null;
  readonly endpoints: readonly ProxyEndpointRow[];
  readonly relay: LocalRelayStatus | null;
  readonly loadError: string | null;
  /** Actions in flight, by endpoint name. */
  readonly pending: Readonly<Record<string, EndpointAction>>;
  readonly relayBusy: boolean;
  refresh(): Promise<void>;
  configure(input: ConfigureEndpointInput): Promise<ConfigureOutcome>;
  start(name: string): Promise<boolean>;
  stop(name: string): Promise<boolean>;
  remove(name: string): Promise<boolean>;
  startRelay(): Promise<boolean>;
  stopRelay(): Promise<boolean>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : typeof error === 'string' ? error : 'Something went wrong';
}

function upsert(rows: readonly ProxyEndpointRow[], row: ProxyEndpointRow): readonly ProxyEndpointRow[] {
  const i = rows.findIndex((r) => r.name === row.name);
  if (i < 0) return [...rows, row].sort((a, b) => a.name.localeCompare(b.name));
  const next = [...rows];
  next[i] = row;
  return next;
}

export function createProxyEndpointsSlice(api: AppApi, set: SliceSet<'proxyEndpoints'>, get: () => AppState): ProxyEndpointsSlice {
  // Pushed snapshots are newer than a list() answer that was asked for before they arrived.
  let pushes = 0;
  const receive = (snap: ProxyEndpointsSnapshot) => set({ ready: true, home: snap.home, endpoints: snap.endpoints, relay: snap.relay, loadError: null });
  const setPending = (name: string, action: EndpointAction | null) =>
    set((s) => {
      const pending = { ...s.pending };
      if (action) pending[name] = action;
      else delete pending[name];
      return { pending };
    });
  const act = async (name: string, action: EndpointAction, fn: () => Promise<void>): Promise<boolean> => {
    if (get().proxyEndpoints.pending[name]) return false;
    setPending(name, action);
    try {
      await fn();
      return true;
    } catch {
      // The error toast already told the person; the next push or refresh shows the real state.
      void refresh();
      return false;
    } finally {
      setPending(name, null);
    }
  };
  const refresh = async (): Promise<void> => {
    const seen = pushes;
    try {
      const snap = await api.proxyEndpoints.list();
      if (pushes === seen) receive(snap);
    } catch (error) {
      set({ ready: true, loadError: messageOf(error) });
    }
  };
  const relayCall = async (fn: () => Promise<void>): Promise<boolean> => {
    set({ relayBusy: true });
    try {
      await fn();
      return true;
    } catch {
      return false;
    } finally {
      set({ relayBusy: false });
    }
  };

  return {
    ready: false,
    home: null,
    endpoints: [],
    relay: null,
    loadError: null,
    pending: {},
    relayBusy: false,
    attach() {
      const off = api.proxyEndpoints.onChanged((snap) => {
        pushes += 1;
        receive(snap);
      });
      void refresh();
      return off;
    },
    refresh,
    async configure(input) {
      try {
        const row = await api.proxyEndpoints.configure(input);
        set((s) => ({ endpoints: upsert(s.endpoints, row) }));
        if (input.relay?.kind === 'local') void refresh();
        return { ok: true, row };
      } catch (error) {
        return { ok: false, message: messageOf(error) };
      }
    },
    start: (name) =>
      act(name, 'starting', async () => {
        const row = await api.proxyEndpoints.start(name);
        set((s) => ({ endpoints: upsert(s.endpoints, row) }));
      }),
    stop: (name) =>
      act(name, 'stopping', async () => {
        const row = await api.proxyEndpoints.stop(name);
        set((s) => ({ endpoints: upsert(s.endpoints, row) }));
      }),
    remove: (name) =>
      act(name, 'removing', async () => {
        await api.proxyEndpoints.remove(name);
        set((s) => ({ endpoints: s.endpoints.filter((r) => r.name !== name) }));
      }),
    startRelay: () =>
      relayCall(async () => {
        const relay = await api.proxyEndpoints.startRelay();
        set({ relay });
      }),
    stopRelay: () =>
      relayCall(async () => {
        await api.proxyEndpoints.stopRelay();
        set({ relay: null });
      }),
  };
}

export const proxyEndpointsSelectors = {
  ready: (s: AppState) => s.proxyEndpoints.ready,
  home: (s: AppState) => s.proxyEndpoints.home,
  endpoints: (s: AppState) => s.proxyEndpoints.endpoints,
  relay: (s: AppState) => s.proxyEndpoints.relay,
  loadError: (s: AppState) => s.proxyEndpoints.loadError,
  pending: (s: AppState) => s.proxyEndpoints.pending,
  relayBusy: (s: AppState) => s.proxyEndpoints.relayBusy,
  /** The slice itself: its verbs never change. */
  actions: (s: AppState) => s.proxyEndpoints,
};
