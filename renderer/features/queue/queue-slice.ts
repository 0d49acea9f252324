import type {
  QueueBatchRow,
  QueueEnqueueRequest,
  QueueEnqueueResult,
  QueueItemRow,
  QueueItemState,
  QueueOptionsPatch,
  QueueStatus,
} from '../../../shared/contract/queue';
import type { CollectionSummary } from '../../../shared/globus-types';
import type { AppApi } from '../../../shared/ipc-contract';
import { createBusyRunner } from '../../store/busy';
import type { AppState, Attachable, SliceSet } from '../../store/types';

/** A fresh idempotency key for one "Send files" request. */
function newRequestId(): string {
  return `send-${globalThis.crypto.randomUUID()}`;
}

/** Items fetched per page of the items table. */
export const itemPageSize = 200;
/** The most rows a refresh after a change fetches again (the contract's page limit). */
const maxRefetch = 1000;

export interface ItemFilter {
  readonly state: QueueItemState | null;
  readonly destination: string | null;
}

export type QueueAction = 'pause' | 'resume' | 'retry' | 'options' | `destination:${string}` | `cancel:${number}`;

export interface QueueSlice extends Attachable {
  readonly status: QueueStatus | null;
  readonly loadError: string | null;
  readonly items: readonly QueueItemRow[];
  readonly itemsHasMore: boolean;
  readonly itemsLoading: boolean;
  readonly filter: ItemFilter;
  /** Planned and active batches (active ones can be cancelled). */
  readonly batches: readonly QueueBatchRow[];
  /** Actions under way, so their buttons can show it. */
  readonly busy: Readonly<Record<string, true>>;
  readonly sending: boolean;
  readonly lastSent: QueueEnqueueResult | null;

