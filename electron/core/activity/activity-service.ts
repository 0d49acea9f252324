import type { CancelResult, DeleteSubmission, TaskDocument, TransferSubmission } from '../../../shared/globus-types';
import { GlobusApiError, type TransferService } from '../globus';
import { openDatabase, type SqliteDatabase } from '../store';
import { systemClock, type Clock } from '../kernel';
import { createSubmitter, type Submitter, type TaskSubmitted } from '../globus';
import { rowsToCsv } from './csv';
import { errorInfo, fetchEndedTasks, hasMore } from './task-list';
import { ActivityError } from './errors';
import { applyPathFix, rebuildSubmission, retryWhileConflict, submitAgain, submittedTaskOf } from './resubmit';
import { AttentionTracker, type AttentionListener } from './attention';
import type { FixedResubmitResult, PathFix, TaskAttention } from '../../../shared/contract/activity';
import { HistoryStore, isActiveStatus, type ApplyResult } from './history-store';
import { activityMigrations } from './schema';
import type {
  ActivityCounts,
  ActivityDelta,
  ActivityFilter,
  ActivityOrigin,
  ActivityPage,
  ActivityPageQuery,
  ActivityRow,
  ActivitySnapshot,
  ActivitySort,
  EventPage,
  FileListKind,
  FilePage,
  PollStatus,
  ResubmitResult,
  SubmittedTask,
  TaskDetail,
  TaskEnded,
} from './types';

export interface ActivityServiceOptions {
  /** SQLite file for the history (e.g. `<dataDir>/activity.db`), or ':memory:'. */
  readonly dbFile: string;
  /** May be set later (after sign-in) with `setTransferService`. */
  readonly transfer?: TransferService | null;
  readonly clock?: Clock;
  /**
   * The one submit path whose announcements this history records (and which resubmit uses).
   * Default: a submitter of its own over the current transfer service.
   */
  readonly submitter?: Submitter;
  /**
   * First poll interval after Ferry submits a task or one of its tasks ends, while a task Ferry
   * submitted is ACTIVE/INACTIVE; each quiet poll then backs off (×1.5) up to `fastMaxIntervalMs`.
   * Default 1 s.
   */
  readonly fastIntervalMs?: number;
  /**
   * Longest interval while a task Ferry submitted runs: a task's end shows within this long (plus
   * one request) of Globus reporting it. Default 1.5 s: one task_list request for every active
   * task, at most 40 a minute, well within Globus' request limits.
   */
  readonly fastMaxIntervalMs?: number;
  /** Poll interval while only tasks Ferry did not submit (seen on the account) run. Default 10 s. */
  readonly watchIntervalMs?: number;
  /** Poll interval when nothing is running. Default 30 s. */
  readonly slowIntervalMs?: number;
  /** Pages of recent history read on the first sign-in of an account. Default 3. */
  readonly backfillPages?: number;
  /** Tasks per backfill page. Default 100. */
  readonly backfillPageSize?: number;
  /** Largest `limit` of one task_list request. Default 1000 (the Transfer API's maximum). */
  readonly pageLimit?: number;
  /** Look up collection display names the task documents lack (once per collection). Default true. */
  readonly resolveCollectionNames?: boolean;
  /** Event-list requests one poll makes at most to see why tasks fault. Default 10. */
  readonly attentionChecksPerPoll?: number;
}

export type DeltaListener = (delta: ActivityDelta) => void;
export type TaskEndedListener = (ended: TaskEnded) => void;
export type StatusListener = (status: PollStatus) => void;
export type Unsubscribe = () => void;

const maxNameLookupsPerPoll = 20;

export const activeTaskFilter = 'status:ACTIVE,INACTIVE';

/**
 * The transfer history and its live refresh. One `task_list` request per poll covers every
 * active task; tasks that left the active set are fetched once, in bulk, to learn how they
 * ended. Listeners receive only rows that changed.
 */
