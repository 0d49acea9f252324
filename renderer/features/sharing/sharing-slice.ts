import type { SharedCollection, SharingAddRequest, SharingGroupSearch, SharingIdentity, SharingRule, SharingRuleList } from '../../../shared/contract/sharing';
import type { AppApi } from '../../../shared/ipc-contract';
import { createBusyRunner, type BusyMap } from '../../store/busy';
import type { AppState, Attachable, SliceSet } from '../../store/types';

export type SharingAction = 'add' | `remove:${string}` | `expiry:${string}`;

export interface SharingSlice extends Attachable {
  readonly collections: readonly SharedCollection[] | null;
  readonly loadError: string | null;
  readonly selected: string | null;
  readonly list: SharingRuleList | null;
  readonly listLoading: boolean;
  readonly busy: BusyMap;

  load(): Promise<void>;
  select(collectionId: string): Promise<void>;
  refresh(): Promise<void>;
  addRule(request: SharingAddRequest): Promise<SharingRule | null>;
  removeRule(ruleId: string): Promise<boolean>;
  setExpiry(ruleId: string, expiresAt: string | null): Promise<boolean>;
  findIdentities(text: string): Promise<readonly SharingIdentity[]>;
  findGroups(text: string): Promise<SharingGroupSearch>;
}

export function createSharingSlice(api: AppApi, set: SliceSet<'sharing'>, get: () => AppState): SharingSlice {
  const slice = () => get().sharing;
  const withBusy = createBusyRunner<SharingAction>((change) => set((s) => ({ busy: change(s.busy) })));
  /** Answers for a collection no longer selected are dropped. */
  let generation = 0;

  const fetchList = async (collectionId: string): Promise<void> => {
    const mine = ++generation;
    set({ listLoading: true });
    try {
      const list = await api.sharing.listRules(collectionId);
      if (mine === generation) set({ list });
    } catch {
      // The toast said why; the table keeps what it had.
    } finally {
      if (mine === generation) set({ listLoading: false });
    }
  };

  return {
    collections: null,
    loadError: null,
    selected: null,
    list: null,
    listLoading: false,
    busy: {},

    attach() {
      let lastState: string | null = null;
      // Load when signed in (and again after a new sign-in), not before.
      const follow = (state: string): void => {
        if (state === lastState) return;
        lastState = state;
        if (state === 'signed-in') void slice().load();
      };
      void api.account.getStatus().then((status) => follow(status.state), () => undefined);
      return api.account.onStatus((status) => follow(status.state));
    },
    async load() {
      try {
        const collections = await api.sharing.listCollections();
        set({ collections, loadError: null });
        const selected = slice().selected;
        const keep = selected !== null && collections.some((c) => c.id === selected);
        const next = keep ? selected : (collections[0]?.id ?? null);
        if (next !== null) await slice().select(next);
        else set({ selected: null, list: null });
      } catch (error) {
        set({ loadError: error instanceof Error ? error.message : String(error) });
      }
    },
    async select(collectionId) {
      set({ selected: collectionId, list: slice().list?.collection.id === collectionId ? slice().list : null });
      await fetchList(collectionId);
    },
    async refresh() {
      const id = slice().selected;
      if (id) await fetchList(id);
    },
    async addRule(request) {
      const rule = await withBusy('add', () => api.sharing.addRule(request));
      if (rule) await slice().refresh();
      return rule;
    },
    async removeRule(ruleId) {
      const id = slice().selected;
      if (!id) return false;
      const done = await withBusy(`remove:${ruleId}`, () => api.sharing.removeRule(id, ruleId));
      if (done) {
        // Gone at once; the refresh confirms.
        set((s) => ({ list: s.list ? { ...s.list, rules: s.list.rules.filter((r) => r.id !== ruleId) } : null }));
        await slice().refresh();
      }
      return done !== null;
    },
    async setExpiry(ruleId, expiresAt) {
      const id = slice().selected;
      if (!id) return false;
      const rule = await withBusy(`expiry:${ruleId}`, () => api.sharing.setExpiry(id, ruleId, expiresAt));
      if (rule) set((s) => ({ list: s.list ? { ...s.list, rules: s.list.rules.map((r) => (r.id === rule.id ? rule : r)) } : null }));
      return rule !== null;
    },
    async findIdentities(text) {
      try {
        return await api.sharing.findIdentities(text);
      } catch {
        return [];
      }
    },
    async findGroups(text) {
      try {
        return await api.sharing.findGroups(text);
      } catch {
        return { groups: [], listable: true };
      }
    },
  };
}

export const sharingSelectors = {
  collections: (s: AppState) => s.sharing.collections,
  loadError: (s: AppState) => s.sharing.loadError,
  selected: (s: AppState) => s.sharing.selected,
  list: (s: AppState) => s.sharing.list,
  listLoading: (s: AppState) => s.sharing.listLoading,
  busy: (s: AppState) => s.sharing.busy,
  actions: (s: AppState) => s.sharing,
};
