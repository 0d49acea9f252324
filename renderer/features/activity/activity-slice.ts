import type {
  ActivityDelta,
  ActivityRow,
  ActivitySort,
  ActivitySortKey,
  FileListKind,
  PollStatus,
  TaskDetail,
  TaskEnded,
  TasksEndedSummary,
} from '../../../shared/activity';
import type { FileRecord, TaskEvent, TaskStatus } from '../../../shared/globus-types';
import type { AppApi } from '../../../shared/ipc-contract';
import type { AppState, Attachable, SliceSet } from '../../store/types';
import { appendSample, type ByteSample } from '../../app/charts/series';
import { formatCount } from '../../../shared/format';
import { statusLook } from './activity-format';
import { createAttentionPart, type AttentionPart } from './attention-slice';
import { taskEndedText, tasksSummaryText } from '../../../shared/notifications';
import {
  applyDelta,
  countByStatus,
  defaultSort,
  emptyFilter,
  filterAndSort,
  timeRangeMs,
  toApiFilter,
  type ActivityViewFilter,
  type StatusCounts,
  type TimeRange,
} from './activity-rows';

export const eventPageSize = 50;

export interface EventList {
  readonly items: readonly TaskEvent[];
  readonly nextOffset: number;
  readonly hasMore: boolean;
  readonly total: number | null;
  readonly loading: boolean;
  readonly error: string | null;
}

export interface FileList {
  readonly items: readonly FileRecord[];
  readonly nextMarker: string | null;
  /** At least one page arrived. */
  readonly loaded: boolean;
  readonly loading: boolean;
  readonly error: string | null;
}

export interface DetailState {
  readonly taskId: string;
  readonly data: TaskDetail | null;
  readonly loading: boolean;
  readonly error: string | null;
  readonly events: EventList;
  readonly files: { readonly [K in FileListKind]: FileList };
  readonly busy: 'cancel' | 'resubmit' | null;
  /** What the last action said (e.g. "Cancel requested"), for a status line. */
  readonly message: string | null;
  /** The task's bytes as the live deltas brought them while the detail was open (bounded). */
  readonly samples: readonly ByteSample[];
}

export type NotificationPermissionState = 'default' | 'granted' | 'denied' | 'unsupported';

/** What the slice needs from the browser; tests pass a fake. */
export interface ActivityEnv {
  now(): number;
  notificationPermission(): NotificationPermissionState;
  requestNotificationPermission(): Promise<NotificationPermissionState>;
  notify(title: string, body: string, tag: string): void;
}

export const browserEnv: ActivityEnv = {
  now: () => Date.now(),
  notificationPermission: () => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission),
  requestNotificationPermission: async () => {
    if (typeof Notification === 'undefined') return 'unsupported';
    return Notification.requestPermission();
  },
  notify: (title, body, tag) => {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    new Notification(title, { body, tag });
  },
};

export interface ActivitySlice extends Attachable, AttentionPart {
  /** Every task in the history, in no particular order (views sort through selectors). */
  readonly rows: readonly ActivityRow[];
  /** Revision of the last snapshot or delta applied. */
  readonly revision: number;
  readonly loaded: boolean;
  readonly loadError: string | null;
  readonly filter: ActivityViewFilter;
  readonly sort: ActivitySort;
  readonly status: PollStatus | null;
  readonly refreshing: boolean;
  readonly exporting: boolean;
  /** Tasks cancelled from this window: shown as cancelled once they fail. */
  readonly cancelledIds: Readonly<Record<string, true>>;
  readonly detail: DetailState | null;
  readonly notificationPermission: NotificationPermissionState;

  load(): Promise<void>;
  refresh(): Promise<void>;
  applyDelta(delta: ActivityDelta): void;
  statusReceived(status: PollStatus): void;
  taskEnded(ended: TaskEnded): void;
  /** Several queue or sync tasks ended together: one notification for all of them. */
  tasksSummary(summary: TasksEndedSummary): void;

  toggleStatus(status: TaskStatus): void;
  setStatuses(statuses: readonly TaskStatus[]): void;
  setText(text: string): void;
  /** A preset range resolves against now; 'custom' takes the ISO bounds given. */
  setRange(range: TimeRange, custom?: { readonly from?: string; readonly to?: string }): void;
  clearFilters(): void;
  /** Sorts by `key`; the same key again flips the direction. */
  sortBy(key: ActivitySortKey): void;