export class ActivityService {
  private readonly db: SqliteDatabase;
  private readonly store: HistoryStore;
  private readonly clock: Clock;
  private readonly submitter: Submitter;
  private readonly offSubmissions: () => void;
  private readonly fastMs: number;
  private readonly fastMaxMs: number;
  private readonly watchMs: number;
  private readonly slowMs: number;
  /** The fast interval now: back to `fastMs` on a submission or a task's end, then backing off. */
  private fastStep: number;
  private readonly backfillPages: number;
  private readonly backfillPageSize: number;
  private readonly pageLimit: number;
  private readonly resolveNames: boolean;
  private transfer: TransferService | null;
  private accountId: string | null = null;
  private running = false;
  private timer: (() => void) | null = null;
  private inflight: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private revision = 0;
  private failures = 0;
  private lastPollAt: number | null = null;
  private lastError: { code: string; message: string } | null = null;
  /** Ids Globus no longer knows (404): not asked about again in this session. */
  private readonly gone = new Set<string>();
  private readonly deltaListeners = new Set<DeltaListener>();
  private readonly endedListeners = new Set<TaskEndedListener>();
  private readonly statusListeners = new Set<StatusListener>();
  private readonly attention: AttentionTracker;
  private closed = false;

  constructor(options: ActivityServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.submitter = options.submitter ?? createSubmitter(() => this.requireTransfer());
    this.offSubmissions = this.submitter.onSubmitted((e) => this.recordAnnounced(e));
    this.db = openDatabase(options.dbFile, activityMigrations);
    this.store = new HistoryStore(this.db, () => this.clock.now());
    this.transfer = options.transfer ?? null;
    this.fastMs = Math.max(1, options.fastIntervalMs ?? 1_000);
    this.fastMaxMs = Math.max(this.fastMs, options.fastMaxIntervalMs ?? 1_500);
    this.slowMs = Math.max(this.fastMaxMs, options.slowIntervalMs ?? 30_000);
    this.watchMs = Math.min(this.slowMs, Math.max(this.fastMs, options.watchIntervalMs ?? 10_000));
    this.fastStep = this.fastMs;
    this.backfillPages = options.backfillPages ?? 3;
    this.backfillPageSize = options.backfillPageSize ?? 100;
    this.pageLimit = Math.min(1000, Math.max(1, options.pageLimit ?? 1000));
    this.resolveNames = options.resolveCollectionNames ?? true;
    this.attention = new AttentionTracker({
      now: () => this.clock.now(),
      submission: (id) => this.store.submission(id),
      ...(options.attentionChecksPerPoll !== undefined ? { maxChecksPerPoll: options.attentionChecksPerPoll } : {}),
    });
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** Sets (or clears, on sign-out) the Transfer client polls use. */
  setTransferService(transfer: TransferService | null): void {
    this.transfer = transfer;
  }

  /**
   * Starts polling now. `accountId` (the signed-in identity) keys the one-time backfill of
   * recent history; without it the backfill runs once per database.
   */
  start(options: { readonly accountId?: string } = {}): void {
    if (this.closed) throw new Error('ActivityService is closed');
    this.accountId = options.accountId ?? null;
    this.running = true;
    void this.refreshNow();
  }

  /** Stops polling (a poll in flight finishes; nothing new is scheduled). */
  stop(): void {
    this.running = false;
    this.clearTimer();
    this.emitStatus();
  }

  /** Stops polling and closes the database once any poll in flight has settled. */
  async close(): Promise<void> {
    this.stop();
    this.offSubmissions();
    this.closed = true;
    await (this.queued ?? this.inflight)?.catch(() => undefined);
    this.db.close();
  }

  /** Polls now (or right after the poll in flight); resolves when that poll is done. Never rejects. */
  refreshNow(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.inflight) {
      this.queued ??= this.inflight.then(() => {
        this.queued = null;
        return this.runPoll();
      });
      return this.queued;
    }
    return this.runPoll();
  }

  status(): PollStatus {
    const activeCount = this.store.activeIds().length;
    return {
      running: this.running,
      mode: activeCount > 0 ? 'fast' : 'slow',
      lastPollAt: this.lastPollAt,
      lastError: this.lastError,
      activeCount,
    };
  }

  // ---- events --------------------------------------------------------------------------------

  /** Row deltas after every change. Returns the unsubscribe function. */
  subscribe(listener: DeltaListener): Unsubscribe {
    this.deltaListeners.add(listener);
    return () => this.deltaListeners.delete(listener);
  }

  /** A task submitted by Ferry reached SUCCEEDED or FAILED (once per task). */
  onTaskEnded(listener: TaskEndedListener): Unsubscribe {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }

