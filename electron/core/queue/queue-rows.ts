/**
 * Rows of the queue database and their plain-data views: what the store reads and writes, the SQL
 * pieces it shares, and the check of an enqueued item.
 */
import type {
  QueueBatchRow,
  QueueBatchState,
  QueueItemOrigin,
  QueueItemRow,
  QueueItemState,
  QueueReconciliationKind,
} from '../../../shared/contract/queue';
import { queueItemOrigins, queueItemStates } from '../../../shared/contract/queue';
import type { ErrorKind } from '../../../shared/errors';
import type { EnqueueItem } from './types';

/** What happens to one unfinished item when its batch ends. */
export type ItemOutcome =
  | { readonly state: 'succeeded' }
  | { readonly state: 'failed'; readonly reason: string }
  | { readonly state: 'queued' };

export interface SettleBatch {
  readonly batchState: Extract<QueueBatchState, 'done' | 'cancelled' | 'lost'>;
  readonly taskStatus: string | null;
  /** For every item without an exception. */
  readonly outcome: ItemOutcome;
  /** Per item, keyed by `fileKey(sourcePath, destinationPath)`. */
  readonly exceptions?: ReadonlyMap<string, ItemOutcome>;
  readonly bytesTransferred?: number;
}

export interface BatchRow {
  readonly id: number;
  readonly pair_id: number;
  readonly source: string;
  readonly destination: string;
  readonly state: QueueBatchState;
  readonly files: number;
  readonly bytes: number;
  readonly failed: number;
  readonly submission_id: string | null;
  readonly task_id: string | null;
  readonly created_at: number;
  readonly planned_at: number | null;
  readonly submitted_at: number | null;
  readonly finished_at: number | null;
  readonly bytes_transferred: number;
  readonly files_transferred: number;
  readonly stalled_polls: number;
  readonly unseen_polls: number;
  readonly last_checked_at: number | null;
  readonly next_attempt_at: number;
  readonly blocked_by: string | null;
  readonly last_error: string | null;
  readonly task_status: string | null;
  /** Set before a cancel request: when the task ends FAILED its unfinished items are requeued. */
  readonly cancel_kind: QueueReconciliationKind | null;
}

export interface ProgressUpdate {
  readonly batchId: number;
  readonly bytesTransferred: number;
  readonly filesTransferred: number;
  readonly stalledPolls: number;
  readonly unseenPolls: number;
  readonly taskStatus: string | null;
}

export interface BatchFile {
  readonly id: number;
  readonly source_path: string;
  readonly destination_path: string;
  readonly size: number;
  readonly failed_reason: string | null;
}

export interface ItemRow {
  readonly id: number;
  readonly source: string;
  readonly source_path: string;
  readonly destination: string;
  readonly destination_path: string;
  readonly size: number;
  readonly origin: string;
  readonly origin_id: string | null;
  readonly state: string;
  readonly batch_id: number;
  readonly failed_reason: string | null;
  readonly attempts: number;
  readonly enqueued_at: number;
}

/** The open batch of a pair being filled inside one transaction. */
export interface OpenSlot {
  id: number;
  files: number;
  bytes: number;
  dirty: boolean;
}

export function fileKey(sourcePath: string | null, destinationPath: string | null): string {
  return `${sourcePath ?? ''}\u0000${destinationPath ?? ''}`;
}

export const batchColumns = `b.id, b.pair_id, p.source, p.destination, b.state, b.files, b.bytes, b.failed, b.submission_id,
  b.task_id, b.created_at, b.planned_at, b.submitted_at, b.finished_at, b.bytes_transferred, b.files_transferred,
  b.stalled_polls, b.unseen_polls, b.last_checked_at, b.next_attempt_at, b.blocked_by, b.last_error, b.task_status, b.cancel_kind`;

/** An item's state, from its own failure or its batch's state. */
export const itemStateSql = `CASE
  WHEN i.failed_reason IS NOT NULL THEN 'failed'
  WHEN b.state = 'open' THEN 'queued'
  WHEN b.state = 'planned' THEN 'batched'
  WHEN b.state = 'active' THEN 'submitted'
  ELSE 'succeeded' END`;

export const stateCondition: Readonly<Record<QueueItemState, string>> = {
  queued: `b.state = 'open' AND i.failed_reason IS NULL`,
  batched: `b.state = 'planned' AND i.failed_reason IS NULL`,
  submitted: `b.state = 'active' AND i.failed_reason IS NULL`,
  succeeded: `b.state IN ('done', 'cancelled', 'lost') AND i.failed_reason IS NULL`,
  failed: `i.failed_reason IS NOT NULL`,
};

export function toBatch(r: BatchRow): QueueBatchRow {
  return {
    id: r.id,
    source: r.source,
    destination: r.destination,
    state: r.state,
    submissionId: r.submission_id,
    taskId: r.task_id,
    files: r.files,
    bytes: r.bytes,
    createdAt: r.created_at,
    submittedAt: r.submitted_at,
    finishedAt: r.finished_at,
    bytesTransferred: r.bytes_transferred,
    blockedBy: r.blocked_by,
    lastError: r.last_error,
  };
}

export function toItem(r: ItemRow): QueueItemRow {
  return {
    id: r.id,
    source: r.source,
    sourcePath: r.source_path,
    destination: r.destination,
    destinationPath: r.destination_path,
    size: r.size,
    // Origins the queue no longer has ('stage', 'sync'; no production code sent them) read as manual.
    origin: isOrigin(r.origin) ? r.origin : 'manual',
    originId: r.origin_id,
    state: isItemState(r.state) ? r.state : 'queued',
    batchId: r.batch_id,
    reason: r.failed_reason,
    attempts: r.attempts,
    enqueuedAt: r.enqueued_at,
  };
}

export function pairKey(source: string, destination: string): string {
  return `${source}\u0000${destination}`;
}

export class InvalidQueueItemError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind = 'refused';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidQueueItemError';
  }
}

export function validateItem(item: EnqueueItem): void {
  if (typeof item.source !== 'string' || item.source.length === 0) throw new InvalidQueueItemError('source collection is required');
  if (typeof item.destination !== 'string' || item.destination.length === 0) {
    throw new InvalidQueueItemError('destination collection is required');
  }
  if (typeof item.sourcePath !== 'string' || !item.sourcePath.startsWith('/')) {
    throw new InvalidQueueItemError(`source path must be absolute: ${String(item.sourcePath)}`);
  }
  if (typeof item.destinationPath !== 'string' || !item.destinationPath.startsWith('/')) {
    throw new InvalidQueueItemError(`destination path must be absolute: ${String(item.destinationPath)}`);
  }
  if (!Number.isSafeInteger(item.size) || item.size < 0) throw new InvalidQueueItemError(`size must be a whole number of bytes: ${item.size}`);
  if (!isOrigin(item.origin)) throw new InvalidQueueItemError(`unknown origin: ${String(item.origin)}`);
}

function isOrigin(origin: unknown): origin is QueueItemOrigin {
  return (queueItemOrigins as readonly unknown[]).includes(origin);
}

function isItemState(state: string): state is QueueItemState {
  return (queueItemStates as readonly string[]).includes(state);
}