  openDetail(taskId: string): Promise<void>;
  closeDetail(): void;
  /** Fetches the task again and the first page of its event log. */
  reloadDetail(): Promise<void>;
  loadMoreEvents(): Promise<void>;
  loadFiles(kind: FileListKind): Promise<void>;
  cancel(taskId: string): Promise<boolean>;
  /** Resolves to the new task id, or null when the host refused. */
  resubmit(taskId: string): Promise<string | null>;
  /** The filtered, sorted history as CSV (null when the host refused). */
  exportCsv(): Promise<{ readonly csv: string; readonly rows: number } | null>;
  enableNotifications(): Promise<void>;
}

const emptyEvents: EventList = { items: [], nextOffset: 0, hasMore: false, total: null, loading: false, error: null };
const emptyFiles: FileList = { items: [], nextMarker: null, loaded: false, loading: false, error: null };

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}

function sampleOf(row: ActivityRow, t: number): ByteSample {
  return { t, bytes: row.bytes_transferred, files: row.files_transferred };
}

function newDetail(taskId: string, row: ActivityRow | undefined, now: number): DetailState {
  return {
    taskId,
    data: null,
    loading: true,
    error: null,
    events: emptyEvents,
    files: { successful: emptyFiles, skipped: emptyFiles },
    busy: null,
    message: null,
    samples: row && (row.status === 'ACTIVE' || row.status === 'INACTIVE') ? [sampleOf(row, now)] : [],
  };
}

