/** Builders for the activity tests. */
import type {
  ActivityDelta,
  ActivityRow,
  ActivitySnapshot,
  FileListKind,
  PollStatus,
  TaskDetail,
  TaskEnded,
  TasksEndedSummary,
} from '../../../../shared/activity';
import type { FileRecord, TaskEvent } from '../../../../shared/globus-types';
import type { AppApi, HostKind, Listener } from '../../../../shared/ipc-contract';
import type { TaskAttention } from '../../../../shared/contract/activity';
import type { Alert, AlertNotification } from '../../../../shared/contract/alerts';

export function makeRow(partial: Partial<ActivityRow> & { readonly task_id: string }): ActivityRow {
  return {
    status: 'SUCCEEDED',
    type: 'TRANSFER',
    label: null,
    source_id: 'src-id',
    source_name: 'Source',
    destination_id: 'dst-id',
    destination_name: 'Destination',
    paths: '/a → /b',
    files: 0,
    files_transferred: 0,
    files_skipped: 0,
    bytes_transferred: 0,
    effective_bytes_per_second: 0,
    faults: 0,
    nice_status: null,
    request_time: '2024-01-01T00:00:00+00:00',
    completion_time: null,
    submitted_by_ferry: true,
    origin: 'manual',
    ...partial,
  };
}

type Deferred<T> = { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void };
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export interface FakeActivityApi {
  api: AppApi;
  readonly calls: { name: string; args: unknown[] }[];
  /** The next snapshot calls resolve with these (one each); then `fallback`. */
  readonly snapshots: Deferred<ActivitySnapshot>[];
  fallback: ActivitySnapshot;
  emitDelta(d: ActivityDelta): void;
  emitStatus(s: PollStatus): void;
  emitEnded(e: TaskEnded): void;
  emitSummary(s: TasksEndedSummary): void;
  emitAttention(list: readonly TaskAttention[]): void;
  emitAlerts(list: readonly Alert[]): void;
  emitNotify(n: AlertNotification): void;
  /** What `activity.attention()` and `alerts.list()` answer at attach. */
  attention: readonly TaskAttention[];
  alerts: readonly Alert[];
  listenerCount(): number;
  events: readonly TaskEvent[];
  files: { readonly [K in FileListKind]: readonly FileRecord[][] };
  detail: (id: string) => TaskDetail;
  cancelCode: string;
  host: HostKind;
}

/** An AppApi whose activity namespace is scripted by the test; other namespaces answer trivially. */
export function fakeActivityApi(): FakeActivityApi {
  const deltaL = new Set<Listener<ActivityDelta>>();
  const statusL = new Set<Listener<PollStatus>>();
  const endedL = new Set<Listener<TaskEnded>>();
  const summaryL = new Set<Listener<TasksEndedSummary>>();
  const attentionL = new Set<Listener<readonly TaskAttention[]>>();
  const alertsL = new Set<Listener<readonly Alert[]>>();
  const notifyL = new Set<Listener<AlertNotification>>();
  const sub =
    <T>(set: Set<Listener<T>>) =>
    (l: Listener<T>) => {
      set.add(l);
      return () => void set.delete(l);
    };
  const fake: FakeActivityApi = {
    calls: [],
    snapshots: [],
    fallback: { revision: 0, rows: [] },
    events: [],
    files: { successful: [], skipped: [] },
    detail: (id) => ({ row: makeRow({ task_id: id }), task: null, stale: false, submission: null, canResubmit: true }),
    cancelCode: 'Canceled',
    host: 'serve',
    emitDelta: (d) => deltaL.forEach((l) => l(d)),
    emitStatus: (s) => statusL.forEach((l) => l(s)),
    emitEnded: (e) => endedL.forEach((l) => l(e)),
    emitSummary: (s) => summaryL.forEach((l) => l(s)),
    emitAttention: (list) => attentionL.forEach((l) => l(list)),
    emitAlerts: (list) => alertsL.forEach((l) => l(list)),
    emitNotify: (n) => notifyL.forEach((l) => l(n)),
    attention: [],
    alerts: [],
    listenerCount: () => deltaL.size + statusL.size + endedL.size + summaryL.size + attentionL.size + alertsL.size + notifyL.size,
    api: undefined as unknown as AppApi,
  };
  const record = (name: string, args: unknown[]) => fake.calls.push({ name, args });
  const activity: AppApi['activity'] = {
    snapshot: () => {
      record('snapshot', []);
      const next = fake.snapshots.shift();
      return next ? next.promise : Promise.resolve(fake.fallback);
    },
    refresh: async () => {
      record('refresh', []);
      return { running: true, mode: 'slow', lastPollAt: 1, lastError: null, activeCount: 0 };
    },
    detail: async (id) => {
      record('detail', [id]);
      return fake.detail(id);
    },
    events: async (id, page) => {
      record('events', [id, page]);
      const offset = page.offset ?? 0;
      const limit = page.limit ?? 100;
      const items = fake.events.slice(offset, offset + limit);
      return { items, offset, limit, total: fake.events.length, hasMore: offset + items.length < fake.events.length };
    },
    files: async (id, kind, marker) => {
      record('files', [id, kind, marker]);
      const pages = fake.files[kind];
      const index = marker === null ? 0 : Number(marker);
      return { items: pages[index] ?? [], nextMarker: index + 1 < pages.length ? String(index + 1) : null };
    },
    cancel: async (id) => {
      record('cancel', [id]);
      return { code: fake.cancelCode, message: 'ok' };
    },
    resubmit: async (id) => {
      record('resubmit', [id]);
      if (id === 'refused') throw new Error('Cannot resubmit this task');
      return { task_id: `${id}-again`, submission_id: 's', code: 'Accepted', itemCount: 2 };
    },
    exportCsv: async (filter, sort) => {
      record('exportCsv', [filter, sort]);
      return { csv: 'task_id\n', rows: 0 };
    },
    onDelta: sub(deltaL),
    onStatus: sub(statusL),
    onTaskEnded: sub(endedL),
    onTasksSummary: sub(summaryL),
    attention: async () => {
      record('attention', []);
      return fake.attention;
    },
    resubmitFixed: async (id, fix) => {
      record('resubmitFixed', [id, fix]);
      if (id === 'refused') throw new Error('Cannot resubmit this task');
      return { task_id: `${id}-fixed`, submission_id: 's', code: 'Accepted', itemCount: 2, cancelledOriginal: true };
    },
    onAttention: sub(attentionL),
  };
  const alerts: AppApi['alerts'] = {
    list: async () => {
      record('alerts.list', []);
      return fake.alerts;
    },
    dismiss: async (id) => {
      record('alerts.dismiss', [id]);
      return { dismissed: true };
    },
    onChanged: sub(alertsL),
    onNotify: sub(notifyL),
  };
  // Only the namespaces the activity slice touches; the rest of the contract is not this slice's business.
  fake.api = {
    app: { getInfo: async () => ({ name: 'Ferry', version: '1', host: fake.host, platform: 'linux', dataDir: '/d', secretStorage: 'file-0600', globusOverride: null, settingsNotice: null, capabilities: fake.host === 'electron' ? { taskNotifications: 'host', opensSignInPage: 'host', label: 'desktop' } : { taskNotifications: 'page', opensSignInPage: 'page', label: 'browser host' }, environmentValues: { globusClientId: null, globusAuthUrl: null, globusTransferUrl: null, globusSdkEnvironment: null, defaultDataDir: '/data' } }) },
    activity,
    alerts,
  } as unknown as AppApi;
  return fake;
}
