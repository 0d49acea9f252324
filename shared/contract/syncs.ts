/**
 * Contract slice: Scheduled directory sync jobs (issue 11).
 * Channels are named `syncs:<verb>`; ipc-contract.ts assembles every slice into the one contract.
 *
 * A sync job scans a folder on this machine (inside a source collection) and sends what was added
 * or changed since the last successful transfer to a destination collection + folder, on a
 * schedule. Everything here is plain readonly JSON; times are ISO strings.
 */
import { Cron } from 'croner';
import { z } from 'zod';
import type { Transport } from '../api-client';
import type { Listener, Unsubscribe } from '../ipc-contract';
import { UUID_PATTERN, globusIdSchema } from '../ids';
import { localPathSchema } from '../paths';

export const syncSymlinkPolicies = ['skip', 'follow', 'keep'] as const;
export type SyncSymlinkPolicy = (typeof syncSymlinkPolicies)[number];

/** Globus sync_level: 0 exists, 1 size, 2 mtime, 3 checksum; null = always transfer what changed here. */
export const syncLevels = [0, 1, 2, 3] as const;
export type SyncLevel = (typeof syncLevels)[number];

export const syncMaxIntervalMinutes = 7 * 24 * 60;
export const syncMaxItemsLimit = 1_000_000;
export const syncMaxGlobs = 100;
export const syncWatchQuietMax = 3600;

export type SyncSchedule =
  | { readonly kind: 'manual' }
  | { readonly kind: 'interval'; readonly minutes: number }
  | { readonly kind: 'cron'; readonly expression: string }
  /** A run `quietSeconds` after the folder's files stop changing, and a full scan every `fullScanMinutes` as a safety net. */
  | { readonly kind: 'watch'; readonly quietSeconds: number; readonly fullScanMinutes: number };

/** Why croner refuses a cron expression, or null when it is valid. */
export function cronProblem(expression: string): string | null {
  try {
    new Cron(expression, { paused: true }).stop();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const collectionPath = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .max(4096, `${what} is longer than 4096 characters`)
    .refine((p) => p.startsWith('/'), `${what} must start with / (an absolute path on the collection, e.g. /data/runs)`)
    .refine((p) => !p.includes('\u0000'), `${what} may not contain NUL`);

export const syncScheduleSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('manual') }).strict(),
    z
      .object({
        kind: z.literal('interval'),
        minutes: z
          .number('every N minutes needs a number')
          .int('every N minutes is a whole number')
          .min(1, 'run at most every minute (N ≥ 1)')
          .max(syncMaxIntervalMinutes, `run at least once a week (N ≤ ${syncMaxIntervalMinutes})`),
      })
      .strict(),
    z
      .object({
        kind: z.literal('cron'),
        expression: z
          .string()
          .trim()
          .min(1, 'a cron expression is required, e.g. */15 * * * *')
          .max(200, 'the cron expression is longer than 200 characters')
          .superRefine((expr, ctx) => {
            const problem = cronProblem(expr);
            if (problem) ctx.addIssue({ code: 'custom', message: `not a valid cron expression (${problem}); e.g. */15 * * * * runs every 15 minutes` });
          }),
      })
      .strict(),
    z
      .object({
        kind: z.literal('watch'),
        quietSeconds: z.number('quiet seconds needs a number').int('quiet seconds is a whole number').min(1, 'wait at least 1 second of quiet').max(syncWatchQuietMax, `wait at most ${syncWatchQuietMax} seconds of quiet`),
        fullScanMinutes: z
          .number('a full scan every N minutes needs a number')
          .int('the full scan interval is whole minutes')
          .min(1, 'a full scan at most every minute')
          .max(syncMaxIntervalMinutes, `a full scan at least once a week (N ≤ ${syncMaxIntervalMinutes})`),
      })
      .strict(),
  ],
  'schedule kind must be manual, interval, cron or watch',
);

const globListSchema = (what: string) =>
  z
    .array(
      z
        .string()
        .trim()
        .min(1, `an ${what} pattern cannot be empty`)
        .max(500, `an ${what} pattern is longer than 500 characters`)
        .refine((g) => !g.includes('\u0000'), `an ${what} pattern may not contain NUL`),
    )
    .max(syncMaxGlobs, `at most ${syncMaxGlobs} ${what} patterns`);

