/**
 * Contract slice: The batched, crash-safe transfer queue (issue 8).
 * Channels are named `queue:<verb>`; ipc-contract.ts assembles every slice into the one contract.
 *
 * A person (or another feature) enqueues files: source collection + paths, destination
 * collection + folder. The queue sends them in batches of N files with at most M Globus tasks
 * active. Everything here is plain readonly JSON; times are epoch milliseconds.
 */
import { z } from 'zod';
import type { Transport } from '../api-client';
import type { Listener, Unsubscribe } from '../ipc-contract';
import { globusIdSchema } from '../ids';

/** queued -> batched -> submitted -> succeeded | failed (failed can be retried: -> queued). */
export const queueItemStates = ['queued', 'batched', 'submitted', 'succeeded', 'failed'] as const;
export type QueueItemState = (typeof queueItemStates)[number];

/**
 * Who put an item in the queue. `manual`: a person, through the Queue view's "Send files" (the
 * only sender: a sync sends one transfer per run and Stage follows ProxyStore's GlobusConnector).
 */
export const queueItemOrigins = ['manual'] as const;
export type QueueItemOrigin = (typeof queueItemOrigins)[number];

/**
 * open: gathering queued items of one (source, destination) pair, up to N.
 * planned: closed for new items, maybe holding a submission id, not known to be accepted yet.
 * active: Globus accepted it (task id known) and it has not ended.
 * done: the task ended and its items were marked.
 * rejected: Globus refused the submission for good; its items failed with the reason.
 * cancelled: stuck, cancelled by the hypervisor; unfinished items went back to the queue.
 * lost: Globus no longer knows the task; its items went back to the queue.
 */
export const queueBatchStates = ['open', 'planned', 'active', 'done', 'rejected', 'cancelled', 'lost'] as const;
export type QueueBatchState = (typeof queueBatchStates)[number];

