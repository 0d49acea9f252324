import type { ConfigureObjectStoreInput, LocalRelayStatus, ObjectStoreRow, ObjectStoresSnapshot, PeerTestResult } from '../../../shared/contract/object-stores';
import type { AppApi } from '../../../shared/ipc-contract';
import type { AppState, Attachable, SliceSet } from '../../store/types';

export type ObjectStoreAction = 'starting' | 'stopping' | 'removing';

/** The last "test peer" of one connection: running, its result, or why it could not run. */
export type PeerTestState = { readonly kind: 'running' } | { readonly kind: 'done'; readonly result: PeerTestResult } | { readonly kind: 'error'; readonly message: string };

/** Key of a peer test: the object store and the peer's UUID. */
export function peerTestKey(name: string, peer: string): string {
  return `${name}/${peer}`;
}

export type ConfigureOutcome = { readonly ok: true; readonly row: ObjectStoreRow } | { readonly ok: false; readonly message: string };

export interface ObjectStoresSlice extends Attachable {
  /** True once the first list arrived. */
  readonly ready: boolean;
  readonly home: string | null;
  readonly stores: readonly ObjectStoreRow[];
  readonly relay: LocalRelayStatus | null;
  readonly loadError: string | null;
  /** Actions in flight, by object store name. */
  readonly pending: Readonly<Record<string, ObjectStoreAction>>;
  readonly relayBusy: boolean;
  /** By peerTestKey(name, peer). */
  readonly peerTests: Readonly<Record<string, PeerTestState>>;
  refresh(): Promise<void>;
  /** Puts, checks, reads and evicts a small object through the connection to `peer`. */
  testPeer(name: string, peer: string): Promise<PeerTestState>;
  configure(input: ConfigureObjectStoreInput): Promise<ConfigureOutcome>;
  start(name: string): Promise<boolean>;
  stop(name: string): Promise<boolean>;
  remove(name: string): Promise<boolean>;
  startRelay(): Promise<boolean>;
  stopRelay(): Promise<boolean>;
  /** Asks core for the local relay's secret when a person shows it; it is never kept in the store. */
  relaySecret(): Promise<string | null>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : typeof error === 'string' ? error : 'Something went wrong';
}

function upsert(rows: readonly ObjectStoreRow[], row: ObjectStoreRow): readonly ObjectStoreRow[] {
  const i = rows.findIndex((r) => r.name === row.name);
  if (i < 0) return [...rows, row].sort((a, b) => a.name.localeCompare(b.name));
  const next = [...rows];
  next[i] = row;
  return next;
}

export function createObjectStoresSlice(api: AppApi, set: SliceSet<'objectStores'>, get: () => AppState): ObjectStoresSlice {
  // Pushed snapshots are newer than a list() answer that was asked for before they arrived.
  let pushes = 0;
  const receive = (snap: ObjectStoresSnapshot) => set({ ready: true, home: snap.home, stores: snap.stores, relay: snap.relay, loadError: null });
  const setPending = (name: string, action: ObjectStoreAction | null) =>
    set((s) => {
      const pending = { ...s.pending };
      if (action) pending[name] = action;
      else delete pending[name];
      return { pending };
    });
  const act = async (name: string, action: ObjectStoreAction, fn: () => Promise<void>): Promise<boolean> => {
    if (get().objectStores.pending[name]) return false;
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
      const snap = await api.objectStores.list();
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
    stores: [],
    relay: null,
    loadError: null,
    pending: {},
    relayBusy: false,
    peerTests: {},
    async testPeer(name, peer) {
      const key = peerTestKey(name, peer);
      const put = (state: PeerTestState) => set((s) => ({ peerTests: { ...s.peerTests, [key]: state } }));
      put({ kind: 'running' });
      let state: PeerTestState;
      try {
        state = { kind: 'done', result: await api.objectStores.testPeer(name, peer) };
      } catch (error) {
        state = { kind: 'error', message: messageOf(error) };
      }
      put(state);
      return state;
    },
    attach() {
      const off = api.objectStores.onChanged((snap) => {
        pushes += 1;
        receive(snap);
      });
      void refresh();
      return off;
    },
    refresh,
    async configure(input) {
      try {
        const row = await api.objectStores.configure(input);
        set((s) => ({ stores: upsert(s.stores, row) }));
        if (input.relay?.kind === 'local') void refresh();
        return { ok: true, row };
      } catch (error) {
        return { ok: false, message: messageOf(error) };
      }
    },
    start: (name) =>
      act(name, 'starting', async () => {
        const row = await api.objectStores.start(name);
        set((s) => ({ stores: upsert(s.stores, row) }));
      }),
    stop: (name) =>
      act(name, 'stopping', async () => {
        const row = await api.objectStores.stop(name);
        set((s) => ({ stores: upsert(s.stores, row) }));
      }),
    remove: (name) =>
      act(name, 'removing', async () => {
        await api.objectStores.remove(name);
        set((s) => ({ stores: s.stores.filter((r) => r.name !== name) }));
      }),
    startRelay: () =>
      relayCall(async () => {
        const relay = await api.objectStores.startRelay();
        set({ relay });
      }),
    stopRelay: () =>
      relayCall(async () => {
        await api.objectStores.stopRelay();
        set({ relay: null });
      }),
    relaySecret: async () => {
      try {
        return (await api.objectStores.relaySecret()).secret;
      } catch (error) {
        set({ loadError: messageOf(error) });
        return null;
      }
    },
  };
}

export const objectStoresSelectors = {
  ready: (s: AppState) => s.objectStores.ready,
  home: (s: AppState) => s.objectStores.home,
  stores: (s: AppState) => s.objectStores.stores,
  relay: (s: AppState) => s.objectStores.relay,
  loadError: (s: AppState) => s.objectStores.loadError,
  pending: (s: AppState) => s.objectStores.pending,
  relayBusy: (s: AppState) => s.objectStores.relayBusy,
  peerTests: (s: AppState) => s.objectStores.peerTests,
  /** The slice itself: its verbs never change. */
  actions: (s: AppState) => s.objectStores,
};