/** What a person fills in to create (or replace the settings of) a sync job. */
export const syncJobDraftSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'give the job a name')
      .max(120, 'the name is longer than 120 characters')
      .refine((n) => !/[\r\n\t]/.test(n), 'the name may not contain tabs or line breaks'),
    source: z
      .object({
        collectionId: globusIdSchema,
        /** The folder on this machine that is scanned. Core checks that it exists. */
        localPath: localPathSchema('the local folder'),
        /** The path of `localPath` as the source collection sees it. */
        collectionPath: collectionPath('the collection path of the local folder'),
      })
      .strict(),
    destination: z.object({ collectionId: globusIdSchema, path: collectionPath('the destination folder') }).strict(),
    schedule: syncScheduleSchema,
    syncLevel: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.null()], 'sync level must be 0, 1, 2, 3 or null'),
    include: globListSchema('include'),
    exclude: globListSchema('exclude'),
    symlinks: z.enum(syncSymlinkPolicies, `symlink policy must be one of ${syncSymlinkPolicies.join(', ')}`),
    createEmptyDirs: z.boolean('create empty folders is true or false'),
    enabled: z.boolean('enabled is true or false'),
    maxItemsPerTransfer: z
      .number('max items per transfer needs a number')
      .int('max items per transfer is a whole number')
      .min(1, 'a transfer holds at least 1 item')
      .max(syncMaxItemsLimit, `a transfer holds at most ${syncMaxItemsLimit.toLocaleString('en-US')} items`),
    preserveTimestamp: z.boolean().optional(),
    verifyChecksum: z.boolean().optional(),
    /** Globus e-mails per task (off by default: bulk syncs drown people in mail). */
    notify: z.boolean().optional(),
    /** Verified move: delete local files a checksum-verified task carried, when unchanged since (off by default). */
    moveAfterVerify: z.boolean().optional(),
  })
  .strict()
  .refine((d) => !d.moveAfterVerify || d.verifyChecksum === true, { message: 'moving files needs checksum verification on', path: ['moveAfterVerify'] });
export type SyncJobDraft = z.input<typeof syncJobDraftSchema>;

export const syncIdSchema = z.string().trim().regex(UUID_PATTERN, 'must be an id from the sync jobs list (a UUID)');

