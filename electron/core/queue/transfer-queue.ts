import { GlobusApiError, type TransferService } from '../globus';
import type { FileRecord, Paged, TaskDocument, TransferSubmission } from '../../../shared/globus-types';
import { assertNever } from '../../../shared/assert-never';
import { systemClock, type QueueClock } from './clock';
import { createQueueStore, fileKey, toBatch, type BatchRow, type ItemOutcome, type ProgressUpdate, type QueueStore } from './queue-store';
import { classifySubmitError, conflictBlocker, describeError, isNotFound } from './errors';
import {
  defaultQueueOptions,
  globusActiveTaskLimit,
  type EnqueueItem,
  type EnqueueOptions,
  type EnqueueResult,
  type ItemQuery,
  type QueueBatch,
  type QueueItem,
  type QueueOptions,
  type BatchSubmitted,
  type QueueSnapshot,
  type ReconciliationKind,
  type TickReport,
} from './types';

export interface TransferQueueInit {
  readonly transfer: TransferService;
  /** The queue database file (or ':memory:'); or pass `store`. */
  readonly file?: string;
  readonly store?: QueueStore;
  readonly options?: Partial<QueueOptions>;
  readonly clock?: QueueClock;
}

export type QueueListener = (snapshot: QueueSnapshot) => void;
export type SubmittedListener = (event: BatchSubmitted) => void;

/** Globus task_list accepts at most this many ids in one `task_id:` filter. */
const taskIdsPerFilter = 50;
/** At most this many getTask re-checks per tick, so a bad hour never floods the API. */
const rechecksPerTick = 10;
const pausedKey = 'paused';

interface Tally {
  polled: number;
  finished: number;
  planned: number;
  submitted: number;
  reconciled: number;
  error: string | null;
}

interface Sample {
  readonly at: number;
  readonly destination: string;
  readonly bytes: number;
}

/**
 * The send queue and its dispatcher (the librarian's send queue, consume_queue and
 * check_consumed_queue, plus the outgoing hypervisor). One `tick()` polls every active task
 * with one task_list request, re-checks aged or stalled tasks, then plans and submits batches
 * while fewer than M tasks are active. `start()` runs ticks on the clock.
 */
export class TransferQueue {
  readonly #transfer: TransferService;
  readonly #store: QueueStore;
  readonly #clock: QueueClock;
  #options: QueueOptions;
  readonly #listeners = new Set<QueueListener>();
  readonly #submittedListeners = new Set<SubmittedListener>();
  #running: Promise<TickReport> | undefined;
  #timer: unknown;
  #started = false;
  #kicked = false;
  #backoffUntil = 0;
  #limitBackoff: number;
  #lastError: string | null = null;
  #samples: Sample[] = [];

  constructor(init: TransferQueueInit) {
    this.#transfer = init.transfer;
    this.#clock = init.clock ?? systemClock;
    this.#options = normalizeOptions({ ...defaultQueueOptions, ...init.options });
    this.#store = init.store ?? createQueueStore(init.file ?? ':memory:');
    this.#store.batchSize = this.#options.batchSize;
    this.#limitBackoff = this.#options.limitBackoffMs;
  }

  get options(): QueueOptions {
    return this.#options;
  }

  updateOptions(patch: Partial<QueueOptions>): void {
    this.#options = normalizeOptions({ ...this.#options, ...patch });
    this.#store.batchSize = this.#options.batchSize;
    this.#changed();
  }

  enqueue(items: readonly EnqueueItem[], options?: EnqueueOptions): EnqueueResult {
    const result = this.#store.enqueue(items, options, this.#clock.now());
    if (result.inserted > 0) {
      this.#changed();
      this.kick();
    }
    return result;
  }

  get paused(): boolean {
    return this.#store.getMeta(pausedKey) === 'true';
  }

  /** Stops planning and submitting; active tasks are still watched. Survives a restart. */
  pause(): void {
    this.#store.setMeta(pausedKey, 'true');
    this.#changed();
  }

  resume(): void {
    this.#store.setMeta(pausedKey, 'false');
    this.#changed();
    this.kick();
  }

