/**
 * Contract slice: the transfer history, its live refresh, task detail and actions, CSV export, task endings.
 * Channels are named `activity:<verb>`; ipc-contract.ts assembles every slice into the one contract.
 */
import { z } from 'zod';
import {
  activityOrigins,
  activitySortKeys,
  fileListKinds,
  type ActivityDelta,
  type ActivityFilter,
  type ActivityRow,
  type ActivitySnapshot,
  type ActivitySort,
  type EventPage,
  type FileListKind,
  type FilePage,
  type PollStatus,
  type ResubmitResult,
  type TaskDetail,
  type TaskEnded,
  type TasksEndedSummary,
} from '../activity';
import type { Transport } from '../api-client';
import { taskStatuses, type CancelResult, type TaskEvent } from '../globus-types';
import type { ErrorExplanation } from '../transfer-errors';
import { globusIdSchema } from '../ids';
import type { Listener, Unsubscribe } from '../ipc-contract';

/**
 * A running task that needs a person: its faults rose or its newest event is an error. Globus
 * keeps such a task ACTIVE and retries until its deadline; Ferry says so within one poll.
 */
export interface TaskAttention {
  readonly taskId: string;
  readonly label: string | null;
  readonly faults: number;
  /** The newest error event (null when Globus listed none yet and only `faults` rose). */
  readonly event: TaskEvent | null;
  /** The error explainer's words for it (shared/transfer-errors.ts). */
  readonly explanation: ErrorExplanation;
  /** Epoch ms Ferry first saw the task need attention. */
  readonly since: number;
  /** The item of the task Ferry submitted that the error names (index into its DATA), when known. */
  readonly item: { readonly index: number; readonly sourcePath: string; readonly destinationPath: string } | null;
  /** Whether Ferry keeps the submitted document, so a path can be fixed and the task resubmitted. */
  readonly canFixPath: boolean;
}

/** A corrected item for "fix the path and resubmit". */
export interface PathFix {
  readonly itemIndex: number;
  readonly sourcePath: string;
  readonly destinationPath: string;
}

export interface FixedResubmitResult extends ResubmitResult {
  /** The original task was still running and was cancelled first (Globus refuses identical paths while it runs). */
  readonly cancelledOriginal: boolean;
}

const noArgs = z.tuple([]);
const collectionPathSchema = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .max(4096, `${what} is longer than 4096 characters`)
    .refine((p) => p.startsWith('/') || p.startsWith('~'), `${what} must start with / (or ~ for a home folder)`)
    .refine((p) => !p.includes('\u0000'), `${what} may not contain NUL`);
export const pathFixSchema = z
  .object({
    itemIndex: z.number().int('item is a whole number').min(0, 'item is at least 0').max(1_000_000, 'item is at most 1,000,000'),
    sourcePath: collectionPathSchema('the source path'),
    destinationPath: collectionPathSchema('the destination path'),
  })
  .strict();
const activityFilterSchema = z
  .object({
    statuses: z.array(z.enum(taskStatuses)).max(20).optional(),
    text: z.string().max(500).optional(),
    from: z.string().max(40).optional(),
    to: z.string().max(40).optional(),
    submittedByFerry: z.boolean().optional(),
  })
  .strict();
const activitySortSchema = z.object({ key: z.enum(activitySortKeys), direction: z.enum(['asc', 'desc']) }).strict();
const pageSchema = z.object({ offset: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(1000).optional() }).strict();

export const activityInvoke = {
  'activity:snapshot': { args: noArgs },
  'activity:refresh': { args: noArgs },
  'activity:detail': { args: z.tuple([globusIdSchema]) },
  'activity:events': { args: z.tuple([globusIdSchema, pageSchema]) },
  'activity:files': { args: z.tuple([globusIdSchema, z.enum(fileListKinds), z.string().max(1000).nullable()]) },
  'activity:cancel': { args: z.tuple([globusIdSchema]) },
  'activity:resubmit': { args: z.tuple([globusIdSchema]) },
  'activity:export-csv': { args: z.tuple([activityFilterSchema, activitySortSchema.nullable()]) },
  'activity:attention': { args: noArgs },
  'activity:resubmit-fixed': { args: z.tuple([globusIdSchema, pathFixSchema]) },
} as const satisfies Record<`activity:${string}`, { readonly args: z.ZodTuple }>;

export interface ActivityResults {
  'activity:snapshot': ActivitySnapshot;
  'activity:refresh': PollStatus;
  'activity:detail': TaskDetail;
  'activity:events': EventPage;
  'activity:files': FilePage;
  'activity:cancel': CancelResult;
  'activity:resubmit': ResubmitResult;
  'activity:export-csv': { readonly csv: string; readonly rows: number };
  'activity:attention': readonly TaskAttention[];
  'activity:resubmit-fixed': FixedResubmitResult;
}