export interface SyncJob {
  readonly id: string;
  readonly name: string;
  readonly source: { readonly collectionId: string; readonly localPath: string; readonly collectionPath: string };
  readonly destination: { readonly collectionId: string; readonly path: string };
  readonly schedule: SyncSchedule;
  readonly syncLevel: SyncLevel | null;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly symlinks: SyncSymlinkPolicy;
  readonly createEmptyDirs: boolean;
  readonly enabled: boolean;
  readonly maxItemsPerTransfer: number;
  readonly preserveTimestamp: boolean;
  readonly verifyChecksum: boolean;
  readonly notify: boolean;
  /** Verified move on (absent: off). */
  readonly moveAfterVerify?: boolean;
  readonly paused: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const syncRunStatuses = ['scanning', 'submitting', 'transferring', 'succeeded', 'partial', 'failed', 'canceled', 'no_changes', 'skipped', 'interrupted'] as const;
export type SyncRunStatus = (typeof syncRunStatuses)[number];
export const syncFinishedStatuses: readonly SyncRunStatus[] = ['succeeded', 'partial', 'failed', 'canceled', 'no_changes', 'skipped', 'interrupted'];

export const syncRunTriggers = ['manual', 'schedule', 'cli', 'watch'] as const;
export type SyncRunTrigger = (typeof syncRunTriggers)[number];
export const syncPhases = ['scan', 'mkdir', 'submit', 'transfer', 'commit'] as const;
export type SyncPhase = (typeof syncPhases)[number];

export interface SyncPhaseTimes {
  readonly scanMs: number;
  readonly mkdirMs: number;
  readonly submitMs: number;
  readonly transferMs: number;
  readonly commitMs: number;
}

export interface SyncRunStats {
  readonly filesScanned: number;
  readonly dirsScanned: number;
  readonly bytesScanned: number;
  readonly changedFiles: number;
  readonly changedBytes: number;
  readonly emptyDirs: number;
  readonly removedEntries: number;
  readonly symlinksSkipped: number;
  readonly symlinkLoops: readonly string[];
  /** Entries the scan skipped with a warning (unreadable, loops, special files; not policy-skipped links). A run
   * that succeeded with warnings > 0 "succeeded with N warnings": those entries are tried again next run. */
  readonly warnings: number;
  readonly sample: readonly string[];
  readonly phases: SyncPhaseTimes;
}

/** pending/submitted while Ferry sends it; SUCCEEDED/FAILED as Globus ended it; rejected when Globus refused it. */
export const syncRunTaskStatuses = ['pending', 'submitted', 'SUCCEEDED', 'FAILED', 'rejected'] as const;

export interface SyncRunTask {
  readonly chunk: number;
  readonly submissionId: string;
  readonly taskId: string | null;
  readonly items: number;
  readonly status: (typeof syncRunTaskStatuses)[number];
  readonly error: string | null;
}

export interface SyncRun {
  readonly id: string;
  readonly jobId: string;
  readonly jobName: string;
  readonly status: SyncRunStatus;
  readonly trigger: SyncRunTrigger;
  /** `AUTO_<YYYY-MM-DD_HHMMSS>` once the run has something to send; unique per job (`…_2`, `…_3` for
   * more runs of the job in the same second). */
  readonly label: string | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly message: string;
  readonly stats: SyncRunStats;
  readonly tasks: readonly SyncRunTask[];
}

export interface SyncPreview {
  readonly jobId: string;
  readonly filesScanned: number;
  readonly dirsScanned: number;
  readonly changedFiles: number;
  readonly changedBytes: number;
  readonly emptyDirs: number;
  readonly symlinksSkipped: number;
  readonly symlinkLoops: readonly string[];
  /** `path: reason` of the first 100 warnings (entries skipped: unreadable, loops, special files). */
  readonly warnings: readonly string[];
  /** Every warning (a run of the job now would end "succeeded with N warnings"). */
  readonly warningCount: number;
  /** Some of the changed files, relative to the job's folder. */
  readonly sample: readonly { readonly path: string; readonly size: number; readonly mtime: string }[];
  readonly scanMs: number;
}

export interface SyncJobSummary {
  readonly job: SyncJob;
  readonly running: boolean;
  readonly nextRunAt: string | null;
  readonly lastRun: SyncRun | null;
  /** Changed files of the most recent runs, oldest first (for a sparkline). */
  readonly recentChangedFiles: readonly number[];
}

export interface SyncProgress {
  readonly jobId: string;
  /** null for a preview. */
  readonly runId: string | null;
  readonly phase: SyncPhase;
  readonly filesScanned: number;
  readonly dirsScanned: number;
  readonly changedFiles: number;
  readonly changedBytes: number;
  /** Items submitted so far / to submit, during `submit`. */
  readonly done?: number | undefined;
  readonly total?: number | undefined;
}

export interface SyncRunLog { readonly runId: string; readonly lines: readonly string[] }

export interface SyncRunLogExport {
  /** A file name for the download, e.g. `detector-AUTO_2024-05-01_101500.log`. */
  readonly fileName: string;
  readonly text: string;
}

/** A file a run sent: its path relative to the job's folder, size, mtime as scanned (ISO), the task that carried it. */
export interface SyncRunFile {
  readonly path: string;
  readonly size: number;
  readonly mtime: string;
  readonly taskId: string;
}

export interface SyncRunFilesPage {
  readonly runId: string;
  /** Files the run sent (accepted by Globus in one of its tasks). */
  readonly sent: number;
  /** Of those, the ones matching the search (= sent without one). */
  readonly total: number;
  readonly offset: number;
  /** Folder by folder in path order. */
  readonly files: readonly SyncRunFile[];
}

/** The most files one page holds. */
export const syncRunFilesPageMax = 5000;

export const syncRunFilesQuerySchema = z
  .object({
    offset: z.number().int('offset is a whole number').min(0, 'offset is at least 0').max(1_000_000_000, 'offset is at most 1,000,000,000'),
    limit: z.number().int('limit is a whole number').min(1, 'limit is at least 1').max(syncRunFilesPageMax, `at most ${syncRunFilesPageMax} files at once`),
    /** Only files whose path contains this (any case); null or blank: all. */
    search: z.string().max(500, 'the search is longer than 500 characters').nullable(),
  })
  .strict();
export type SyncRunFilesQuery = z.input<typeof syncRunFilesQuerySchema>;

/** CSV lines (RFC 4180) of files a run sent; the header first when asked. */
export function syncRunFilesCsv(files: readonly SyncRunFile[], header: boolean): string {
  const cell = (v: string | number): string => {
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = files.map((f) => `${cell(f.path)},${f.size},${f.mtime},${cell(f.taskId)}\r\n`);
  return (header ? 'path,size,mtime,task_id\r\n' : '') + lines.join('');
}

const noArgs = z.tuple([]);
const runLimitSchema = z.number().int('limit is a whole number').min(1, 'limit is at least 1').max(1000, 'at most 1,000 runs at once');

export const syncsInvoke = {
  'syncs:list': { args: noArgs },
  'syncs:create': { args: z.tuple([syncJobDraftSchema]) },
  'syncs:update': { args: z.tuple([syncIdSchema, syncJobDraftSchema]) },
  'syncs:delete': { args: z.tuple([syncIdSchema]) },
  'syncs:preview': { args: z.tuple([syncIdSchema]) },
  'syncs:run-now': { args: z.tuple([syncIdSchema]) },
  'syncs:cancel-run': { args: z.tuple([syncIdSchema]) },
  'syncs:pause': { args: z.tuple([syncIdSchema]) },
  'syncs:resume': { args: z.tuple([syncIdSchema]) },
  'syncs:list-runs': { args: z.tuple([syncIdSchema, runLimitSchema.nullable()]) },
  'syncs:run-log': { args: z.tuple([syncIdSchema]) },
  'syncs:export-run-log': { args: z.tuple([syncIdSchema]) },
  'syncs:run-files': { args: z.tuple([syncIdSchema, syncRunFilesQuerySchema]) },
} as const satisfies Record<`syncs:${string}`, { readonly args: z.ZodTuple }>;

export interface SyncsResults {
  'syncs:list': readonly SyncJobSummary[];
  'syncs:create': SyncJob;
  'syncs:update': SyncJob;
  'syncs:delete': { readonly deleted: boolean };
  'syncs:preview': SyncPreview;
  /** The run as it started (scanning), or as it was recorded when skipped. */
  'syncs:run-now': SyncRun;
  'syncs:cancel-run': SyncRun;
  'syncs:pause': SyncJob;
  'syncs:resume': SyncJob;
  /** Newest first. */
  'syncs:list-runs': readonly SyncRun[];
  'syncs:run-log': SyncRunLog;
  'syncs:export-run-log': SyncRunLogExport;
  'syncs:run-files': SyncRunFilesPage;
}

/** What core sends back: bounded generously, the point is the shape. */
const outText = z.string().max(100_000);
const count = z.number().min(0);
const outTexts = z.array(outText).readonly();

const syncJobSchema = z.object({
  id: outText,
  name: outText,
  /** Any collection id: the engine also serves the CLI and local fakes. */
  source: z.object({ collectionId: outText, localPath: outText, collectionPath: outText }),
  destination: z.object({ collectionId: outText, path: outText }),
  schedule: syncScheduleSchema,
  syncLevel: z.literal(syncLevels).nullable(),
  include: outTexts,
  exclude: outTexts,
  symlinks: z.enum(syncSymlinkPolicies),
  createEmptyDirs: z.boolean(),
  enabled: z.boolean(),
  maxItemsPerTransfer: count,
  preserveTimestamp: z.boolean(),
  verifyChecksum: z.boolean(),
  notify: z.boolean(),
  moveAfterVerify: z.boolean().optional(),
  paused: z.boolean(),
  createdAt: outText,
  updatedAt: outText,
}) satisfies z.ZodType<SyncJob>;

const syncRunSchema = z.object({
  id: outText,
  jobId: outText,
  jobName: outText,
  status: z.enum(syncRunStatuses),
  trigger: z.enum(syncRunTriggers),
  label: outText.nullable(),
  startedAt: outText,
  endedAt: outText.nullable(),
  message: outText,
  stats: z.object({
    filesScanned: count,
    dirsScanned: count,
    bytesScanned: count,
    changedFiles: count,
    changedBytes: count,
    emptyDirs: count,
    removedEntries: count,
    symlinksSkipped: count,
    symlinkLoops: outTexts,
    warnings: count,
    sample: outTexts,
    phases: z.object({ scanMs: count, mkdirMs: count, submitMs: count, transferMs: count, commitMs: count }) satisfies z.ZodType<SyncPhaseTimes>,
  }) satisfies z.ZodType<SyncRunStats>,
  tasks: z
    .array(z.object({ chunk: z.number(), submissionId: outText, taskId: outText.nullable(), items: count, status: z.enum(syncRunTaskStatuses), error: outText.nullable() }) satisfies z.ZodType<SyncRunTask>)
    .readonly(),
}) satisfies z.ZodType<SyncRun>;

const syncJobSummarySchema = z.object({
  job: syncJobSchema,
  running: z.boolean(),
  nextRunAt: outText.nullable(),
  lastRun: syncRunSchema.nullable(),
  recentChangedFiles: z.array(count).readonly(),
}) satisfies z.ZodType<SyncJobSummary>;

const syncProgressSchema = z.object({
  ...{ jobId: outText, runId: outText.nullable(), phase: z.enum(syncPhases), filesScanned: count, dirsScanned: count },
  ...{ changedFiles: count, changedBytes: count, done: count.optional(), total: count.optional() },
}) satisfies z.ZodType<SyncProgress>;

export const syncsEvents = {
  /** Every job's summary (throttled). */
  'syncs:changed': z.array(syncJobSummarySchema).readonly() satisfies z.ZodType<readonly SyncJobSummary[]>,
  /** A scan, preview or submission moving on (throttled to a few per second per job). */
  'syncs:progress': syncProgressSchema,
  /** A run changed (started, changed phase, ended). */
  'syncs:run': syncRunSchema,
} as const satisfies Record<`syncs:${string}`, z.ZodType>;

export interface SyncsApi {
  list(): Promise<readonly SyncJobSummary[]>;
  create(draft: SyncJobDraft): Promise<SyncJob>;
  /** Replaces the job's settings; pointing it at other folders starts its state afresh. */
  update(jobId: string, draft: SyncJobDraft): Promise<SyncJob>;
  remove(jobId: string): Promise<{ readonly deleted: boolean }>;
  /** A dry run: what a run would send now. Records nothing. */
  preview(jobId: string): Promise<SyncPreview>;
  runNow(jobId: string): Promise<SyncRun>;
  cancelRun(runId: string): Promise<SyncRun>;
  pause(jobId: string): Promise<SyncJob>;
  resume(jobId: string): Promise<SyncJob>;
  listRuns(jobId: string, limit?: number): Promise<readonly SyncRun[]>;
  runLog(runId: string): Promise<SyncRunLog>;
  exportRunLog(runId: string): Promise<SyncRunLogExport>;
  /** One page of the files a run sent, optionally only those whose path contains `search`. */
  runFiles(runId: string, query: SyncRunFilesQuery): Promise<SyncRunFilesPage>;
  onChanged(listener: Listener<readonly SyncJobSummary[]>): Unsubscribe;
  onProgress(listener: Listener<SyncProgress>): Unsubscribe;
  onRun(listener: Listener<SyncRun>): Unsubscribe;
}

function copyDraft(d: SyncJobDraft): SyncJobDraft {
  return {
    ...d,
    source: { ...d.source },
    destination: { ...d.destination },
    schedule: { ...d.schedule },
    include: [...d.include],
    exclude: [...d.exclude],
  };
}

export function createSyncsApi(t: Transport): SyncsApi {
  return {
    list: () => t.invoke('syncs:list', []),
    create: (draft) => t.invoke('syncs:create', [copyDraft(draft)]),
    update: (jobId, draft) => t.invoke('syncs:update', [jobId, copyDraft(draft)]),
    remove: (jobId) => t.invoke('syncs:delete', [jobId]),
    preview: (jobId) => t.invoke('syncs:preview', [jobId]),
    runNow: (jobId) => t.invoke('syncs:run-now', [jobId]),
    cancelRun: (runId) => t.invoke('syncs:cancel-run', [runId]),
    pause: (jobId) => t.invoke('syncs:pause', [jobId]),
    resume: (jobId) => t.invoke('syncs:resume', [jobId]),
    listRuns: (jobId, limit) => t.invoke('syncs:list-runs', [jobId, limit ?? null]),
    runLog: (runId) => t.invoke('syncs:run-log', [runId]),
    exportRunLog: (runId) => t.invoke('syncs:export-run-log', [runId]),
    runFiles: (runId, query) => t.invoke('syncs:run-files', [runId, { ...query }]),
    onChanged: (listener) => t.subscribe('syncs:changed', listener),
    onProgress: (listener) => t.subscribe('syncs:progress', listener),
    onRun: (listener) => t.subscribe('syncs:run', listener),
  };
}