  /**
   * A disabled destination gets no new tasks: its items stay queued (batches not yet holding a
   * submission id go back to queued). Tasks already at Globus run on.
   */
  setDestinationEnabled(collection: string, enabled: boolean): void {
    this.#store.setDestinationEnabled(collection, enabled);
    if (!enabled) this.#store.reopenUnsubmitted(collection);
    this.#changed();
    if (enabled) this.kick();
  }

  retryFailed(itemIds?: readonly number[]): number {
    const n = this.#store.retryFailed(itemIds, this.#clock.now());
    if (n > 0) {
      this.#changed();
      this.kick();
    }
    return n;
  }

  /** Cancels the Globus task of an active batch; files not yet transferred go back to the queue. */
  async cancelBatch(batchId: number): Promise<boolean> {
    const batch = this.#store.batch(batchId);
    if (!batch || batch.state !== 'active' || batch.task_id === null) return false;
    await this.#cancelAndRequeue(batch, 'cancelled-by-user', emptyTally());
    this.#changed();
    return true;
  }

  listItems(query?: ItemQuery): QueueItem[] {
    return this.#store.listItems(query);
  }

  listBatches(limit?: number): QueueBatch[] {
    return this.#store.listBatches(limit);
  }

  onChange(listener: QueueListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Called once for each batch Globus accepted as a task (also when a resubmission after a crash
   * answered Duplicate), after the acceptance is recorded; for the activity history, say.
   */
  onSubmitted(listener: SubmittedListener): () => void {
    this.#submittedListeners.add(listener);
    return () => {
      this.#submittedListeners.delete(listener);
    };
  }

  /** Runs the dispatcher on the clock until `stop()`. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#started = false;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.stop();
    this.#listeners.clear();
    this.#submittedListeners.clear();
    this.#store.close();
  }

  /** Asks for a tick soon (after an enqueue, say) instead of at the next poll. */
  kick(): void {
    if (!this.#started) return;
    this.#kicked = true;
    if (this.#running === undefined) this.#schedule(0);
  }

  #schedule(ms: number): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      void this.tick().then(() => {
        if (!this.#started) return;
        const again = this.#kicked ? 0 : this.#options.pollIntervalMs;
        this.#kicked = false;
        this.#schedule(again);
      });
    }, ms);
  }

  /** One round: poll, hypervise, dispatch. Concurrent calls share the round under way. */
  tick(): Promise<TickReport> {
    if (this.#running) return this.#running;
    this.#kicked = false;
    this.#running = this.#round().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #round(): Promise<TickReport> {
    const tally = emptyTally();
    const phases: readonly (() => Promise<void>)[] = [
      () => this.#poll(tally),
      () => this.#hypervise(tally),
      () => (this.paused ? Promise.resolve() : this.#dispatch(tally)),
    ];
    for (const phase of phases) {
      try {
        await phase();
      } catch (error) {
        tally.error = describeError(error);
      }
    }
    if (tally.error !== null) this.#lastError = tally.error;
    const activeTasks = this.#store.unfinishedBatches().filter((b) => b.state === 'active').length;
    this.#changed();
    return { ...tally, activeTasks };
  }

  // --- checking -------------------------------------------------------------------------

  async #poll(tally: Tally): Promise<void> {
    const active = this.#store.unfinishedBatches().filter((b) => b.state === 'active' && b.task_id !== null);
    if (active.length === 0) return;
    const docs = new Map<string, TaskDocument>();
    const page = await this.#transfer.listTasks({ filter: 'type:TRANSFER/status:ACTIVE,INACTIVE', limit: 1000 });
    tally.polled += 1;
    for (const doc of page.DATA) docs.set(doc.task_id, doc);
    // Tasks that left the active list ended (or are unknown): ask for them by id, 50 at a time.
    const missing = active.filter((b) => !docs.has(b.task_id ?? ''));
    for (let i = 0; i < missing.length; i += taskIdsPerFilter) {
      const ids = missing.slice(i, i + taskIdsPerFilter).map((b) => b.task_id ?? '');
      const found = await this.#transfer.listTasks({ filter: `task_id:${ids.join(',')}`, limit: 1000 });
      for (const doc of found.DATA) docs.set(doc.task_id, doc);
    }
    const now = this.#clock.now();
    const updates: ProgressUpdate[] = [];
    for (const batch of active) {
      const doc = docs.get(batch.task_id ?? '');
      if (!doc) {
        updates.push({ ...progressOf(batch), unseenPolls: batch.unseen_polls + 1 });
        continue;
      }
      if (doc.status === 'SUCCEEDED' || doc.status === 'FAILED') {
        await this.#finish(batch, doc, tally);
        continue;
      }
      updates.push(this.#progress(batch, doc, now));
    }
    this.#store.recordProgress(updates);
  }

  /** New counters of an active task; counts a poll without progress toward a stall. */
  #progress(batch: BatchRow, doc: TaskDocument, now: number): ProgressUpdate {
    const bytes = doc.bytes_transferred ?? 0;
    const files = doc.files_transferred ?? 0;
    const moved = bytes > batch.bytes_transferred || files > batch.files_transferred;
    if (bytes > batch.bytes_transferred) this.#sample(now, batch.destination, bytes - batch.bytes_transferred);
    // Waiting for one of Globus' few running slots, or INACTIVE (needs a person: credentials or
    // consent), is not a stall: cancelling would only make another task that waits the same way.
    const notStalled = moved || doc.status === 'INACTIVE' || /queued/i.test(doc.nice_status ?? '');
    return {
      batchId: batch.id,
      bytesTransferred: Math.max(bytes, batch.bytes_transferred),
      filesTransferred: Math.max(files, batch.files_transferred),
      stalledPolls: notStalled ? 0 : batch.stalled_polls + 1,
      unseenPolls: 0,
      taskStatus: doc.status,
    };
  }

  /** Marks the items of an ended task: failed files from Globus' listings, the rest succeeded. */
  async #finish(batch: BatchRow, doc: TaskDocument, tally: Tally): Promise<void> {
    const taskId = doc.task_id;
    const now = this.#clock.now();
    const bytes = doc.bytes_transferred ?? batch.bytes_transferred;
    if (bytes > batch.bytes_transferred) this.#sample(now, batch.destination, bytes - batch.bytes_transferred);
    const exceptions = new Map<string, ItemOutcome>();
    if (doc.status === 'SUCCEEDED') {
      if ((doc.files_skipped ?? 0) > 0 || (doc.subtasks_skipped_errors ?? 0) > 0) {
        for (const f of await collect((m) => this.#transfer.skippedErrors(taskId, m))) {
          exceptions.set(fileKey(f.source_path, f.destination_path), { state: 'failed', reason: fileReason(f) });
        }
      }
      this.#store.settle(
        batch.id,
        { batchState: 'done', taskStatus: doc.status, outcome: { state: 'succeeded' }, exceptions, bytesTransferred: bytes },
        now,
      );
    } else {
      for (const f of await collect((m) => this.#transfer.successfulTransfers(taskId, m))) {
        exceptions.set(fileKey(f.source_path, f.destination_path), { state: 'succeeded' });
      }
      const cancelled = batch.cancel_kind !== null;
      const outcome: ItemOutcome = cancelled ? { state: 'queued' } : { state: 'failed', reason: taskReason(doc) };
      this.#store.settle(
        batch.id,
        { batchState: cancelled ? 'cancelled' : 'done', taskStatus: doc.status, outcome, exceptions, bytesTransferred: bytes },
        now,
      );
      if (batch.cancel_kind !== null) {
        this.#store.log(
          batch.cancel_kind,
          batch.id,
          taskId,
          `${exceptions.size} of ${batch.files} files had arrived; ${batch.files - exceptions.size} requeued`,
          now,
        );
        tally.reconciled += 1;
      }
    }
    tally.finished += 1;
  }

  // --- hypervisor -----------------------------------------------------------------------

  async #hypervise(tally: Tally): Promise<void> {
    const now = this.#clock.now();
    const o = this.#options;
    const candidates = this.#store
      .unfinishedBatches()
      .filter((b) => b.state === 'active' && b.task_id !== null)
      .filter((b) => {
        const stalled = b.stalled_polls >= o.stallPolls;
        const unseen = b.unseen_polls >= 2;
        const aged = now - (b.submitted_at ?? now) >= o.maxTaskAgeMs;
        const due = b.last_checked_at === null || now - b.last_checked_at >= o.recheckIntervalMs;
        return (stalled && o.cancelStalled) || unseen || ((stalled || aged) && due);
      })
      .slice(0, rechecksPerTick);
    for (const batch of candidates) {
      const taskId = batch.task_id ?? '';
      this.#store.markChecked(batch.id, now);
      let doc: TaskDocument;
      try {
        doc = await this.#transfer.getTask(taskId);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        this.#store.settle(batch.id, { batchState: 'lost', taskStatus: null, outcome: { state: 'queued' } }, now);
        this.#store.log('task-unknown', batch.id, taskId, `Globus does not know task ${taskId}; ${batch.files} files requeued`, now);
        tally.reconciled += 1;
        continue;
      }
      if (doc.status === 'SUCCEEDED' || doc.status === 'FAILED') {
        await this.#finish(batch, doc, tally);
        if (batch.cancel_kind === null) {
          this.#store.log('missed-completion', batch.id, taskId, `task had ended ${doc.status} without the poll seeing it`, now);
          tally.reconciled += 1;
        }
        continue;
      }
      this.#store.recordProgress([{ ...this.#progress(batch, doc, now), stalledPolls: batch.stalled_polls }]);
      const aged = now - (batch.submitted_at ?? now) >= o.maxTaskAgeMs;
      if (batch.stalled_polls >= o.stallPolls && o.cancelStalled) {
        await this.#cancelAndRequeue(batch, 'cancelled-stalled', tally);
      } else if (aged && o.cancelAged) {
        await this.#cancelAndRequeue(batch, 'cancelled-aged', tally);
      }
    }
  }

  /**
   * Records the intent first (so a crash still requeues), cancels, and settles at once when
   * Globus reports the task ended; otherwise the next poll settles it.
   */
  async #cancelAndRequeue(batch: BatchRow, kind: ReconciliationKind, tally: Tally): Promise<void> {
    const taskId = batch.task_id ?? '';
    this.#store.markCancelRequested(batch.id, kind);
    const result = await this.#transfer.cancelTask(taskId);
    const doc = await this.#transfer.getTask(taskId);
    const current = this.#store.batch(batch.id);
    if (!current || current.state !== 'active') return;
    if (doc.status !== 'SUCCEEDED' && doc.status !== 'FAILED') return;
    if (result.code === 'TaskComplete') {
      this.#store.log('cancel-found-complete', batch.id, taskId, `task had already ended ${doc.status}`, this.#clock.now());
      tally.reconciled += 1;
    }
    await this.#finish(current, doc, tally);
  }

  // --- dispatching ----------------------------------------------------------------------

  async #dispatch(tally: Tally): Promise<void> {
    const now = this.#clock.now();
    if (now < this.#backoffUntil) return;
    const max = this.#options.maxActiveTasks;
    const enabled = this.#store.enabledMap();
    const isEnabled = (b: BatchRow): boolean => enabled.get(b.destination) !== false;
    let unfinished = this.#store.unfinishedBatches();
    const used = (): number => unfinished.filter((b) => b.state === 'active' || b.submission_id !== null).length;
    // A slot is taken by an active task or by a batch holding a submission id (it may already
    // be a task at Globus), so Globus never sees more than M of ours.
    let free = max - used();
    const waiting = unfinished.filter((b) => b.state === 'planned' && b.submission_id === null && isEnabled(b)).length;
    if (free - waiting > 0) tally.planned += this.#store.plan(free - waiting, now).length;
    unfinished = this.#store.unfinishedBatches();
    for (const batch of unfinished) {
      if (free <= 0) break;
      if (batch.state !== 'planned' || batch.submission_id !== null || !isEnabled(batch)) continue;
      this.#store.setSubmissionId(batch.id, await this.#transfer.getSubmissionId());
      free -= 1;
    }
    unfinished = this.#store.unfinishedBatches();
    let active = unfinished.filter((b) => b.state === 'active').length;
    for (const batch of unfinished) {
      if (batch.state !== 'planned' || batch.submission_id === null || !isEnabled(batch)) continue;
      if (batch.next_attempt_at > this.#clock.now()) continue;
      if (active >= max) break;
      const outcome = await this.#submit(batch);
      if (outcome === 'accepted') {
        active += 1;
        tally.submitted += 1;
      } else if (outcome === 'stop') {
        break;
      }
    }
  }

  async #submit(batch: BatchRow): Promise<'accepted' | 'later' | 'stop'> {
    const o = this.#options;
    const doc: TransferSubmission = {
      source_endpoint: batch.source,
      destination_endpoint: batch.destination,
      submission_id: batch.submission_id ?? '',
      label: `${o.labelPrefix} batch ${batch.id}`.replace(/[^A-Za-z0-9 _.,-]/g, '_').slice(0, 128),
      notify_on_succeeded: o.notifyGlobus,
      notify_on_failed: o.notifyGlobus,
      notify_on_inactive: o.notifyGlobus,
      DATA: this.#store
        .batchFiles(batch.id)
        .map((f) => ({ DATA_TYPE: 'transfer_item' as const, source_path: f.source_path, destination_path: f.destination_path })),
    };
    try {
      const result = await this.#transfer.submitTransfer(doc);
      this.#accept(batch, result.task_id, result.code, doc);
      return 'accepted';
    } catch (error) {
      const now = this.#clock.now();
      const message = describeError(error);
      const kind = classifySubmitError(error);
      switch (kind) {
        case 'duplicate': {
          const taskId = error instanceof GlobusApiError ? duplicateTaskId(error) : undefined;
          if (taskId !== undefined) {
            this.#accept(batch, taskId, 'Duplicate', doc);
            return 'accepted';
          }
          this.#store.markRetry(batch.id, now + o.transientBackoffMs, message);
          return 'later';
        }
        case 'limit':
          this.#backoffUntil = now + this.#limitBackoff;
          this.#limitBackoff = Math.min(this.#limitBackoff * 2, o.maxBackoffMs);
          this.#store.markRetry(batch.id, this.#backoffUntil, message);
          this.#lastError = message;
          return 'stop';
        case 'conflict': {
          const blocker = conflictBlocker(error);
          if (blocker !== null && blocker !== batch.blocked_by) {
            this.#store.log('conflict-blocked', batch.id, null, `waits for task ${blocker} with identical paths`, now);
          }
          this.#store.markRetry(batch.id, now + o.conflictBackoffMs, message, blocker);
          return 'later';
        }
        case 'transient':
          this.#backoffUntil = now + o.transientBackoffMs;
          this.#store.markRetry(batch.id, this.#backoffUntil, message);
          this.#lastError = message;
          return 'stop';
        case 'fatal':
          this.#store.markRejected(batch.id, message, now);
          this.#lastError = message;
          return 'later';
        default:
          return assertNever(kind, 'submit error kind');
      }
    }
  }

  #accept(batch: BatchRow, taskId: string, code: string, submission: TransferSubmission): void {
    const now = this.#clock.now();
    this.#store.markAccepted(batch.id, taskId, now);
    this.#limitBackoff = this.#options.limitBackoffMs;
    const duplicate = code === 'Duplicate';
    if (duplicate) {
      this.#store.log('duplicate-resolved', batch.id, taskId, 'resubmission answered Duplicate: the batch was already this task', now);
    }
    if (this.#submittedListeners.size === 0) return;
    const event: BatchSubmitted = {
      batchId: batch.id,
      taskId,
      submissionId: submission.submission_id,
      source: batch.source,
      destination: batch.destination,
      files: submission.DATA.length,
      bytes: batch.bytes,
      label: submission.label ?? null,
      duplicate,
      submittedAt: now,
      submission,
    };
    for (const listener of this.#submittedListeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the queue goes on.
      }
    }
  }

  // --- view -----------------------------------------------------------------------------

  #sample(at: number, destination: string, bytes: number): void {
    this.#samples.push({ at, destination, bytes });
    if (this.#samples.length > 10_000) {
      const from = at - this.#options.throughputWindowMs;
      this.#samples = this.#samples.filter((s) => s.at > from);
    }
  }

  snapshot(): QueueSnapshot {
    const now = this.#clock.now();
    const o = this.#options;
    this.#samples = this.#samples.filter((s) => s.at > now - o.throughputWindowMs);
    const unfinished = this.#store.unfinishedBatches();
    const enabled = this.#store.enabledMap();
    const perDestination = this.#store.perDestination();
    const bytesIn = new Map<string, number>();
    for (const s of this.#samples) bytesIn.set(s.destination, (bytesIn.get(s.destination) ?? 0) + s.bytes);
    const collections = new Set([...perDestination.keys(), ...enabled.keys()]);
    return {
      paused: this.paused,
      counts: this.#store.counts(),
      activeTasks: unfinished.filter((b) => b.state === 'active').length,
      inactiveTasks: unfinished.filter((b) => b.state === 'active' && b.task_status === 'INACTIVE').length,
      maxActiveTasks: o.maxActiveTasks,
      batchSize: o.batchSize,
      pendingBatches: unfinished.filter((b) => b.state === 'planned' && b.submission_id !== null).length,
      backoffUntil: this.#backoffUntil > now ? this.#backoffUntil : null,
      lastError: this.#lastError,
      destinations: [...collections].sort().map((collection) => ({
        collection,
        enabled: enabled.get(collection) !== false,
        queued: perDestination.get(collection)?.queued ?? 0,
        activeTasks: perDestination.get(collection)?.active ?? 0,
        bytesPerSecond: ((bytesIn.get(collection) ?? 0) * 1000) / o.throughputWindowMs,
      })),
      blocked: unfinished
        .filter((b) => b.state === 'planned' && b.blocked_by !== null)
        .map((b) => ({ batchId: b.id, destination: b.destination, blockedBy: b.blocked_by ?? '', retryAt: b.next_attempt_at })),
      reconciliations: this.#store.recentLog(o.snapshotLogSize),
      throughputWindowMs: o.throughputWindowMs,
      at: now,
    };
  }

  /** Open batches, planned and active ones, as plain data. */
  unfinishedBatches(): QueueBatch[] {
    return this.#store.unfinishedBatches().map(toBatch);
  }

  #changed(): void {
    if (this.#listeners.size === 0) return;
    const snapshot = this.snapshot();
    for (const listener of this.#listeners) {
      try {
        listener(snapshot);
      } catch {
        // A listener's failure is its own; the queue goes on.
      }
    }
  }
}