export function createActivitySlice(api: AppApi, set: SliceSet<'activity'>, get: () => AppState, env: ActivityEnv = browserEnv): ActivitySlice {
  const slice = (): ActivitySlice => get().activity;
  /** Deltas that arrive while a snapshot is on its way; applied on top of it. */
  let pending: ActivityDelta[] | null = null;
  let loadSeq = 0;
  const { attachAttention, ...attentionPart } = createAttentionPart(api, set, get, env);

  const patchDetail = (taskId: string, update: (d: DetailState) => Partial<DetailState>) =>
    set((s) => (s.detail && s.detail.taskId === taskId ? { detail: { ...s.detail, ...update(s.detail) } } : {}));

  /** One page of the event log from `offset`; offset 0 starts the list again. */
  let eventsSeq = 0;
  const loadEvents = async (taskId: string, offset: number) => {
    // A restart from offset 0 wins over any page still on its way.
    const seq = offset === 0 ? ++eventsSeq : eventsSeq;
    const current = () => seq === eventsSeq;
    patchDetail(taskId, (x) => ({ events: { ...x.events, loading: true, error: null } }));
    try {
      const page = await api.activity.events(taskId, { offset, limit: eventPageSize });
      if (!current()) return;
      patchDetail(taskId, (x) => ({
        events: {
          items: offset === 0 ? page.items : [...x.events.items, ...page.items],
          nextOffset: offset + page.items.length,
          hasMore: page.hasMore,
          total: page.total,
          loading: false,
          error: null,
        },
      }));
    } catch (error) {
      if (current()) patchDetail(taskId, (x) => ({ events: { ...x.events, loading: false, error: messageOf(error) } }));
    }
  };

  const self: ActivitySlice = {
    ...attentionPart,
    rows: [],
    revision: 0,
    loaded: false,
    loadError: null,
    filter: emptyFilter,
    sort: defaultSort,
    status: null,
    refreshing: false,
    exporting: false,
    cancelledIds: {},
    detail: null,
    notificationPermission: env.notificationPermission(),

    attach() {
      const offs = [
        api.activity.onDelta((d) => slice().applyDelta(d)),
        api.activity.onStatus((s) => slice().statusReceived(s)),
        api.activity.onTaskEnded((e) => slice().taskEnded(e)),
        api.activity.onTasksSummary((summary) => slice().tasksSummary(summary)),
        attachAttention(),
      ];
      void slice().load();
      return () => offs.forEach((off) => off());
    },

    async load() {
      const seq = ++loadSeq;
      pending = [];
      try {
        const snap = await api.activity.snapshot();
        if (seq !== loadSeq) return;
        const buffered = pending ?? [];
        pending = null;
        let rows = snap.rows;
        let revision = snap.revision;
        for (const d of buffered) {
          if (d.revision <= snap.revision) continue;
          rows = applyDelta(rows, d);
          revision = d.revision;
        }
        set({ rows, revision, loaded: true, loadError: null });
      } catch (error) {
        if (seq !== loadSeq) return;
        pending = null;
        set({ loaded: true, loadError: messageOf(error) });
      }
    },

    async refresh() {
      set({ refreshing: true });
      try {
        const status = await api.activity.refresh();
        set({ status });
      } catch {
        // The toast says why; the status line keeps the last known state.
      } finally {
        set({ refreshing: false });
      }
    },

    applyDelta(delta) {
      if (pending) {
        pending.push(delta);
        return;
      }
      const before = slice();
      const rows = applyDelta(before.rows, delta);
      set({ rows, revision: delta.revision });
      // A gap (lost events, or a restarted host counting from zero): start again from a snapshot.
      if (delta.revision !== before.revision + 1) void slice().load();
      const open = before.detail;
      const sampled = open ? delta.upserted.find((r) => r.task_id === open.taskId) : undefined;
      if (open && sampled) {
        const t = env.now();
        patchDetail(open.taskId, (x) => ({ samples: appendSample(x.samples, sampleOf(sampled, t)) }));
      }
      if (open && !open.loading) {
        const previous = before.rows.find((r) => r.task_id === open.taskId);
        const next = delta.upserted.find((r) => r.task_id === open.taskId);
        if (next && previous && next.status !== previous.status) void slice().reloadDetail();
      }
    },

    statusReceived(status) {
      set({ status });
    },

    taskEnded({ row }) {
      if (get().app.info?.capabilities.taskNotifications !== 'page') return; // the host shows it
      const look = statusLook(row, slice().cancelledIds[row.task_id] === true);
      const { title, body } = taskEndedText(row, slice().cancelledIds[row.task_id] === true);
      if (env.notificationPermission() === 'granted') env.notify(title, body, row.task_id);
      else get().toasts.push(look.tone === 'succeeded' ? 'success' : 'info', `${title}: ${body}`);
    },

    tasksSummary(summary) {
      if (get().app.info?.capabilities.taskNotifications !== 'page') return; // the host shows it
      const { title, body } = tasksSummaryText(summary);
      if (env.notificationPermission() === 'granted') env.notify(title, body, 'ferry-bulk-summary');
      else get().toasts.push(summary.failed ? 'info' : 'success', `${title}. ${body}`);
    },

    toggleStatus(status) {
      const current = slice().filter.statuses;
      const statuses = current.includes(status) ? current.filter((s) => s !== status) : [...current, status];
      set((s) => ({ filter: { ...s.filter, statuses } }));
    },
    setStatuses(statuses) {
      set((s) => ({ filter: { ...s.filter, statuses: [...statuses] } }));
    },
    setText(text) {
      set((s) => ({ filter: { ...s.filter, text } }));
    },
    setRange(range, custom) {
      let from = '';
      let to = '';
      if (range === 'custom') {
        from = custom?.from ?? slice().filter.from;
        to = custom?.to ?? slice().filter.to;
      } else if (range !== 'all') {
        from = new Date(env.now() - timeRangeMs[range]).toISOString();
      }
      set((s) => ({ filter: { ...s.filter, range, from, to } }));
    },
    clearFilters() {
      set({ filter: emptyFilter });
    },
    sortBy(key) {
      set((s) => ({
        sort:
          s.sort.key === key
            ? { key, direction: s.sort.direction === 'asc' ? 'desc' : 'asc' }
            : { key, direction: key === 'request_time' || key === 'completion_time' ? 'desc' : 'asc' },
      }));
    },

    async openDetail(taskId) {
      if (slice().detail?.taskId === taskId && slice().detail?.data) return;
      set({ detail: newDetail(taskId, slice().rows.find((r) => r.task_id === taskId), env.now()) });
      await slice().reloadDetail();
    },
    closeDetail() {
      set({ detail: null });
    },
    async reloadDetail() {
      const taskId = slice().detail?.taskId;
      if (!taskId) return;
      patchDetail(taskId, () => ({ loading: true, error: null }));
      const events = loadEvents(taskId, 0);
      try {
        const data = await api.activity.detail(taskId);
        patchDetail(taskId, () => ({ data, loading: false }));
        if (data.task?.fatal_error?.code === 'CANCELED' && !slice().cancelledIds[taskId]) {
          set((s) => ({ cancelledIds: { ...s.cancelledIds, [taskId]: true } }));
        }
      } catch (error) {
        patchDetail(taskId, () => ({ loading: false, error: messageOf(error) }));
      }
      await events;
    },
    async loadMoreEvents() {
      const d = slice().detail;
      if (!d || d.events.loading) return;
      await loadEvents(d.taskId, d.events.nextOffset);
    },
    async loadFiles(kind) {
      const d = slice().detail;
      if (!d) return;
      const list = d.files[kind];
      if (list.loading || (list.loaded && list.nextMarker === null)) return;
      const taskId = d.taskId;
      const marker = list.nextMarker;
      const patchList = (update: (l: FileList) => FileList) => patchDetail(taskId, (x) => ({ files: { ...x.files, [kind]: update(x.files[kind]) } }));
      patchList((l) => ({ ...l, loading: true, error: null }));
      try {
        const page = await api.activity.files(taskId, kind, marker);
        patchList((l) => ({ items: [...l.items, ...page.items], nextMarker: page.nextMarker, loaded: true, loading: false, error: null }));
      } catch (error) {
        patchList((l) => ({ ...l, loading: false, error: messageOf(error) }));
      }
    },

    async cancel(taskId) {
      patchDetail(taskId, () => ({ busy: 'cancel', message: null }));
      try {
        const result = await api.activity.cancel(taskId);
        if (result.code !== 'TaskComplete') set((s) => ({ cancelledIds: { ...s.cancelledIds, [taskId]: true } }));
        const message = result.code === 'TaskComplete' ? 'The task had already ended.' : 'Cancelled.';
        patchDetail(taskId, () => ({ busy: null, message }));
        get().toasts.push('info', result.code === 'TaskComplete' ? `Task ${taskId} had already ended` : `Cancel requested for ${taskId}`);
        if (slice().detail?.taskId === taskId) void slice().reloadDetail();
        return true;
      } catch {
        patchDetail(taskId, () => ({ busy: null }));
        return false;
      }
    },
    async resubmit(taskId) {
      patchDetail(taskId, () => ({ busy: 'resubmit', message: null }));
      try {
        const result = await api.activity.resubmit(taskId);
        patchDetail(taskId, () => ({ busy: null, message: `Resubmitted as ${result.task_id}.` }));
        get().toasts.push('success', `Resubmitted as task ${result.task_id} (${formatCount(result.itemCount, 'item')})`);
        return result.task_id;
      } catch {
        patchDetail(taskId, () => ({ busy: null }));
        return null;
      }
    },

    async exportCsv() {
      const { filter, sort } = slice();
      set({ exporting: true });
      try {
        return await api.activity.exportCsv(toApiFilter(filter), sort);
      } catch {
        return null;
      } finally {
        set({ exporting: false });
      }
    },

    async enableNotifications() {
      const permission = await env.requestNotificationPermission();
      set({ notificationPermission: permission });
    },
  };
  return self;
}

