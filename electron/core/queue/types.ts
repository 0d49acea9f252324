/**
 * Plain data of the transfer queue: what callers enqueue, what the UI is shown, and the
 * options of the dispatcher. Everything here is readonly JSON (times are epoch milliseconds).
 */
import {
  queueItemOrigins,
  queueItemStates,
  queueMaxActiveTasksLimit,
  type QueueBatchRow,
  type QueueBlockedBatch,
  type QueueDestinationStatus,
  type QueueItemOrigin,
  type QueueItemRow,
  type QueueItemState,
  type QueueReconciliation,
} from '../../../shared/contract/queue';
import type { TransferSubmission } from '../../../shared/globus-types';

// The shapes the UI is shown are declared once, in the queue's contract slice.
export const queueOrigins = queueItemOrigins;
export type QueueOrigin = QueueItemOrigin;

/** queued -> batched -> submitted -> succeeded | failed (failed can be retried: -> queued). */
export const itemStates = queueItemStates;
export type ItemState = QueueItemState;

/**
 * open: gathering queued items of one (source, destination) pair, up to N.
 * planned: closed for new items, maybe holding a submission id, not known to be accepted yet.
 * active: Globus accepted it (task id known) and it has not ended.
 * done: the task ended and its items were marked.
 * rejected: Globus refused the submission for good; its items failed with the reason.
 * cancelled: stuck, cancelled by the hypervisor; unfinished items went back to the queue.
 * lost: Globus no longer knows the task; its items went back to the queue.
 */
export const batchStates = ['open', 'planned', 'active', 'done', 'rejected', 'cancelled', 'lost'] as const;
export type BatchState = (typeof batchStates)[number];

export interface EnqueueItem {
  /** Source collection (endpoint) id. */
  readonly source: string;
  readonly sourcePath: string;
  /** Destination collection (endpoint) id. */
  readonly destination: string;
  readonly destinationPath: string;
  /** Bytes, for throughput and the UI (0 if unknown). */
  readonly size: number;
  readonly origin: QueueOrigin;
  /** Which stage / sync / request this came from, for the caller to find its items again. */
  readonly originId?: string;
}

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

export type QueueItem = QueueItemRow;

export interface ItemQuery {
  readonly state?: ItemState;
  readonly destination?: string;
  readonly origin?: QueueOrigin;
  readonly originId?: string;
  readonly limit?: number;
  readonly offset?: number;
}

export type QueueBatch = Omit<QueueBatchRow, 'state'> & { readonly state: BatchState };

export const reconciliationKinds = [
  /** A resubmission after a crash answered Duplicate: the batch was already a task. */
  'duplicate-resolved',
  /** The task ended but the poll did not show it (aged or unseen): marked from getTask. */
  'missed-completion',
  /** Globus no longer knows the task (404): its unfinished items went back to the queue. */
  'task-unknown',
  /** No progress for too long: cancelled, finished files kept, the rest requeued. */
  'cancelled-stalled',
  /** Older than the age limit and still not done: cancelled and requeued. */
  'cancelled-aged',
  /** Cancel answered TaskComplete: the task had ended; marked from getTask. */
  'cancel-found-complete',
  /** Refused with 409 Conflict because an unfinished task has the identical paths. */
  'conflict-blocked',
  /** A person cancelled the task from the queue view; unfinished items requeued. */
  'cancelled-by-user',
] as const;
export type ReconciliationKind = (typeof reconciliationKinds)[number];

export type ReconciliationEntry = Omit<QueueReconciliation, 'kind'> & { readonly kind: ReconciliationKind };

/** A destination as the engine knows it (the feature adds its display name). */
export type DestinationSnapshot = Omit<QueueDestinationStatus, 'name'>;

export type BlockedBatch = QueueBlockedBatch;

export interface QueueSnapshot {
  readonly paused: boolean;
  readonly counts: Readonly<Record<ItemState, number>>;
  readonly activeTasks: number;
  /** Active tasks Globus holds INACTIVE (expired credentials, missing consent): need a person. */
  readonly inactiveTasks: number;
  readonly maxActiveTasks: number;
  readonly batchSize: number;
  /** Batches holding a submission id that Globus has not (knowingly) accepted yet. */
  readonly pendingBatches: number;
  /** Submissions wait until this time after a limit error (epoch ms), else null. */
  readonly backoffUntil: number | null;
  readonly lastError: string | null;
  readonly destinations: readonly DestinationSnapshot[];
  readonly blocked: readonly BlockedBatch[];
  readonly reconciliations: readonly ReconciliationEntry[];
  readonly throughputWindowMs: number;
  readonly at: number;
}

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

export const globusActiveTaskLimit = queueMaxActiveTasksLimit;

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