export function openTransferQueue(init: TransferQueueInit): TransferQueue {
  return new TransferQueue(init);
}

function normalizeOptions(o: QueueOptions): QueueOptions {
  const whole = (n: number, min: number, fallback: number): number => (Number.isFinite(n) ? Math.max(min, Math.floor(n)) : fallback);
  return {
    ...o,
    batchSize: whole(o.batchSize, 1, defaultQueueOptions.batchSize),
    maxActiveTasks: Math.min(globusActiveTaskLimit, whole(o.maxActiveTasks, 1, defaultQueueOptions.maxActiveTasks)),
    pollIntervalMs: whole(o.pollIntervalMs, 1, defaultQueueOptions.pollIntervalMs),
    stallPolls: whole(o.stallPolls, 1, defaultQueueOptions.stallPolls),
    throughputWindowMs: whole(o.throughputWindowMs, 1, defaultQueueOptions.throughputWindowMs),
    limitBackoffMs: whole(o.limitBackoffMs, 1, defaultQueueOptions.limitBackoffMs),
  };
}

function emptyTally(): Tally {
  return { polled: 0, finished: 0, planned: 0, submitted: 0, reconciled: 0, error: null };
}

function progressOf(b: BatchRow): ProgressUpdate {
  return {
    batchId: b.id,
    bytesTransferred: b.bytes_transferred,
    filesTransferred: b.files_transferred,
    stalledPolls: b.stalled_polls,
    unseenPolls: b.unseen_polls,
    taskStatus: b.task_status,
  };
}

async function collect(page: (marker?: string) => Promise<Paged<FileRecord>>): Promise<FileRecord[]> {
  const out: FileRecord[] = [];
  let marker: string | undefined;
  for (let guard = 0; guard < 100_000; guard++) {
    const p = await page(marker);
    out.push(...p.DATA);
    if (!p.has_next_page || p.next_marker === null || p.next_marker === undefined || p.next_marker === marker) break;
    marker = p.next_marker;
  }
  return out;
}

function fileReason(f: FileRecord): string {
  return [f.error_code, f.error_details].filter((x) => x !== undefined && x !== '').join(': ') || 'skipped by Globus';
}

function taskReason(doc: TaskDocument): string {
  if (doc.fatal_error) return `${doc.fatal_error.code}: ${doc.fatal_error.description}`;
  return `task ${doc.task_id} ended ${doc.status}${doc.nice_status ? ` (${doc.nice_status})` : ''}`;
}

function duplicateTaskId(error: GlobusApiError): string | undefined {
  const body = error.body as { task_id?: unknown } | undefined;
  return typeof body?.task_id === 'string' ? body.task_id : undefined;
}