const text = z.string().max(100_000);
const count = z.number().min(0);
export const activityRowSchema = z.object({
  task_id: text,
  status: z.enum(taskStatuses),
  type: z.enum(['TRANSFER', 'DELETE']),
  label: text.nullable(),
  source_id: text.nullable(),
  source_name: text.nullable(),
  destination_id: text.nullable(),
  destination_name: text.nullable(),
  paths: text.nullable(),
  files: count,
  files_transferred: count,
  files_skipped: count,
  bytes_transferred: count,
  effective_bytes_per_second: count,
  faults: count,
  nice_status: text.nullable(),
  request_time: text,
  completion_time: text.nullable(),
  submitted_by_ferry: z.boolean(),
  origin: z.enum(activityOrigins),
}) satisfies z.ZodType<ActivityRow>;

export const pollStatusSchema = z.object({
  running: z.boolean(),
  mode: z.enum(['fast', 'slow']),
  lastPollAt: z.number().nullable(),
  lastError: z.object({ code: text, message: text }).nullable(),
  activeCount: count,
}) satisfies z.ZodType<PollStatus>;

const explanationSchema = z.object({
  id: text,
  title: text,
  cause: text,
  action: text,
  fixPath: z.boolean(),
  retries: z.boolean(),
  raw: text,
}) satisfies z.ZodType<ErrorExplanation>;

export const taskAttentionSchema = z.object({
  taskId: text,
  label: text.nullable(),
  faults: count,
  event: z.object({ code: text, is_error: z.boolean(), description: text, details: text, time: text }).nullable(),
  explanation: explanationSchema,
  since: count,
  item: z.object({ index: count, sourcePath: text, destinationPath: text }).nullable(),
  canFixPath: z.boolean(),
}) satisfies z.ZodType<TaskAttention>;

export const activityEvents = {
  'activity:delta': z.object({ revision: count, upserted: z.array(activityRowSchema).readonly(), removed: z.array(text).readonly() }) satisfies z.ZodType<ActivityDelta>,
  'activity:status': pollStatusSchema,
  'activity:task-ended': z.object({ row: activityRowSchema, previousStatus: z.enum(taskStatuses).nullable() }) satisfies z.ZodType<TaskEnded>,
  'activity:tasks-summary': z.object({ succeeded: count, failed: count, sample: z.array(text).readonly() }) satisfies z.ZodType<TasksEndedSummary>,
  /** Every task that needs attention now (the whole list, small), after each change. */
  'activity:attention-changed': z.array(taskAttentionSchema).max(10_000).readonly(),
} as const satisfies Record<`activity:${string}`, z.ZodType>;

export interface ActivityApi {
  snapshot(): Promise<ActivitySnapshot>;
  refresh(): Promise<PollStatus>;
  detail(taskId: string): Promise<TaskDetail>;
  events(taskId: string, page: { offset?: number; limit?: number }): Promise<EventPage>;
  files(taskId: string, kind: FileListKind, marker: string | null): Promise<FilePage>;
  cancel(taskId: string): Promise<CancelResult>;
  resubmit(taskId: string): Promise<ResubmitResult>;
  exportCsv(filter: ActivityFilter, sort: ActivitySort | null): Promise<{ readonly csv: string; readonly rows: number }>;
  /** Running tasks that need a person (faults, an error as their newest event). */
  attention(): Promise<readonly TaskAttention[]>;
  /** Cancels the task if it still runs and submits it again with one item's paths corrected. */
  resubmitFixed(taskId: string, fix: PathFix): Promise<FixedResubmitResult>;
  onAttention(listener: Listener<readonly TaskAttention[]>): Unsubscribe;
  onDelta(listener: Listener<ActivityDelta>): Unsubscribe;
  onStatus(listener: Listener<PollStatus>): Unsubscribe;
  onTaskEnded(listener: Listener<TaskEnded>): Unsubscribe;
  /** Several queue or sync tasks ended close together: one summary instead of one each. */
  onTasksSummary(listener: Listener<TasksEndedSummary>): Unsubscribe;
}

export function createActivityApi(t: Transport): ActivityApi {
  return {
    snapshot: () => t.invoke('activity:snapshot', []),
    refresh: () => t.invoke('activity:refresh', []),
    detail: (id) => t.invoke('activity:detail', [id]),
    events: (id, page) => t.invoke('activity:events', [id, page]),
    files: (id, kind, marker) => t.invoke('activity:files', [id, kind, marker]),
    cancel: (id) => t.invoke('activity:cancel', [id]),
    resubmit: (id) => t.invoke('activity:resubmit', [id]),
    exportCsv: (filter, sort) => t.invoke('activity:export-csv', [{ ...filter, statuses: filter.statuses ? [...filter.statuses] : undefined }, sort]),
    attention: () => t.invoke('activity:attention', []),
    resubmitFixed: (id, fix) => t.invoke('activity:resubmit-fixed', [id, { ...fix }]),
    onAttention: (listener) => t.subscribe('activity:attention-changed', listener),
    onDelta: (listener) => t.subscribe('activity:delta', listener),
    onStatus: (listener) => t.subscribe('activity:status', listener),
    onTaskEnded: (listener) => t.subscribe('activity:task-ended', listener),
    onTasksSummary: (listener) => t.subscribe('activity:tasks-summary', listener),
  };
}
