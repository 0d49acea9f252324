/**
 * Checking the queue's tasks at Globus: one task_list poll for every active task, the hypervisor
 * that re-checks aged, stalled or unseen tasks with getTask, and cancel-and-requeue.
 */
import type { QueueReconciliationKind } from '../../../shared/contract/queue';
import type { FileRecord, Paged, TaskDocument } from '../../../shared/globus-types';
import type { TransferService } from '../globus';
import type { Clock } from '../kernel';
import { isNotFound } from './errors';
import { fileKey, type BatchRow, type ItemOutcome, type ProgressUpdate, type QueueStore } from './queue-store';
import type { QueueOptions } from './types';

/** Globus task_list accepts at most this many ids in one `task_id:` filter. */
const taskIdsPerFilter = 50;
/** At most this many getTask re-checks per tick, so a bad hour never floods the API. */
const rechecksPerTick = 10;

/** What one tick did so far. */
export interface Tally {
  polled: number;
  finished: number;
  planned: number;
  submitted: number;
  reconciled: number;
  error: string | null;
}

export interface TaskCheckerDeps {
  readonly transfer: TransferService;
  readonly store: QueueStore;
  readonly clock: Clock;
  /** The dispatcher's options as they are now. */
  options(): QueueOptions;
  /** Bytes that arrived at a destination, for its throughput. */
  sample(at: number, destination: string, bytes: number): void;
}

export class TaskChecker {
  readonly #deps: TaskCheckerDeps;

  constructor(deps: TaskCheckerDeps) {
    this.#deps = deps;
  }

  async poll(tally: Tally): Promise<void> {
    const active = this.#deps.store.unfinishedBatches().filter((b) => b.state === 'active' && b.task_id !== null);
    if (active.length === 0) return;
    const docs = new Map<string, TaskDocument>();
    const page = await this.#deps.transfer.listTasks({ filter: 'type:TRANSFER/status:ACTIVE,INACTIVE', limit: 1000 });
    tally.polled += 1;
    for (const doc of page.DATA) docs.set(doc.task_id, doc);
    // Tasks that left the active list ended (or are unknown): ask for them by id, 50 at a time.
    const missing = active.filter((b) => !docs.has(b.task_id ?? ''));
    for (let i = 0; i < missing.length; i += taskIdsPerFilter) {
      const ids = missing.slice(i, i + taskIdsPerFilter).map((b) => b.task_id ?? '');
      const found = await this.#deps.transfer.listTasks({ filter: `task_id:${ids.join(',')}`, limit: 1000 });
      for (const doc of found.DATA) docs.set(doc.task_id, doc);
    }
    const now = this.#deps.clock.now();
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
    this.#deps.store.recordProgress(updates);
  }

  /** New counters of an active task; counts a poll without progress toward a stall. */
  #progress(batch: BatchRow, doc: TaskDocument, now: number): ProgressUpdate {
    const bytes = doc.bytes_transferred ?? 0;
    const files = doc.files_transferred ?? 0;
    const moved = bytes > batch.bytes_transferred || files > batch.files_transferred;
    if (bytes > batch.bytes_transferred) this.#deps.sample(now, batch.destination, bytes - batch.bytes_transferred);
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
    const now = this.#deps.clock.now();
    const bytes = doc.bytes_transferred ?? batch.bytes_transferred;
    if (bytes > batch.bytes_transferred) this.#deps.sample(now, batch.destination, bytes - batch.bytes_transferred);
    const exceptions = new Map<string, ItemOutcome>();
    if (doc.status === 'SUCCEEDED') {
      if ((doc.files_skipped ?? 0) > 0 || (doc.subtasks_skipped_errors ?? 0) > 0) {
        for (const f of await collect((m) => this.#deps.transfer.skippedErrors(taskId, m))) {
          exceptions.set(fileKey(f.source_path, f.destination_path), { state: 'failed', reason: fileReason(f) });
        }
      }
      this.#deps.store.settle(
        batch.id,
        { batchState: 'done', taskStatus: doc.status, outcome: { state: 'succeeded' }, exceptions, bytesTransferred: bytes },
        now,
      );
    } else {
      for (const f of await collect((m) => this.#deps.transfer.successfulTransfers(taskId, m))) {
        exceptions.set(fileKey(f.source_path, f.destination_path), { state: 'succeeded' });
      }
      const cancelled = batch.cancel_kind !== null;
      const outcome: ItemOutcome = cancelled ? { state: 'queued' } : { state: 'failed', reason: taskReason(doc) };
      this.#deps.store.settle(
        batch.id,
        { batchState: cancelled ? 'cancelled' : 'done', taskStatus: doc.status, outcome, exceptions, bytesTransferred: bytes },
        now,
      );
      if (batch.cancel_kind !== null) {
        this.#deps.store.log(
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

  async hypervise(tally: Tally): Promise<void> {
    const now = this.#deps.clock.now();
    const o = this.#deps.options();
    const candidates = this.#deps.store
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
      this.#deps.store.markChecked(batch.id, now);
      let doc: TaskDocument;
      try {
        doc = await this.#deps.transfer.getTask(taskId);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        this.#deps.store.settle(batch.id, { batchState: 'lost', taskStatus: null, outcome: { state: 'queued' } }, now);
        this.#deps.store.log('task-unknown', batch.id, taskId, `Globus does not know task ${taskId}; ${batch.files} files requeued`, now);
        tally.reconciled += 1;
        continue;
      }
      if (doc.status === 'SUCCEEDED' || doc.status === 'FAILED') {
        await this.#finish(batch, doc, tally);
        if (batch.cancel_kind === null) {
          this.#deps.store.log('missed-completion', batch.id, taskId, `task had ended ${doc.status} without the poll seeing it`, now);
          tally.reconciled += 1;
        }
        continue;
      }
      this.#deps.store.recordProgress([{ ...this.#progress(batch, doc, now), stalledPolls: batch.stalled_polls }]);
      const aged = now - (batch.submitted_at ?? now) >= o.maxTaskAgeMs;
      if (batch.stalled_polls >= o.stallPolls && o.cancelStalled) {
        await this.cancelAndRequeue(batch, 'cancelled-stalled', tally);
      } else if (aged && o.cancelAged) {
        await this.cancelAndRequeue(batch, 'cancelled-aged', tally);
      }
    }
  }

  /**
   * Records the intent first (so a crash still requeues), cancels, and settles at once when
   * Globus reports the task ended; otherwise the next poll settles it.
   */
  async cancelAndRequeue(batch: BatchRow, kind: QueueReconciliationKind, tally: Tally): Promise<void> {
    const taskId = batch.task_id ?? '';
    this.#deps.store.markCancelRequested(batch.id, kind);
    const result = await this.#deps.transfer.cancelTask(taskId);
    const doc = await this.#deps.transfer.getTask(taskId);
    const current = this.#deps.store.batch(batch.id);
    if (!current || current.state !== 'active') return;
    if (doc.status !== 'SUCCEEDED' && doc.status !== 'FAILED') return;
    if (result.code === 'TaskComplete') {
      this.#deps.store.log('cancel-found-complete', batch.id, taskId, `task had already ended ${doc.status}`, this.#deps.clock.now());
      tally.reconciled += 1;
    }
    await this.#finish(current, doc, tally);
  }
}

export function emptyTally(): Tally {
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