  /** The whole list of tasks that need attention, after each change. */
  onAttention(listener: AttentionListener): Unsubscribe {
    return this.attention.onChange(listener);
  }

  /** Running tasks that need a person now: faults rose, or their newest event is an error. */
  needingAttention(): readonly TaskAttention[] {
    return this.attention.list();
  }

  /** Poll status after every poll (for a "last updated" / error banner). */
  onStatus(listener: StatusListener): Unsubscribe {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  // ---- recording -----------------------------------------------------------------------------

  /**
   * Records a task Ferry just submitted (from a SubmitResult plus what Ferry knows, or a full
   * task document). Keep `submission` so the task can be resubmitted with the same items.
   * Switches polling to the fast interval at once.
   */
  recordSubmitted(
    task: TaskDocument | SubmittedTask,
    origin: Exclude<ActivityOrigin, 'account'>,
    submission?: TransferSubmission | DeleteSubmission,
  ): ActivityRow {
    const result = this.store.recordSubmitted(task, origin, submission);
    this.publish(result);
    this.fastStep = this.fastMs;
    if (this.running) this.reschedule(0);
    const row = this.store.get(task.task_id);
    if (!row) throw new Error(`task ${task.task_id} was not recorded`);
    return row;
  }

  /** Removes tasks from the local history (Globus keeps them). */
  forget(taskIds: readonly string[]): void {
    const removed = this.store.remove(taskIds);
    this.attention.forget(taskIds);
    if (removed.length > 0) this.emitDelta([], removed);
  }

  // ---- queries -------------------------------------------------------------------------------

  /** Every row, newest request first, with the revision the next delta will follow. */
  snapshot(): ActivitySnapshot {
    const rows = this.store.all();
    rows.sort((a, b) => (a.request_time < b.request_time ? 1 : a.request_time > b.request_time ? -1 : 0));
    return { revision: this.revision, rows };
  }

  page(query: ActivityPageQuery = {}): ActivityPage {
    return this.store.page(query);
  }

  counts(filter?: ActivityFilter): ActivityCounts {
    return this.store.counts(filter);
  }

  row(taskId: string): ActivityRow | null {
    return this.store.get(taskId) ?? null;
  }

  /** The filtered, sorted history as RFC 4180 CSV. */
  exportCsv(filter?: ActivityFilter, sort?: ActivitySort): string {
    return rowsToCsv(this.store.select(filter, sort));
  }

  // ---- detail and actions --------------------------------------------------------------------

  private requireTransfer(): TransferService {
    if (!this.transfer) throw new ActivityError('NotSignedIn', 'Sign in to Globus to see task details.');
    return this.transfer;
  }

  /** Fresh task document (stored copy if Globus cannot be reached) plus what Ferry knows locally. */
  async detail(taskId: string): Promise<TaskDetail> {
    let task: TaskDocument | null = null;
    let stale = false;
    try {
      task = await this.requireTransfer().getTask(taskId);
      this.publish(this.store.applyDocs([task]));
    } catch (error) {
      if (!this.store.get(taskId)) {
        if (error instanceof GlobusApiError && error.status === 404) {
          throw new ActivityError('TaskNotFound', `Task ${taskId} is not in the history and Globus does not know it.`);
        }
        throw error;
      }
      task = this.store.raw(taskId);
      stale = true;
    }
    const row = this.store.get(taskId);
    if (!row) throw new ActivityError('TaskNotFound', `Task ${taskId} is not in the history.`);
    const submission = this.store.submission(taskId);
    return { row, task, stale, submission, canResubmit: submission !== null || row.type === 'TRANSFER' };
  }

  async events(taskId: string, page: { readonly offset?: number; readonly limit?: number } = {}): Promise<EventPage> {
    const offset = Math.max(0, page.offset ?? 0);
    const limit = Math.min(1000, Math.max(1, page.limit ?? 100));
    const res = await this.requireTransfer().taskEvents(taskId, { offset, limit });
    return {
      items: res.DATA,
      offset,
      limit,
      total: typeof res.total === 'number' ? res.total : null,
      hasMore: hasMore(res, offset),
    };
  }

  /** Successful or skipped/failed files of a task, one page (marker-paged as the API is). */
  async files(taskId: string, kind: FileListKind, marker?: string): Promise<FilePage> {
    const t = this.requireTransfer();
    const res = kind === 'successful' ? await t.successfulTransfers(taskId, marker) : await t.skippedErrors(taskId, marker);
    const first = res.DATA[0];
    if (!marker && first && this.store.get(taskId)?.paths === null && this.store.get(taskId)?.type === 'TRANSFER') {
      const summary = `${first.source_path ?? '?'} → ${first.destination_path ?? '?'}${res.DATA.length > 1 || res.next_marker ? ' (+more)' : ''}`;
      const changed = this.store.setPaths(taskId, summary);
      if (changed) this.emitDelta([changed], []);
    }
    return { items: res.DATA, nextMarker: res.next_marker ?? null };
  }

  /** Cancels a task; `TaskComplete` (already ended) is a result, not an error. Refreshes after. */
  async cancel(taskId: string): Promise<CancelResult> {
    const result = await this.requireTransfer().cancelTask(taskId);
    await this.refreshNow();
    return result;
  }

  /**
   * Submits the same items again under a new submission id. Uses the stored submission when
   * Ferry submitted the task; otherwise rebuilds the items from the task's successful and
   * skipped files. The old absolute deadline is dropped (Globus applies its default).
   */
  async resubmit(taskId: string, options: { readonly label?: string; readonly fix?: PathFix } = {}): Promise<ResubmitResult> {
    const t = this.requireTransfer();
    const kept = this.store.submission(taskId);
    const stored = kept && options.fix && 'destination_endpoint' in kept ? applyPathFix(kept, options.fix) : kept;
    const base =
      stored ??
      (await rebuildSubmission(t, taskId, async () => {
        const known = this.store.raw(taskId);
        if (known) return known;
        const task = await t.getTask(taskId);
        this.publish(this.store.applyDocs([task]));
        return task;
      }));
    return submitAgain(this.submitter, base, options.label);
  }

  /**
   * "Fix the path and resubmit": cancels the task if it still runs (Globus refuses identical
   * paths while it does), then submits it again through the one submit path with one item's
   * paths corrected. Only for transfers Ferry submitted (it keeps their documents).
   */
  async resubmitFixed(taskId: string, fix: PathFix): Promise<FixedResubmitResult> {
    const t = this.requireTransfer();
    const kept = this.store.submission(taskId);
    if (!kept || !('destination_endpoint' in kept)) {
      throw new ActivityError('CannotResubmit', 'Only transfers submitted from Ferry can be fixed and resubmitted; for others, start a new transfer in Collections.');
    }
    applyPathFix(kept, fix); // refuse a bad fix before cancelling anything
    const row = this.store.get(taskId);
    let cancelledOriginal = false;
    if (row && isActiveStatus(row.status)) {
      const result = await t.cancelTask(taskId);
      cancelledOriginal = result.code !== 'TaskComplete';
      this.attention.forget([taskId]);
    }
    // Globus may take a few seconds to end a cancelled task and refuses identical paths until it has.
    const submitted = await (cancelledOriginal ? retryWhileConflict(() => this.resubmit(taskId, { fix }), this.clock) : this.resubmit(taskId, { fix }));
    await this.refreshNow();
    return { ...submitted, cancelledOriginal };
  }

  /** Records a task the one submit path announced, whoever submitted it. */
  private recordAnnounced(e: TaskSubmitted): void {
    try {
      this.recordSubmitted(submittedTaskOf(e), e.origin, e.document);
    } catch (error) {
      console.error(`task ${e.taskId} could not be recorded in Activity`, error);
    }
  }

  // ---- polling -------------------------------------------------------------------------------

  private clearTimer(): void {
    this.timer?.();
    this.timer = null;
  }

  private reschedule(ms: number): void {
    this.clearTimer();
    if (!this.running || this.closed) return;
    if (this.inflight) return; // the poll in flight schedules the next one when it ends
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      void this.refreshNow();
    }, ms);
  }

  /**
   * After each poll: fast (1 s, backing off to 1.5 s) while a task Ferry submitted runs, every 10 s
   * while only others' tasks run, every 30 s when nothing does; failures back off exponentially.
   */
  private nextInterval(): number {
    let base: number;
    if (this.store.hasFerryActive()) {
      base = this.fastStep;
      this.fastStep = Math.min(this.fastMaxMs, Math.round(this.fastStep * 1.5));
    } else {
      base = this.store.hasActive() ? this.watchMs : this.slowMs;
      this.fastStep = this.fastMs;
    }
    if (this.failures === 0) return base;
    return Math.min(this.slowMs, Math.max(base, this.fastMs * 2 ** Math.min(this.failures, 10)));
  }

  private runPoll(): Promise<void> {
    this.clearTimer();
    const poll = this.pollOnce()
      .then(
        () => {
          this.failures = 0;
          this.lastError = null;
        },
        (error: unknown) => {
          this.failures += 1;
          this.lastError = errorInfo(error);
        },
      )
      .finally(() => {
        this.inflight = null;
        this.lastPollAt = this.clock.now();
        if (this.closed) return;
        this.emitStatus();
        if (!this.queued) this.reschedule(this.nextInterval());
      });
    this.inflight = poll;
    return poll;
  }

  private async pollOnce(): Promise<void> {
    const t = this.transfer;
    if (!t) return;
    const docs = new Map<string, TaskDocument>();
    await this.backfill(t, docs);
    // One request for every active task (more only past 1000 active tasks).
    for (let offset = 0; ; ) {
      const page = await t.listTasks({ filter: activeTaskFilter, limit: this.pageLimit, offset });
      for (const d of page.DATA) docs.set(d.task_id, d);
      if (!hasMore(page, offset)) break;
      offset += page.DATA.length;
    }
    // Tasks we last saw running that are no longer in the active set have ended: learn how.
    const left = this.store.activeIds().filter((id) => !docs.has(id) && !this.gone.has(id));
    if (left.length > 0) for (const d of await fetchEndedTasks(t, left, this.gone)) docs.set(d.task_id, d);
    if (this.closed) return;
    this.publish(this.store.applyDocs([...docs.values()]));
    // Within this poll: tasks whose faults rose get their newest events read and explained.
    await this.attention.update(t, [...docs.values()]);
    if (this.resolveNames) await this.lookUpNames(t);
  }

  private async backfill(t: TransferService, docs: Map<string, TaskDocument>): Promise<void> {
    if (this.backfillPages <= 0) return;
    const key = `backfill:${this.accountId ?? '*'}`;
    if (this.store.getMeta(key) !== null) return;
    for (let i = 0, offset = 0; i < this.backfillPages; i += 1) {
      const page = await t.listTasks({ limit: this.backfillPageSize, offset, orderby: 'request_time DESC' });
      for (const d of page.DATA) docs.set(d.task_id, d);
      if (!hasMore(page, offset)) break;
      offset += page.DATA.length;
    }
    this.store.setMeta(key, new Date(this.clock.now()).toISOString());
  }

  private async lookUpNames(t: TransferService): Promise<void> {
    const ids = this.store.unnamedCollections().slice(0, maxNameLookupsPerPoll);
    if (ids.length === 0) return;
    const names = new Map<string, string | null>();
    for (const id of ids) {
      try {
        names.set(id, (await t.getCollection(id)).display_name ?? null);
      } catch {
        names.set(id, null); // not visible to this account: do not ask again
      }
    }
    if (this.closed) return;
    const changed = this.store.setCollectionNames(names);
    if (changed.length > 0) this.emitDelta(changed, []);
  }

  // ---- emit ----------------------------------------------------------------------------------

  private publish(result: ApplyResult): void {
    if (result.upserted.length > 0) this.emitDelta(result.upserted, []);
    for (const ended of result.ended) {
      if (isActiveStatus(ended.row.status)) continue;
      // Others often end close behind (batches of a queue, a sync run): look again soon.
      this.fastStep = this.fastMs;
      for (const l of [...this.endedListeners]) safeCall(() => l(ended));
    }
  }

  private emitDelta(upserted: readonly ActivityRow[], removed: readonly string[]): void {
    this.revision += 1;
    const delta: ActivityDelta = { revision: this.revision, upserted, removed };
    for (const l of [...this.deltaListeners]) safeCall(() => l(delta));
  }

  private emitStatus(): void {
    if (this.statusListeners.size === 0) return;
    const s = this.status();
    for (const l of [...this.statusListeners]) safeCall(() => l(s));
  }
}

function safeCall(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    console.error('activity listener failed', error);
  }
}

export function createActivityService(options: ActivityServiceOptions): ActivityService {
  return new ActivityService(options);
}
