/**
 * Plain data of the transfer queue: what callers enqueue, what the UI is shown, and the
 * options of the dispatcher. Everything here is readonly JSON (times are epoch milliseconds).
 */
import type {
  QueueDestinationStatus,
  QueueItemQuery,
  QueueItemRow,
  QueueStatus,
} from '../../../shared/contract/queue';
import type { TransferSubmission } from '../../../shared/globus-types';

// Item, batch, reconciliation and status shapes are declared once, in the contract slice
// (shared/contract/queue.ts); this file holds what only core sees.

/** One file to send, as a caller gives it: a queue item row before the queue numbers and tracks it. */
export type EnqueueItem = Pick<QueueItemRow, 'source' | 'sourcePath' | 'destination' | 'destinationPath' | 'size' | 'origin'> & {
  /** Which request this came from, for the caller to find its items again. */
  readonly originId?: string;
};

export interface EnqueueOptions {
  /**
   * Makes an enqueue idempotent: a second call with the same request id (after a crash, say)
   * inserts nothing. The request id is stored in the same transaction as the items.
   */
  readonly requestId?: string;
}

export interface EnqueueResult {
  readonly inserted: number;
  /** True when `requestId` had already been enqueued. */
  readonly duplicate: boolean;
}

/** A page of items, as the contract's `queue:list-items` asks for it. */
export type ItemQuery = QueueItemQuery;

/** A destination as the engine knows it (the capability adds its display name). */
export type DestinationSnapshot = Omit<QueueDestinationStatus, 'name'>;

/**
 * The queue as the engine sees it; the capability adds whether it dispatches, why it holds, the
 * e-mail setting and destination names to make the contract's QueueStatus.
 */
export type QueueSnapshot = Omit<QueueStatus, 'dispatching' | 'hold' | 'notifyGlobus' | 'destinations'> & {
  readonly destinations: readonly DestinationSnapshot[];
};

export interface QueueOptions {
  /** N: files per Globus task. Default 1000. */
  readonly batchSize: number;
  /** M: Globus tasks active at once. Default 90, never above 100 (the Globus limit). */
  readonly maxActiveTasks: number;
  /** How often the dispatcher ticks when started. Default 10 s. */
  readonly pollIntervalMs: number;
  /** K: polls without byte or file progress after which an active task counts as stalled. */
  readonly stallPolls: number;
  /** Tasks active longer than this are checked again with getTask. Default 1 day. */
  readonly maxTaskAgeMs: number;
  /** A task past `maxTaskAgeMs` that is still active is cancelled and requeued. Default false. */
  readonly cancelAged: boolean;
  /** A stalled task is cancelled and requeued. Default true. */
  readonly cancelStalled: boolean;
  /** Minimum time between two hypervisor checks of one task. Default 5 min. */
  readonly recheckIntervalMs: number;
  /** Ask Globus to e-mail about each task (notify_on_*). Default false for bulk queue tasks. */
  readonly notifyGlobus: boolean;
  /** First wait after a limit error; doubles up to `maxBackoffMs`. */
  readonly limitBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Wait before resubmitting a batch refused for identical paths (409 Conflict). */
  readonly conflictBackoffMs: number;
  /** Wait after a network or 5xx error before trying a submission again. */
  readonly transientBackoffMs: number;
  /** Window of the per-destination throughput. Default 60 s. */
  readonly throughputWindowMs: number;
  /** Label prefix of submitted tasks. */
  readonly labelPrefix: string;
  /** How many reconciliation entries the snapshot carries. */
  readonly snapshotLogSize: number;
}

export const defaultQueueOptions: QueueOptions = {
  batchSize: 1000,
  maxActiveTasks: 90,
  pollIntervalMs: 10_000,
  stallPolls: 60,
  maxTaskAgeMs: 24 * 60 * 60 * 1000,
  cancelAged: false,
  cancelStalled: true,
  recheckIntervalMs: 5 * 60 * 1000,
  notifyGlobus: false,
  limitBackoffMs: 5_000,
  maxBackoffMs: 5 * 60 * 1000,
  conflictBackoffMs: 60_000,
  transientBackoffMs: 10_000,
  throughputWindowMs: 60_000,
  labelPrefix: 'Ferry queue',
  snapshotLogSize: 20,
};

/** A batch Globus accepted as a task (see `TransferQueue.onSubmitted`). */
export interface BatchSubmitted {
  readonly batchId: number;
  readonly taskId: string;
  readonly submissionId: string;
  readonly source: string;
  readonly destination: string;
  readonly files: number;
  readonly bytes: number;
  readonly label: string | null;
  /** True when a resubmission (after a crash) answered Duplicate: the task already existed. */
  readonly duplicate: boolean;
  readonly submittedAt: number;
  /** The transfer document sent, so the task can be resubmitted with the same items. */
  readonly submission: TransferSubmission;
}

/** What one tick did; for tests and logs. */
export interface TickReport {
  readonly polled: number;
  readonly finished: number;
  readonly planned: number;
  readonly submitted: number;
  readonly reconciled: number;
  readonly activeTasks: number;
  readonly error: string | null;
}