/** What the queue's hypervisor (or a person) did to keep tasks and items straight. */
export const queueReconciliationKinds = [
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
export type QueueReconciliationKind = (typeof queueReconciliationKinds)[number];

/** Globus' own limit on a user's active tasks: M can never be higher. */
export const queueMaxActiveTasksLimit = 100;
export const queueMaxBatchSize = 10_000;
/** Files (or folders) one "Send files" request may name. */
export const queueMaxFilesPerRequest = 100_000;
/** Files a folder named in a request may expand to. */
export const queueMaxExpandedFiles = 100_000;

export interface QueueDestinationStatus {
  readonly collection: string;
  /** Display name when Ferry could look it up, else null (show the id). */
  readonly name: string | null;
  readonly enabled: boolean;
  /** Items waiting (queued, not yet in a batch) for this destination. */
  readonly queued: number;
  readonly activeTasks: number;
  /** Bytes per second over the throughput window. */
  readonly bytesPerSecond: number;
}

export interface QueueBlockedBatch {
  readonly batchId: number;
  readonly destination: string;
  /** The unfinished Globus task with identical paths that made Globus refuse this batch. */
  readonly blockedBy: string;
  readonly retryAt: number;
}

export interface QueueReconciliation {
  readonly id: number;
  readonly at: number;
  readonly kind: QueueReconciliationKind;
  readonly batchId: number | null;
  readonly taskId: string | null;
  readonly detail: string;
}

/** Why the queue is not sending right now, if it is not. */
export const queueHoldReasons = ['signed-out', 'paused'] as const;
export type QueueHoldReason = (typeof queueHoldReasons)[number];

export interface QueueStatus {
  readonly paused: boolean;
  /** True while the dispatcher runs (the account is signed in). */
  readonly dispatching: boolean;
  readonly hold: QueueHoldReason | null;
  readonly counts: Readonly<Record<QueueItemState, number>>;
  readonly activeTasks: number;
  /** Active tasks Globus holds INACTIVE (expired credentials, missing consent): need a person. */
  readonly inactiveTasks: number;
  /** M. */
  readonly maxActiveTasks: number;
  /** N. */
  readonly batchSize: number;
  readonly pendingBatches: number;
  /** Submissions wait until this time after a limit or network error, else null. */
  readonly backoffUntil: number | null;
  readonly lastError: string | null;
  /** Whether Globus e-mails about each queue task (the notifications setting). */
  readonly notifyGlobus: boolean;
  readonly destinations: readonly QueueDestinationStatus[];
  readonly blocked: readonly QueueBlockedBatch[];
  readonly reconciliations: readonly QueueReconciliation[];
  readonly throughputWindowMs: number;
  readonly at: number;
}

export interface QueueItemRow {
  readonly id: number;
  readonly source: string;
  readonly sourcePath: string;
  readonly destination: string;
  readonly destinationPath: string;
  readonly size: number;
  readonly origin: QueueItemOrigin;
  readonly originId: string | null;
  readonly state: QueueItemState;
  readonly batchId: number | null;
  /** Why it failed (Globus error code and details), when failed. */
  readonly reason: string | null;
  readonly attempts: number;
  readonly enqueuedAt: number;
}

export interface QueueItemPage {
  readonly items: readonly QueueItemRow[];
  readonly offset: number;
  readonly hasMore: boolean;
}

export interface QueueBatchRow {
  readonly id: number;
  readonly source: string;
  readonly destination: string;
  readonly state: QueueBatchState;
  readonly submissionId: string | null;
  readonly taskId: string | null;
  readonly files: number;
  readonly bytes: number;
  readonly createdAt: number;
  readonly submittedAt: number | null;
  readonly finishedAt: number | null;
  readonly bytesTransferred: number;
  readonly blockedBy: string | null;
  readonly lastError: string | null;
}

export interface QueueEnqueueResult {
  /** Files added to the queue (after folders were listed). */
  readonly inserted: number;
  /** True when this request id had already been enqueued: nothing was added again. */
  readonly duplicate: boolean;
  /** Folders that were listed to find their files. */
  readonly foldersExpanded: number;
}

/** An absolute path on a Globus collection (the queue sends explicit paths, never `~`). */
export const queuePathSchema = z
  .string()
  .trim()
  .min(1, 'path is required')
  .max(4096, 'path is longer than 4096 characters')
  .refine((p) => p.startsWith('/'), 'path must start with / (the root of the collection)')
  .refine((p) => !p.includes('\u0000'), 'path may not contain NUL');

const queueFileSchema = z
  .object({
    /** A file, or a folder ending in `/` whose files (recursively) are all enqueued. */
    path: queuePathSchema,
    size: z.number().int('size is a whole number of bytes').min(0, 'size cannot be negative').optional(),
  })
  .strict();

export const queueEnqueueRequestSchema = z
  .object({
    source: globusIdSchema,
    files: z
      .array(queueFileSchema)
      .min(1, 'name at least one file or folder to send')
      .max(queueMaxFilesPerRequest, `at most ${queueMaxFilesPerRequest.toLocaleString('en-US')} paths per request`),
    destination: globusIdSchema,
    /** Files land in this folder: a file `/a/b.txt` becomes `<folder>/b.txt`, a folder `/a/` becomes `<folder>/a/...`. */
    destinationFolder: queuePathSchema,
    /** Makes the request idempotent: the same id twice enqueues once. */
    requestId: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type QueueEnqueueRequest = z.input<typeof queueEnqueueRequestSchema>;

export const queueItemQuerySchema = z
  .object({
    state: z.enum(queueItemStates, `state must be one of ${queueItemStates.join(', ')}`).optional(),
    destination: globusIdSchema.optional(),
    offset: z.number().int().min(0, 'offset cannot be negative').optional(),
    limit: z.number().int().min(1, 'limit is at least 1').max(1000, 'at most 1,000 items per page').optional(),
  })
  .strict();
export type QueueItemQuery = z.input<typeof queueItemQuerySchema>;

export const queueOptionsPatchSchema = z
  .object({
    batchSize: z
      .number()
      .int('files per task is a whole number')
      .min(1, 'a task holds at least 1 file')
      .max(queueMaxBatchSize, `a task holds at most ${queueMaxBatchSize.toLocaleString('en-US')} files`)
      .optional(),
    maxActiveTasks: z
      .number()
      .int('active tasks is a whole number')
      .min(1, 'allow at least 1 active task')
      .max(queueMaxActiveTasksLimit, `Globus allows at most ${queueMaxActiveTasksLimit} active tasks`)
      .optional(),
  })
  .strict();
export type QueueOptionsPatch = z.input<typeof queueOptionsPatchSchema>;

const itemIdsSchema = z
  .array(z.number().int().positive('item ids are positive whole numbers'))
  .min(1, 'name at least one item, or pass null to retry every failed item')
  .max(100_000, 'at most 100,000 items at once')
  .nullable();

const noArgs = z.tuple([]);

export const queueInvoke = {
  'queue:snapshot': { args: noArgs },
  'queue:list-items': { args: z.tuple([queueItemQuerySchema]) },
  'queue:list-batches': { args: noArgs },
  'queue:enqueue': { args: z.tuple([queueEnqueueRequestSchema]) },
  'queue:pause': { args: noArgs },
  'queue:resume': { args: noArgs },
  'queue:set-destination-enabled': { args: z.tuple([globusIdSchema, z.boolean()]) },
  'queue:retry-failed': { args: z.tuple([itemIdsSchema]) },
  'queue:cancel-batch': { args: z.tuple([z.number().int().positive('batch ids are positive whole numbers')]) },
  'queue:update-options': { args: z.tuple([queueOptionsPatchSchema]) },
} as const satisfies Record<`queue:${string}`, { readonly args: z.ZodTuple }>;

export interface QueueResults {
  'queue:snapshot': QueueStatus;
  'queue:list-items': QueueItemPage;
  /** Unfinished batches (open, planned, active), oldest first. */
  'queue:list-batches': readonly QueueBatchRow[];
  'queue:enqueue': QueueEnqueueResult;
  'queue:pause': QueueStatus;
  'queue:resume': QueueStatus;
  'queue:set-destination-enabled': QueueStatus;
  'queue:retry-failed': { readonly retried: number };
  'queue:cancel-batch': { readonly cancelled: boolean };
  'queue:update-options': QueueStatus;
}

/** What core sends back: bounded generously, the point is the shape. */
const outText = z.string().max(100_000);
const count = z.number().min(0);

const queueStatusSchema = z.object({
  paused: z.boolean(),
  dispatching: z.boolean(),
  hold: z.enum(queueHoldReasons).nullable(),
  counts: z.record(z.enum(queueItemStates), count),
  activeTasks: count,
  inactiveTasks: count,
  maxActiveTasks: count,
  batchSize: count,
  pendingBatches: count,
  backoffUntil: z.number().nullable(),
  lastError: outText.nullable(),
  notifyGlobus: z.boolean(),
  destinations: z
    .array(
      z.object({
        collection: outText,
        name: outText.nullable(),
        enabled: z.boolean(),
        queued: count,
        activeTasks: count,
        bytesPerSecond: count,
      }) satisfies z.ZodType<QueueDestinationStatus>,
    )
    .readonly(),
  blocked: z.array(z.object({ batchId: z.number(), destination: outText, blockedBy: outText, retryAt: z.number() }) satisfies z.ZodType<QueueBlockedBatch>).readonly(),
  reconciliations: z
    .array(
      z.object({
        id: z.number(),
        at: z.number(),
        kind: z.enum(queueReconciliationKinds),
        batchId: z.number().nullable(),
        taskId: outText.nullable(),
        detail: outText,
      }) satisfies z.ZodType<QueueReconciliation>,
    )
    .readonly(),
  throughputWindowMs: count,
  at: z.number(),
}) satisfies z.ZodType<QueueStatus>;

export const queueEvents = {
  /** The queue changed (throttled to a few per second). */
  'queue:changed': queueStatusSchema,
} as const satisfies Record<`queue:${string}`, z.ZodType>;

export interface QueueApi {
  snapshot(): Promise<QueueStatus>;
  listItems(query?: QueueItemQuery): Promise<QueueItemPage>;
  listBatches(): Promise<readonly QueueBatchRow[]>;
  enqueue(request: QueueEnqueueRequest): Promise<QueueEnqueueResult>;
  /** Stops sending new tasks; tasks at Globus run on and are still watched. */
  pause(): Promise<QueueStatus>;
  resume(): Promise<QueueStatus>;
  /** A disabled destination keeps its items queued; nothing is dropped. */
  setDestinationEnabled(collectionId: string, enabled: boolean): Promise<QueueStatus>;
  /** Every failed item, or just these ids. */
  retryFailed(itemIds?: readonly number[]): Promise<{ readonly retried: number }>;
  /** Cancels a stuck batch's Globus task; its unfinished files go back to the queue. */
  cancelBatch(batchId: number): Promise<{ readonly cancelled: boolean }>;
  updateOptions(patch: QueueOptionsPatch): Promise<QueueStatus>;
  onChanged(listener: Listener<QueueStatus>): Unsubscribe;
}

export function createQueueApi(t: Transport): QueueApi {
  return {
    snapshot: () => t.invoke('queue:snapshot', []),
    listItems: (query = {}) => t.invoke('queue:list-items', [query]),
    listBatches: () => t.invoke('queue:list-batches', []),
    enqueue: (request) => t.invoke('queue:enqueue', [{ ...request, files: request.files.map((f) => ({ ...f })) }]),
    pause: () => t.invoke('queue:pause', []),
    resume: () => t.invoke('queue:resume', []),
    setDestinationEnabled: (id, enabled) => t.invoke('queue:set-destination-enabled', [id, enabled]),
    retryFailed: (ids) => t.invoke('queue:retry-failed', [ids ? [...ids] : null]),
    cancelBatch: (id) => t.invoke('queue:cancel-batch', [id]),
    updateOptions: (patch) => t.invoke('queue:update-options', [patch]),
    onChanged: (listener) => t.subscribe('queue:changed', listener),
  };
}