  load(): Promise<void>;
  received(status: QueueStatus): void;
  /** Fetches the items shown and the batches again (after a change). */
  refreshLists(): Promise<void>;
  setFilter(patch: Partial<ItemFilter>): void;
  loadMoreItems(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  setDestinationEnabled(collection: string, enabled: boolean): Promise<void>;
  retryFailed(itemIds?: readonly number[]): Promise<number | null>;
  cancelBatch(batchId: number): Promise<boolean>;
  updateOptions(patch: QueueOptionsPatch): Promise<boolean>;
  send(request: QueueEnqueueRequest): Promise<QueueEnqueueResult | null>;
  findCollections(text: string): Promise<readonly CollectionSummary[]>;
}

const emptyFilter: ItemFilter = { state: null, destination: null };

export function createQueueSlice(api: AppApi, set: SliceSet<'queue'>, get: () => AppState): QueueSlice {
  const slice = () => get().queue;
  /** Bumped whenever the filter changes: answers to an older filter are dropped. */
  let generation = 0;
  /** The "Send files" request not yet answered: a repeat of it reuses its request id. */
  let attempt: { readonly key: string; readonly requestId: string } | null = null;
  let refreshing: Promise<void> | null = null;
  let refreshAgain = false;
  /** Destination switches a person flipped whose answer has not come back: shown as flipped. */
  const pendingEnabled = new Map<string, boolean>();
  const withPending = (status: QueueStatus): QueueStatus =>
    pendingEnabled.size === 0
      ? status
      : {
          ...status,
          destinations: status.destinations.map((d) => {
            const enabled = pendingEnabled.get(d.collection);
            return enabled === undefined || enabled === d.enabled ? d : { ...d, enabled };
          }),
        };

  const query = (filter: ItemFilter, offset: number, limit: number) => ({
    offset,
    limit,
    ...(filter.state ? { state: filter.state } : {}),
    ...(filter.destination ? { destination: filter.destination } : {}),
  });

  const reloadItems = async (): Promise<void> => {
    const mine = generation;
    const { filter, items } = slice();
    const limit = Math.min(maxRefetch, Math.max(itemPageSize, Math.ceil(items.length / itemPageSize) * itemPageSize));
    const page = await api.queue.listItems(query(filter, 0, limit));
    if (mine !== generation) return;
    set({ items: page.items, itemsHasMore: page.hasMore });
  };

  const reloadBatches = async (): Promise<void> => {
    set({ batches: await api.queue.listBatches() });
  };

  const withBusy = createBusyRunner<QueueAction>((change) => set((s) => ({ busy: change(s.busy) })));

  const refreshLists = async (): Promise<void> => {
    if (refreshing) {
      refreshAgain = true;
      return refreshing;
    }
    refreshing = (async () => {
      try {
        do {
          refreshAgain = false;
          await Promise.all([reloadItems(), reloadBatches()]).catch(() => undefined);
        } while (refreshAgain);
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  };

  return {
    status: null,
    loadError: null,
    items: [],
    itemsHasMore: false,
    itemsLoading: false,
    filter: emptyFilter,
    batches: [],
    busy: {},
    sending: false,
    lastSent: null,

    attach() {
      void slice().load();
      return api.queue.onChanged((status) => slice().received(status));
    },
    async load() {
      try {
        set({ status: await api.queue.snapshot(), loadError: null });
      } catch (error) {
        set({ loadError: error instanceof Error ? error.message : String(error) });
        return;
      }
      set({ itemsLoading: true });
      await refreshLists();
      set({ itemsLoading: false });
    },
    received(status) {
      set({ status: withPending(status), loadError: null });
      void refreshLists();
    },
    refreshLists,
    setFilter(patch) {
      generation += 1;
      set((s) => ({ filter: { ...s.filter, ...patch }, items: [], itemsHasMore: false }));
      set({ itemsLoading: true });
      void reloadItems()
        .catch(() => undefined)
        .finally(() => set({ itemsLoading: false }));
    },
    async loadMoreItems() {
      const { filter, items, itemsHasMore, itemsLoading } = slice();
      if (!itemsHasMore || itemsLoading) return;
      const mine = generation;
      set({ itemsLoading: true });
      try {
        const page = await api.queue.listItems(query(filter, items.length, itemPageSize));
        if (mine !== generation) return;
        set((s) => ({ items: [...s.items.slice(0, page.offset), ...page.items], itemsHasMore: page.hasMore }));
      } catch {
        // The toast said why; the table keeps what it has.
      } finally {
        set({ itemsLoading: false });
      }
    },
    async pause() {
      const status = await withBusy('pause', () => api.queue.pause());
      if (status) set({ status });
    },
    async resume() {
      const status = await withBusy('resume', () => api.queue.resume());
      if (status) set({ status });
    },
    async setDestinationEnabled(collection, enabled) {
      // The switch follows the click at once; the answer (or a failure) settles it.
      pendingEnabled.set(collection, enabled);
      const shown = slice().status;
      if (shown) set({ status: withPending(shown) });
      const status = await withBusy(`destination:${collection}`, () => api.queue.setDestinationEnabled(collection, enabled));
      pendingEnabled.delete(collection);
      if (status) {
        set({ status });
        return;
      }
      const fresh = await api.queue.snapshot().catch(() => null);
      if (fresh) set({ status: withPending(fresh) });
    },
    async retryFailed(itemIds) {
      const result = await withBusy('retry', () => api.queue.retryFailed(itemIds));
      if (result) void refreshLists();
      return result?.retried ?? null;
    },
    async cancelBatch(batchId) {
      const result = await withBusy(`cancel:${batchId}`, () => api.queue.cancelBatch(batchId));
      if (result) void refreshLists();
      return result?.cancelled ?? false;
    },
    async updateOptions(patch) {
      const status = await withBusy('options', () => api.queue.updateOptions(patch));
      if (status) set({ status });
      return status !== null;
    },
    async send(request) {
      set({ sending: true });
      // The same files sent again before one answer came back (a double click, a retry after the
      // connection dropped) carry the same request id, so the queue adds them once.
      const key = JSON.stringify({ ...request, requestId: undefined });
      if (!attempt || attempt.key !== key) attempt = { key, requestId: newRequestId() };
      try {
        const result = await api.queue.enqueue({ ...request, requestId: request.requestId ?? attempt.requestId });
        attempt = null;
        set({ lastSent: result });
        void refreshLists();
        return result;
      } catch {
        return null;
      } finally {
        set({ sending: false });
      }
    },
    async findCollections(text) {
      try {
        return await api.collections.search(text);
      } catch {
        return [];
      }
    },
  };
}

export const queueSelectors = {
  status: (s: AppState) => s.queue.status,
  loadError: (s: AppState) => s.queue.loadError,
  items: (s: AppState) => s.queue.items,
  itemsHasMore: (s: AppState) => s.queue.itemsHasMore,
  itemsLoading: (s: AppState) => s.queue.itemsLoading,
  filter: (s: AppState) => s.queue.filter,
  batches: (s: AppState) => s.queue.batches,
  busy: (s: AppState) => s.queue.busy,
  sending: (s: AppState) => s.queue.sending,
  lastSent: (s: AppState) => s.queue.lastSent,
  actions: (s: AppState) => s.queue,
};
