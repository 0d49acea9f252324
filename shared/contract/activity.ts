/**
 * Contract slice: the transfer history, its live refresh, task detail and actions, CSV export, task endings.
 * Channels are named `activity:<verb>`; ipc-contract.ts assembles every slice into the one contract.
 */
import { z } from 'zod';
import {
  activitySortKeys,
  fileListKinds,
  type ActivityDelta,
  type ActivityFilter,
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
import { taskStatuses, type CancelResult } from '../globus-types';
import { globusIdSchema } from '../ids';
import type { Listener, Unsubscribe } from '../ipc-contract';
import { payload } from './payload';

const noArgs = z.tuple([]);
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
}

export const activityEvents = {
  'activity:delta': payload<ActivityDelta>(),
  'activity:status': payload<PollStatus>(),
  'activity:task-ended': payload<TaskEnded>(),
  'activity:tasks-summary': payload<TasksEndedSummary>(),
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
    onDelta: (listener) => t.subscribe('activity:delta', listener),
    onStatus: (listener) => t.subscribe('activity:status', listener),
    onTaskEnded: (listener) => t.subscribe('activity:task-ended', listener),
    onTasksSummary: (listener) => t.subscribe('activity:tasks-summary', listener),
  };
}