// ---- selectors (pure; derived values memoized by input identity) ------------------------------

let visibleCache: { rows: readonly ActivityRow[]; filter: ActivityViewFilter; sort: ActivitySort; out: readonly ActivityRow[] } | null = null;
let countsCache: { rows: readonly ActivityRow[]; out: StatusCounts } | null = null;

function visibleRows(s: AppState): readonly ActivityRow[] {
  const { rows, filter, sort } = s.activity;
  if (visibleCache && visibleCache.rows === rows && visibleCache.filter === filter && visibleCache.sort === sort) return visibleCache.out;
  const out = filterAndSort(rows, filter, sort);
  visibleCache = { rows, filter, sort, out };
  return out;
}

function counts(s: AppState): StatusCounts {
  const rows = s.activity.rows;
  if (countsCache && countsCache.rows === rows) return countsCache.out;
  const out = countByStatus(rows);
  countsCache = { rows, out };
  return out;
}

export const activitySelectors = {
  rows: (s: AppState) => s.activity.rows,
  /** The rows the table shows: filtered and sorted, same array until an input changes. */
  visibleRows,
  counts,
  revision: (s: AppState) => s.activity.revision,
  loaded: (s: AppState) => s.activity.loaded,
  loadError: (s: AppState) => s.activity.loadError,
  filter: (s: AppState) => s.activity.filter,
  sort: (s: AppState) => s.activity.sort,
  status: (s: AppState) => s.activity.status,
  refreshing: (s: AppState) => s.activity.refreshing,
  exporting: (s: AppState) => s.activity.exporting,
  cancelledIds: (s: AppState) => s.activity.cancelledIds,
  detail: (s: AppState) => s.activity.detail,
  detailId: (s: AppState) => s.activity.detail?.taskId ?? null,
  /** The live row of the task whose detail is open (follows deltas). */
  detailRow: (s: AppState): ActivityRow | null => {
    const id = s.activity.detail?.taskId;
    if (!id) return null;
    return s.activity.rows.find((r) => r.task_id === id) ?? s.activity.detail?.data?.row ?? null;
  },
  notificationPermission: (s: AppState) => s.activity.notificationPermission,
  /** Ask for desktop notifications here? Only in a browser (Electron's main process notifies). */
  canEnableNotifications: (s: AppState) => s.app.info?.capabilities.taskNotifications === 'page' && s.activity.notificationPermission === 'default',
  actions: (s: AppState): ActivitySlice => s.activity,
};
