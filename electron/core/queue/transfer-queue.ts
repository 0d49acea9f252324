import type { QueueBatchRow, QueueItemRow } from '../../../shared/contract/queue';
import { queueMaxActiveTasksLimit } from '../../../shared/contract/queue';
import type { TransferSubmission } from '../../../shared/globus-types';
import { assertNever } from '../../../shared/assert-never';
import { buildTransferDocument, GlobusApiError, type Submitter, type TransferRequestPlain, type TransferService } from '../globus';
import { systemClock, type Clock } from '../kernel';
import { createQueueStore, toBatch, type BatchRow, type QueueStore } from './queue-store';
import { classifySubmitError, conflictBlocker, describeError } from './errors';
import { emptyTally, TaskChecker, type Tally } from './task-checker';
import {
  defaultQueueOptions,
  type EnqueueItem,
  type EnqueueOptions,
  type EnqueueResult,
  type ItemQuery,
  type QueueOptions,
  type BatchSubmitted,
  type QueueSnapshot,
  type TickReport,
} from './types';

export interface TransferQueueInit {
  /** Polls and cancels tasks (submissions go through `submitter`). */
  readonly transfer: TransferService;
  /** The one submit path: every batch is submitted (and announced) through it. */
  readonly submitter: Submitter;
  /** The queue database file (or ':memory:'); or pass `store`. */
  readonly file?: string;
  readonly store?: QueueStore;
  readonly options?: Partial<QueueOptions>;
  readonly clock?: Clock;
}

export type QueueListener = (snapshot: QueueSnapshot) => void;
export type SubmittedListener = (event: BatchSubmitted) => void;

const pausedKey = 'paused';

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
  readonly #submitter: Submitter;
  readonly #store: QueueStore;
  readonly #clock: Clock;
  readonly #checker: TaskChecker;
  #options: QueueOptions;
  readonly #listeners = new Set<QueueListener>();
  readonly #submittedListeners = new Set<SubmittedListener>();
  #running: Promise<TickReport> | undefined;
  #cancelTimer: (() => void) | undefined;
  #started = false;
  #kicked = false;
  #backoffUntil = 0;
  #limitBackoff: number;
  #lastError: string | null = null;
  #samples: Sample[] = [];

  constructor(init: TransferQueueInit) {
    this.#submitter = init.submitter;
    this.#clock = init.clock ?? systemClock;
    this.#options = normalizeOptions({ ...defaultQueueOptions, ...init.options });
    this.#store = init.store ?? createQueueStore(init.file ?? ':memory:');
    this.#store.batchSize = this.#options.batchSize;
    this.#limitBackoff = this.#options.limitBackoffMs;
    this.#checker = new TaskChecker({
      transfer: init.transfer,
      store: this.#store,
      clock: this.#clock,
      options: () => this.#options,
      sample: (at, destination, bytes) => this.#sample(at, destination, bytes),
    });
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
    await this.#checker.cancelAndRequeue(batch, 'cancelled-by-user', emptyTally());
    this.#changed();
    return true;
  }

  listItems(query?: ItemQuery): QueueItemRow[] {
    return this.#store.listItems(query);
  }

  listBatches(limit?: number): QueueBatchRow[] {
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
   * answered Duplicate), after the acceptance is recorded. (Activity hears of every task from the
   * submitter, not from here.)
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
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
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
    this.#cancelTimer?.();
    this.#cancelTimer = this.#clock.setTimeout(() => {
      this.#cancelTimer = undefined;
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
      () => this.#checker.poll(tally),
      () => this.#checker.hypervise(tally),
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
      this.#store.setSubmissionId(batch.id, await this.#submitter.newSubmissionId());
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
    const submissionId = batch.submission_id ?? '';
    const request: TransferRequestPlain = {
      source: batch.source,
      destination: batch.destination,
      submissionId,
      label: `${o.labelPrefix} batch ${batch.id}`.replace(/[^A-Za-z0-9 _.,-]/g, '_').slice(0, 128),
      notify: o.notifyGlobus,
      items: this.#store.batchFiles(batch.id).map((f) => ({ sourcePath: f.source_path, destinationPath: f.destination_path })),
    };
    try {
      const submitted = await this.#submitter.transfer(request, 'queue');
      const doc = submitted.type === 'TRANSFER' ? submitted.document : buildTransferDocument(request, submissionId);
      this.#accept(batch, submitted.taskId, submitted.code, doc);
      return 'accepted';
    } catch (error) {
      const now = this.#clock.now();
      const message = describeError(error);
      const kind = classifySubmitError(error);
      switch (kind) {
        case 'duplicate': {
          const taskId = error instanceof GlobusApiError ? duplicateTaskId(error) : undefined;
          if (taskId !== undefined) {
            // Globus answered with an error naming the task: accepted, though no one announced it.
            this.#accept(batch, taskId, 'Duplicate', buildTransferDocument(request, submissionId));
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
  unfinishedBatches(): QueueBatchRow[] {
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
    maxActiveTasks: Math.min(queueMaxActiveTasksLimit, whole(o.maxActiveTasks, 1, defaultQueueOptions.maxActiveTasks)),
    pollIntervalMs: whole(o.pollIntervalMs, 1, defaultQueueOptions.pollIntervalMs),
    stallPolls: whole(o.stallPolls, 1, defaultQueueOptions.stallPolls),
    throughputWindowMs: whole(o.throughputWindowMs, 1, defaultQueueOptions.throughputWindowMs),
    limitBackoffMs: whole(o.limitBackoffMs, 1, defaultQueueOptions.limitBackoffMs),
  };
}

function duplicateTaskId(error: GlobusApiError): string | undefined {
  const body = error.body as { task_id?: unknown } | undefined;
  return typeof body?.task_id === 'string' ? body.task_id : undefined;
}
