/**
 * What the engine adds to the syncs contract slice (shared/contract/syncs.ts), which declares
 * every shape that reaches the UI once. Core extends it only where it needs more: an input with
 * defaults (stored jobs, the CLI, benches) and the engine's own events.
 */
import { z } from 'zod';
import {
  syncJobDraftSchema,
  type SyncPhaseTimes,
  type SyncProgress,
  type SyncJob,
  type SyncRun,
  type SyncRunStats,
} from '../../../shared/contract/syncs';

const draft = syncJobDraftSchema.shape;

/**
 * A job's settings as the engine takes and stores them: the contract's draft, with a default
 * for every option (a job stored by an older version reads with today's defaults) and any
 * non-empty collection id (the engine also serves the CLI, benches and local fakes; the
 * `syncs:*` channels accept Globus ids only).
 */
export const syncJobInputSchema = z.object({
  ...draft,
  source: z.object({ ...draft.source.shape, collectionId: z.string().trim().min(1, 'a collection id is required') }),
  destination: z.object({ ...draft.destination.shape, collectionId: z.string().trim().min(1, 'a collection id is required') }),
  schedule: draft.schedule.default({ kind: 'interval', minutes: 15 }),
  syncLevel: draft.syncLevel.default(null),
  include: draft.include.default([]),
  exclude: draft.exclude.default([]),
  symlinks: draft.symlinks.default('skip'),
  createEmptyDirs: draft.createEmptyDirs.default(true),
  enabled: draft.enabled.default(true),
  maxItemsPerTransfer: draft.maxItemsPerTransfer.default(25_000),
  preserveTimestamp: z.boolean().default(true),
  verifyChecksum: z.boolean().default(false),
  /** Globus e-mails per task; off by default (bulk syncs drown people in mail). */
  notify: z.boolean().default(false),
  /** Verified move: off by default; acts only when checksum verification is on. */
  moveAfterVerify: z.boolean().default(false),
});
export type SyncJobInput = z.input<typeof syncJobInputSchema>;
export type SyncJobConfig = z.infer<typeof syncJobInputSchema>;

/** A task a run's transfer became (the engine's own record; Activity hears it from the submitter). */
export interface TaskSubmittedInfo {
  readonly jobId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly submissionId: string;
  readonly label: string;
  readonly items: number;
}

export type SyncEvent =
  | ({ readonly type: 'progress' } & SyncProgress)
  | { readonly type: 'job'; readonly job: SyncJob }
  | { readonly type: 'job-deleted'; readonly jobId: string }
  | { readonly type: 'run'; readonly run: SyncRun }
  | { readonly type: 'log'; readonly runId: string; readonly jobId: string; readonly line: string }
  | { readonly type: 'task-submitted'; readonly info: TaskSubmittedInfo };

export const emptyPhases: SyncPhaseTimes = { scanMs: 0, mkdirMs: 0, submitMs: 0, transferMs: 0, commitMs: 0 };
export const emptyStats: SyncRunStats = {
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
