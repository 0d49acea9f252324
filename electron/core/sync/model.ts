/** Sync job, run and event shapes: zod-validated, plain readonly JSON. */
import { z } from 'zod';
// The shapes that reach the UI are declared once, in the syncs contract slice.
import {
  syncFinishedStatuses,
  syncRunStatuses,
  syncSymlinkPolicies,
  type SyncPhase,
  type SyncPhaseTimes,
  type SyncPreview as ContractSyncPreview,
  type SyncRun as ContractSyncRun,
  type SyncRunStats,
  type SyncRunStatus,
  type SyncRunTask,
  type SyncRunTrigger,
  type SyncSymlinkPolicy,
} from '../../../shared/contract/syncs';

export const symlinkPolicies = syncSymlinkPolicies;
export type SymlinkPolicy = SyncSymlinkPolicy;

const absolutePosix = z.string().min(1).refine((p) => p.startsWith('/'), 'must be an absolute path (starting with /)');

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('manual') }),
  z.object({ kind: z.literal('interval'), minutes: z.number().int().min(1).max(7 * 24 * 60) }),
  z.object({ kind: z.literal('cron'), expression: z.string().min(1) }),
]);
export type SyncSchedule = z.infer<typeof scheduleSchema>;

export const syncJobInputSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(120)
    .refine((n) => !/[\r\n\t]/.test(n), 'no control characters'),
  source: z.object({
    collectionId: z.string().min(1),
    /** The folder on this machine that is scanned. */
    localPath: z.string().min(1),
    /** The path of `localPath` as the source collection sees it (e.g. `/~/data` or `/xmasdata/2018`). */
    collectionPath: absolutePosix,
  }),
  destination: z.object({ collectionId: z.string().min(1), path: absolutePosix }),
  schedule: scheduleSchema.default({ kind: 'interval', minutes: 15 }),
  /** Globus sync_level: 0 exists, 1 size, 2 mtime, 3 checksum; null = always transfer. */
  syncLevel: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).nullable().default(null),
  include: z.array(z.string().min(1)).default([]),
  exclude: z.array(z.string().min(1)).default([]),
  symlinks: z.enum(symlinkPolicies).default('skip'),
  createEmptyDirs: z.boolean().default(true),
  enabled: z.boolean().default(true),
  maxItemsPerTransfer: z.number().int().min(1).max(1_000_000).default(25_000),
  preserveTimestamp: z.boolean().default(true),
  verifyChecksum: z.boolean().default(false),
  /** Globus e-mails per task; off by default (bulk syncs drown people in mail). */
  notify: z.boolean().default(false),
});
export type SyncJobInput = z.input<typeof syncJobInputSchema>;
export type SyncJobConfig = z.infer<typeof syncJobInputSchema>;

export interface SyncJob extends SyncJobConfig {
  readonly id: string;
  readonly paused: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const runStatuses = syncRunStatuses;
export type RunStatus = SyncRunStatus;
export const finishedStatuses = syncFinishedStatuses;

export type RunTrigger = SyncRunTrigger;

export type PhaseTimes = SyncPhaseTimes;

export type RunStats = SyncRunStats;

export type RunTask = SyncRunTask;

export type SyncRun = ContractSyncRun;

export type SyncPreview = ContractSyncPreview;

export type { SyncPhase };

export interface SyncJobSummary {
  readonly job: SyncJob;
  readonly running: boolean;
  readonly nextRunAt: string | null;
  readonly lastRun: SyncRun | null;
  /** Changed files of the most recent runs, oldest first (for a sparkline). */
  readonly recentChangedFiles: readonly number[];
}

export interface TaskSubmittedInfo {
  readonly jobId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly submissionId: string;
  readonly label: string;
  readonly items: number;
}

export type SyncEvent =
  | {
      readonly type: 'progress';
      readonly jobId: string;
      readonly runId: string | null;
      readonly phase: SyncPhase;
      readonly filesScanned: number;
      readonly dirsScanned: number;
      readonly changedFiles: number;
      readonly changedBytes: number;
      /** Items submitted so far / to submit, during `submit`. */
      readonly done?: number;
      readonly total?: number;
    }
  | { readonly type: 'job'; readonly job: SyncJob }
  | { readonly type: 'job-deleted'; readonly jobId: string }
  | { readonly type: 'run'; readonly run: SyncRun }
  | { readonly type: 'log'; readonly runId: string; readonly jobId: string; readonly line: string }
  | { readonly type: 'task-submitted'; readonly info: TaskSubmittedInfo };

export const emptyPhases: PhaseTimes = { scanMs: 0, mkdirMs: 0, submitMs: 0, transferMs: 0, commitMs: 0 };
export const emptyStats: RunStats = {
  filesScanned: 0,
  dirsScanned: 0,
  bytesScanned: 0,
  changedFiles: 0,
  changedBytes: 0,
  emptyDirs: 0,
  removedEntries: 0,
  symlinksSkipped: 0,
  symlinkLoops: [],
  warnings: 0,
  sample: [],
  phases: emptyPhases,
};
