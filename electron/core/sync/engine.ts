/**
 * The sync engine: jobs, runs (scan -> mkdir -> submit -> wait -> commit), recovery after a
 * crash, previews, pause, logs and events. State of a file changes only when the task that
 * carried it SUCCEEDED; everything between scan and commit lives in `pending_dirs`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { TaskDocument, TransferItem, TransferSubmission } from '../../../shared/globus-types';
import { GlobusApiError, type TransferService } from '../globus';
import { writeFileAtomic, type SqliteDatabase } from '../store';
import { autoLabel, formatLogTime, nextRunTime, sleep, systemClock, validateCron, type Clock } from './clock';
import { codec, compareNames, emptyEntries, type DirEntries } from './codec';
import { openStateDb, openSyncDb } from './db';
import { JobLocks, type LockHolder } from './lock';
import {
  emptyStats,
  finishedStatuses,
  syncJobInputSchema,
  type PhaseTimes,
  type RunStats,
  type RunStatus,
  type RunTask,
  type RunTrigger,
  type SyncEvent,
  type SyncJob,
  type SyncJobInput,
  type SyncJobSummary,
  type SyncPhase,
  type SyncPreview,
  type SyncRun,
  type TaskSubmittedInfo,
} from './model';
import { ScanAbortedError, scanTree } from './scanner';
import type { DirResult } from './scan-worker';
import type { ErrorKind } from '../../../shared/errors';

/** Points where tests stop a run (e.g. to SIGKILL the process at that moment). */
export interface SyncTestHooks {
  afterDir?(dirsScanned: number): void | Promise<void>;
  beforeSubmit?(chunk: number): void | Promise<void>;
  afterSubmit?(chunk: number, taskId: string): void | Promise<void>;
}

export interface SyncEngineOptions {
  /** Ferry's data folder; the engine keeps `sync/` inside it. */
  readonly dataDir: string;
  /** The Transfer service, or a factory called the first time one is needed (a preview needs none). */
  readonly transfer: TransferService | (() => TransferService | Promise<TransferService>);
  readonly clock?: Clock;
  /** How often a run asks Globus about its tasks. Default 15 s. */
  readonly pollIntervalMs?: number;
  /** Scan worker threads. Default: available cores (at most 4). */
  readonly workers?: number;
  /** Called as soon as a task is accepted, so Activity can show it at once. */
  /** A run's transfer was accepted: its task (when Globus could be asked) and the document sent, for resubmits. */
  readonly onTaskSubmitted?: (info: TaskSubmittedInfo, task: TaskDocument | null, submission: TransferSubmission) => void;
  readonly hooks?: SyncTestHooks;
  /** Runs kept per job (older ones are pruned). Default 1000. */
  readonly keepRuns?: number;
}

export interface RunOptions {
  readonly trigger?: RunTrigger;
  /** `submitted` (default): resolve once tasks are submitted and keep watching them in the
   * background; `completed`: resolve when the tasks ended and the state is committed. */
  readonly until?: 'submitted' | 'completed';
}

export class SyncJobNotFoundError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind = 'not-found';
  constructor(idOrName: string) {
    super(`No sync job named or with id "${idOrName}"`);
    this.name = 'SyncJobNotFoundError';
  }
}

interface RunRow {
  id: string;
  job_id: string;
  job_name: string;
  status: RunStatus;
  trigger: RunTrigger;
  label: string | null;
  started_at: string;
  ended_at: string | null;
  max_items: number;
  stats: string;
  message: string;
}

interface TaskRow {
  run_id: string;
  chunk: number;
  submission_id: string;
  task_id: string | null;
  items: number;
  status: RunTask['status'];
  error: string | null;
}

interface PendingRow {
  path: string;
  new_dir: number;
  empty: number;
  whole: number;
  files: number;
  bytes: number;
  changes: Buffer | null;
  removed: Buffer | null;
  old_idx: Buffer | null;
  old_crc: number | null;
  mkdir_ok: number;
}

interface MutableStats {
  filesScanned: number;
  dirsScanned: number;
  bytesScanned: number;
  changedFiles: number;
  changedBytes: number;
  emptyDirs: number;
  removedEntries: number;
  symlinksSkipped: number;
  symlinkLoops: string[];
  warnings: number;
  sample: string[];
  phases: { -readonly [K in keyof PhaseTimes]: number };
}

interface RunCtx {
  readonly id: string;
  readonly job: SyncJob;
  stats: MutableStats;
  label: string | null;
}

const PAGE = 64;
const CANCELED = { status: 'canceled', message: 'Canceled; files not transferred stay pending for the next run.' } as const;
const SAMPLE = 10;
const MAX_WARNING_LINES = 100;

function isEnded(status: string): boolean {
  return status === 'SUCCEEDED' || status === 'FAILED';
}

function cloneStats(s: RunStats): MutableStats {
  return { ...s, symlinkLoops: [...s.symlinkLoops], sample: [...s.sample], phases: { ...s.phases } };
}

/** `base` + `/` + `rel` (rel comes from readdir: no `.`/`..`, no doubled slashes). */
function joinPath(base: string, rel: string): string {
  if (rel === '') return base;
  return base.endsWith('/') ? base + rel : `${base}/${rel}`;
}

/** Directory rows strictly below `rel` (not `rel` itself): `rel/` .. `rel0` in byte order. */
function subtreeRange(rel: string): [string, string] {
  return rel === '' ? ['', '\uffff'] : [`${rel}/`, `${rel}0`];
}

export class SyncEngine {
  private readonly db: SqliteDatabase;
  private readonly locks: JobLocks;
  private readonly clock: Clock;
  private readonly pollMs: number;
  private readonly listeners = new Set<(e: SyncEvent) => void>();
  private readonly active = new Map<string, AbortController>(); // job id -> scan/submit in progress
  private readonly watchers = new Map<string, Promise<SyncRun>>(); // run id -> waiting for tasks
  private readonly stateDbs = new Map<string, SqliteDatabase>();
  private readonly cancelRequested = new Set<string>(); // run ids: whoever commits them says canceled
  private readonly closing = new AbortController();
  private transferService: TransferService | null = null;
  private readonly dir: string;
  private closed = false;

  constructor(private readonly opts: SyncEngineOptions) {
    this.dir = join(opts.dataDir, 'sync');
    mkdirSync(join(this.dir, 'state'), { recursive: true });
    this.db = openSyncDb(join(this.dir, 'sync.db'));
    this.locks = new JobLocks(this.db);
    this.clock = opts.clock ?? systemClock;
    this.pollMs = opts.pollIntervalMs ?? 15_000;
  }

  // ---------------------------------------------------------------- events

  /** Progress, job and run changes, log lines, submitted tasks. Returns unsubscribe. */
  subscribe(listener: (e: SyncEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: SyncEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a listener's failure is its own business
      }
    }
  }

  // ---------------------------------------------------------------- jobs

  listJobs(): readonly SyncJob[] {
    const rows = this.db.prepare('SELECT * FROM jobs ORDER BY name').all() as JobRow[];
    return rows.map(jobFromRow);
  }

  getJob(idOrName: string): SyncJob | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ? OR name = ?').get(idOrName, idOrName) as JobRow | undefined;
    return row ? jobFromRow(row) : undefined;
  }

  private requireJob(idOrName: string): SyncJob {
    const job = this.getJob(idOrName);
    if (!job) throw new SyncJobNotFoundError(idOrName);
    return job;
  }

  createJob(input: SyncJobInput): SyncJob {
    const config = syncJobInputSchema.parse(input);
    if (config.schedule.kind === 'cron') validateCron(config.schedule.expression);
    if (this.getJob(config.name)) throw new Error(`A sync job named "${config.name}" already exists`);
    const now = new Date(this.clock.now()).toISOString();
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO jobs (id, name, config, paused, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)')
      .run(id, config.name, JSON.stringify(config), now, now);
    const job = this.requireJob(id);
    this.emit({ type: 'job', job });
    return job;
  }

  updateJob(id: string, patch: Partial<SyncJobInput>): SyncJob {
    const job = this.requireJob(id);
    const { id: _id, paused: _p, createdAt: _c, updatedAt: _u, ...current } = job;
    const config = syncJobInputSchema.parse({ ...current, ...patch });
    if (config.schedule.kind === 'cron') validateCron(config.schedule.expression);
    const clash = this.getJob(config.name);
    if (clash && clash.id !== job.id) throw new Error(`A sync job named "${config.name}" already exists`);
    const moved =
      config.source.localPath !== job.source.localPath ||
      config.source.collectionId !== job.source.collectionId ||
      config.source.collectionPath !== job.source.collectionPath ||
      config.destination.collectionId !== job.destination.collectionId ||
      config.destination.path !== job.destination.path;
    this.db
      .prepare('UPDATE jobs SET name = ?, config = ?, updated_at = ? WHERE id = ?')
      .run(config.name, JSON.stringify(config), new Date(this.clock.now()).toISOString(), job.id);
    // a job pointed elsewhere starts from scratch: the old state describes other files
    if (moved && !this.active.has(job.id)) this.resetState(job.id);
    const updated = this.requireJob(job.id);
    this.emit({ type: 'job', job: updated });
    return updated;
  }

  deleteJob(id: string): void {
    const job = this.requireJob(id);
    this.active.get(job.id)?.abort();
    const runIds = (this.db.prepare('SELECT id FROM runs WHERE job_id = ?').pluck().all(job.id) as string[]) ?? [];
    this.db.transaction(() => {
      for (const r of runIds) {
        this.db.prepare('DELETE FROM run_tasks WHERE run_id = ?').run(r);
        this.db.prepare('DELETE FROM pending_dirs WHERE run_id = ?').run(r);
        this.db.prepare('DELETE FROM run_log WHERE run_id = ?').run(r);
      }
      this.db.prepare('DELETE FROM runs WHERE job_id = ?').run(job.id);
      this.db.prepare('DELETE FROM jobs WHERE id = ?').run(job.id);
    })();
    this.resetState(job.id);
    this.emit({ type: 'job-deleted', jobId: job.id });
  }

  /** Forget what was transferred: the next run sends everything again. */
  resetState(jobId: string): void {
    const open = this.stateDbs.get(jobId);
    if (open) {
      open.close();
      this.stateDbs.delete(jobId);
    }
    const file = this.stateFile(jobId);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  }

  /** Stops the schedule for this job and aborts a scan in progress (nothing is marked). */
  pauseJob(id: string): SyncJob {
    const job = this.requireJob(id);
    this.db.prepare('UPDATE jobs SET paused = 1 WHERE id = ?').run(job.id);
    this.active.get(job.id)?.abort();
    const updated = this.requireJob(job.id);
    this.emit({ type: 'job', job: updated });
    return updated;
  }

  resumeJob(id: string): SyncJob {
    const job = this.requireJob(id);
    this.db.prepare('UPDATE jobs SET paused = 0 WHERE id = ?').run(job.id);
    const updated = this.requireJob(job.id);
    this.emit({ type: 'job', job: updated });
    return updated;
  }

  isRunning(jobId: string): boolean {
    return this.active.has(jobId);
  }

  /** Latest run start of a job (ms), for schedules. */
  lastRunStart(jobId: string): number | null {
    const s = this.db.prepare('SELECT MAX(started_at) FROM runs WHERE job_id = ?').pluck().get(jobId) as string | null;
    return s ? Date.parse(s) : null;
  }

  summaries(): readonly SyncJobSummary[] {
    const now = this.clock.now();
    return this.listJobs().map((job) => {
      const runs = this.listRuns(job.id, 20);
      return {
        job,
        running: this.active.has(job.id) || runs.some((r) => !finishedStatuses.includes(r.status)),
        nextRunAt: toIso(nextRunTime(job, this.lastRunStart(job.id), now)),
        lastRun: runs[0] ?? null,
        recentChangedFiles: runs
          .filter((r) => r.status !== 'skipped')
          .map((r) => r.stats.changedFiles)
          .reverse(),
      };
    });
  }

  // ---------------------------------------------------------------- runs (read)

  listRuns(jobId: string, limit = 50): readonly SyncRun[] {
    const rows = this.db
      .prepare('SELECT * FROM runs WHERE job_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ?')
      .all(jobId, limit) as RunRow[];
    return rows.map((r) => this.runFromRow(r));
  }

  getRun(runId: string): SyncRun | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
    return row ? this.runFromRow(row) : undefined;
  }

  runLog(runId: string): readonly string[] {
    return this.db.prepare('SELECT line FROM run_log WHERE run_id = ? ORDER BY seq').pluck().all(runId) as string[];
  }

  /** The run's log as text; written to `file` (atomically) when given. */
  async exportRunLog(runId: string, file?: string): Promise<string> {
    const text = this.runLog(runId).join('\n') + '\n';
    if (file) await writeFileAtomic(file, text);
    return text;
  }

  private runFromRow(r: RunRow): SyncRun {
    const tasks = (this.db.prepare('SELECT * FROM run_tasks WHERE run_id = ? ORDER BY chunk').all(r.id) as TaskRow[]).map(
      (t): RunTask => ({
        chunk: t.chunk,
        submissionId: t.submission_id,
        taskId: t.task_id,
        items: t.items,
        status: t.status,
        error: t.error,
      }),
    );
    return {
      id: r.id,
      jobId: r.job_id,
      jobName: r.job_name,
      status: r.status,
      trigger: r.trigger,
      label: r.label,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      message: r.message,
      stats: { ...emptyStats, ...(JSON.parse(r.stats) as Partial<RunStats>) },
      tasks,
    };
  }

  // ---------------------------------------------------------------- logging & persistence

  private log(ctx: { id: string; job: SyncJob }, message: string, level: 'INFO' | 'WARNING' | 'ERROR' = 'INFO'): void {
    const line = `${formatLogTime(this.clock.now())}: ${level}: ${message}`;
    const seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 FROM run_log WHERE run_id = ?').pluck().get(ctx.id) as number) ?? 1;
    this.db.prepare('INSERT INTO run_log (run_id, seq, line) VALUES (?, ?, ?)').run(ctx.id, seq, line);
    this.emit({ type: 'log', runId: ctx.id, jobId: ctx.job.id, line });
  }

  private createRun(job: SyncJob, trigger: RunTrigger, status: RunStatus, message = ''): RunCtx {
    const id = randomUUID();
    const ctx: RunCtx = { id, job, stats: cloneStats(emptyStats), label: null };
    this.db
      .prepare(
        `INSERT INTO runs (id, job_id, job_name, status, trigger, label, started_at, ended_at, max_items, stats, message)
         VALUES (?, ?, ?, ?, ?, NULL, ?, NULL, ?, ?, ?)`,
      )
      .run(id, job.id, job.name, status, trigger, new Date(this.clock.now()).toISOString(), job.maxItemsPerTransfer, JSON.stringify(ctx.stats), message);
    return ctx;
  }

  private saveRun(ctx: RunCtx, status: RunStatus, message?: string): SyncRun {
    const ended = finishedStatuses.includes(status) ? new Date(this.clock.now()).toISOString() : null;
    this.db
      .prepare(`UPDATE runs SET status = ?, label = ?, stats = ?, ended_at = ?, message = COALESCE(?, message) WHERE id = ?`)
      .run(status, ctx.label, JSON.stringify(ctx.stats), ended, message ?? null, ctx.id);
    const run = this.getRun(ctx.id) as SyncRun;
    this.emit({ type: 'run', run });
    return run;
  }

  private ctxFromRun(runId: string): RunCtx | null {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
    if (!row) return null;
    const job = this.getJob(row.job_id);
    if (!job) return null;
    return { id: row.id, job, stats: cloneStats(this.runFromRow(row).stats), label: row.label };
  }

  private stateFile(jobId: string): string {
    return join(this.dir, 'state', `${jobId}.db`);
  }

  private stateDb(jobId: string): SqliteDatabase {
    let db = this.stateDbs.get(jobId);
    if (!db) {
      db = openStateDb(this.stateFile(jobId));
      this.stateDbs.set(jobId, db);
    }
    return db;
  }

  /** Bytes of a job's state on disk (database, WAL included). */
  stateSize(jobId: string): number {
    const file = this.stateFile(jobId);
    let total = 0;
    for (const f of [file, `${file}-wal`]) total += statSync(f, { throwIfNoEntry: false })?.size ?? 0;
    return total;
  }

  private async transfer(): Promise<TransferService> {
    if (!this.transferService) {
      const t = this.opts.transfer;
      this.transferService = typeof t === 'function' ? await t() : t;
    }
    return this.transferService;
  }

  // ---------------------------------------------------------------- preview

  /** What a run would transfer now, without recording anything. */
  async preview(idOrName: string, sampleSize = 50): Promise<SyncPreview> {
    const job = this.requireJob(idOrName);
    const state = this.stateDb(job.id);
    const get = state.prepare('SELECT entries FROM dirs WHERE path = ?').pluck();
    const sample: { path: string; size: number; mtime: string }[] = [];
    const warnings: string[] = [];
    const loops: string[] = [];
    let skipped = 0;
    let emptyDirs = 0;
    let files = 0;
    let dirs = 0;
    let changedFiles = 0;
    let changedBytes = 0;
    const started = performance.now();
    let progressAt = 0;
    const totals = await scanTree({
      root: job.source.localPath,
      policy: job.symlinks,
      include: job.include,
      exclude: job.exclude,
      mode: 'preview',
      sampleSize,
      workers: this.opts.workers,
      signal: this.closing.signal,
      loadState: (rel) => (get.get(rel) as Buffer | undefined) ?? null,
      onDir: (r) => {
        files += r.files;
        dirs++;
        changedFiles += r.changedFiles;
        changedBytes += r.changedBytes;
        skipped += r.skippedLinks;
        if (r.isNew && r.empty && r.rel !== '') emptyDirs++;
        for (const s of r.sample) if (sample.length < sampleSize) sample.push({ path: s.path, size: s.size, mtime: new Date(s.mtime / 1000).toISOString() });
        for (const w of r.warnings) {
          if (w.kind === 'symlink-loop') loops.push(w.path);
          if (w.kind !== 'symlink-skipped' && warnings.length < MAX_WARNING_LINES) warnings.push(`${w.path}: ${w.detail}`);
        }
        const now = Date.now();
        if (now - progressAt > 100) {
          progressAt = now;
          this.emit({ type: 'progress', jobId: job.id, runId: null, phase: 'scan', filesScanned: files, dirsScanned: dirs, changedFiles, changedBytes });
        }
      },
    });
    return {
      jobId: job.id,
      filesScanned: totals.files,
      dirsScanned: totals.dirs,
      changedFiles,
      changedBytes,
      emptyDirs: job.createEmptyDirs ? emptyDirs : 0,
      symlinksSkipped: skipped,
      symlinkLoops: loops,
      warnings,
      sample: [...sample].sort((a, b) => compareNames(a.path, b.path)),
      scanMs: Math.round(performance.now() - started),
    };
  }

  // ---------------------------------------------------------------- run

  /**
   * One run of a job: never two at once for the same job (in this process or any other; a
   * second attempt is recorded as `skipped` with the reason). Resolves with the run as it
   * stands at `until`.
   */
  async runJob(idOrName: string, options: RunOptions = {}): Promise<SyncRun> {
    if (this.closed) throw new Error('sync engine is closed');
    const job = this.requireJob(idOrName);
    const trigger = options.trigger ?? 'manual';
    if (this.active.has(job.id)) return this.skip(job, trigger, 'A run of this job is already in progress, so this one is skipped.');
    const abort = new AbortController();
    this.active.set(job.id, abort);
    let lockToken: string | null = null;
    let result: SyncRun;
    try {
      const lock = this.locks.tryAcquire(job.id);
      if (!lock.ok) return this.skip(job, trigger, `The job is running in another process (${describeHolder(lock.holder)}), so this run is skipped.`);
      lockToken = lock.token;
      const blocking = await this.recover(job);
      if (blocking) {
        const tasks = blocking.tasks.filter((t) => t.status === 'submitted').map((t) => `task ${t.taskId}`);
        return this.skip(
          job,
          trigger,
          `The previous run ${blocking.label ?? blocking.id} is still ${blocking.status}${tasks.length ? ` (${tasks.join(', ')})` : ''}, so this run is skipped.`,
        );
      }
      const ctx = this.createRun(job, trigger, 'scanning');
      result = await this.execute(ctx, abort.signal);
    } finally {
      this.active.delete(job.id);
      if (lockToken) this.locks.release(job.id, lockToken);
    }
    if (result.status === 'transferring') {
      const w = this.watch(result.id);
      if (options.until === 'completed') return w;
    }
    return result;
  }

  /** Convenience: run and wait for the tasks to end. */
  async runJobToCompletion(idOrName: string, trigger: RunTrigger = 'manual'): Promise<SyncRun> {
    const run = await this.runJob(idOrName, { trigger, until: 'completed' });
    return this.getRun(run.id) ?? run;
  }

  private skip(job: SyncJob, trigger: RunTrigger, reason: string): SyncRun {
    const ctx = this.createRun(job, trigger, 'skipped', reason);
    this.log(ctx, '=====');
    this.log(ctx, reason, 'WARNING');
    return this.saveRun(ctx, 'skipped', reason);
  }

  private async execute(ctx: RunCtx, signal: AbortSignal): Promise<SyncRun> {
    const job = ctx.job;
    this.log(ctx, '=====');
    this.log(ctx, `Run of "${job.name}" (${ctx.id}): ${job.source.localPath} -> ${job.destination.collectionId}:${job.destination.path}`);
    this.saveRun(ctx, 'scanning');
    // ---- scan
    this.log(ctx, 'Scanning directory..');
    const t0 = performance.now();
    const state = this.stateDb(job.id);
    const get = state.prepare('SELECT entries FROM dirs WHERE path = ?').pluck();
    const insert = this.db.prepare(
      `INSERT INTO pending_dirs (run_id, path, new_dir, empty, whole, files, bytes, changes, removed, old_idx, old_crc, mkdir_ok)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
    );
    let batch: DirResult[] = [];
    const flush = this.db.transaction((rows: DirResult[]) => {
      for (const r of rows) {
        insert.run(ctx.id, r.rel, r.isNew ? 1 : 0, r.empty ? 1 : 0, r.whole && wholeOk ? 1 : 0, r.changedFiles, r.changedBytes, r.changes, r.removed, r.oldIndex, r.stateCrc);
      }
    });
    const s = ctx.stats;
    // a whole new folder goes as one recursive item, unless globs pick files inside it or it may
    // be reached through a followed link (Globus would not follow links inside a recursive item)
    const wholeOk = job.include.length === 0 && job.exclude.length === 0 && job.symlinks !== 'follow';
    let warningLines = 0;
    let progressAt = 0;
    const skippedLinks: string[] = [];
    try {
      await scanTree({
        root: job.source.localPath,
        policy: job.symlinks,
        include: job.include,
        exclude: job.exclude,
        mode: 'pending',
        sampleSize: SAMPLE,
        workers: this.opts.workers,
        signal: AbortSignal.any([signal, this.closing.signal]),
        loadState: (rel) => (get.get(rel) as Buffer | undefined) ?? null,
        onDir: async (r) => {
          s.dirsScanned++;
          s.filesScanned += r.files;
          s.bytesScanned += r.bytes;
          s.changedFiles += r.changedFiles;
          s.changedBytes += r.changedBytes;
          s.removedEntries += r.removedCount;
          s.symlinksSkipped += r.skippedLinks;
          if (r.isNew && r.empty && r.rel !== '' && job.createEmptyDirs) s.emptyDirs++;
          for (const x of r.sample) if (s.sample.length < SAMPLE) s.sample.push(x.path);
          for (const w of r.warnings) {
            if (w.kind === 'symlink-skipped') {
              if (skippedLinks.length < 5) skippedLinks.push(w.path);
              continue;
            }
            s.warnings++;
            if (w.kind === 'symlink-loop' && s.symlinkLoops.length < 100) s.symlinkLoops.push(w.path);
            if (warningLines++ < MAX_WARNING_LINES) this.log(ctx, `${w.path}: ${w.detail}`, 'WARNING');
          }
          if (!r.unreadable && (r.changes || r.removed || (r.isNew && (r.empty || r.rel === '')))) {
            batch.push(r);
            if (batch.length >= 256) {
              flush(batch);
              batch = [];
            }
          }
          const now = Date.now();
          if (now - progressAt > 100) {
            progressAt = now;
            this.progress(ctx, 'scan');
          }
          await this.opts.hooks?.afterDir?.(s.dirsScanned);
        },
      });
      flush(batch);
      batch = [];
    } catch (error) {
      this.db.prepare('DELETE FROM pending_dirs WHERE run_id = ?').run(ctx.id);
      s.phases.scanMs = Math.round(performance.now() - t0);
      if (error instanceof ScanAbortedError) {
        this.log(ctx, 'Scan stopped (job paused, deleted or app closing); nothing was marked as transferred.', 'WARNING');
        return this.saveRun(ctx, 'canceled', 'Stopped during the scan');
      }
      const msg = (error as Error).message;
      this.log(ctx, `Scan failed: ${msg}`, 'ERROR');
      return this.saveRun(ctx, 'failed', `Scan failed: ${msg}`);
    }
    s.phases.scanMs = Math.round(performance.now() - t0);
    if (warningLines > MAX_WARNING_LINES) this.log(ctx, `... and ${warningLines - MAX_WARNING_LINES} more warning(s)`, 'WARNING');
    if (s.symlinksSkipped > 0) {
      this.log(ctx, `Skipped ${s.symlinksSkipped} symlink(s) (symlink policy: skip), e.g. ${skippedLinks.join(', ')}`, 'WARNING');
    }
    this.log(ctx, 'Checking for additions or changes..');
    this.log(
      ctx,
      `Scanned ${s.filesScanned} file(s) in ${s.dirsScanned} folder(s) in ${(s.phases.scanMs / 1000).toFixed(1)} s: ` +
        `${s.changedFiles} added or changed (${s.changedBytes} bytes)` +
        (s.emptyDirs ? `, ${s.emptyDirs} new empty folder(s)` : '') +
        (s.removedEntries ? `, ${s.removedEntries} gone since last time` : '') +
        '.',
    );
    this.progress(ctx, 'scan');

    if (s.changedFiles === 0 && s.emptyDirs === 0) {
      this.log(ctx, 'The directory was not modified, so a transfer is not necessary.');
      this.saveRun(ctx, 'scanning');
      this.commit(ctx.id, 'no_changes', 'The directory was not modified, so a transfer is not necessary.');
      return this.getRun(ctx.id) as SyncRun;
    }
    ctx.label = autoLabel(this.clock.now());
    this.saveRun(ctx, 'submitting');
    return this.submit(ctx);
  }

  private progress(ctx: RunCtx, phase: SyncPhase, done?: number, total?: number): void {
    const s = ctx.stats;
    this.emit({
      type: 'progress',
      jobId: ctx.job.id,
      runId: ctx.id,
      phase,
      filesScanned: s.filesScanned,
      dirsScanned: s.dirsScanned,
      changedFiles: s.changedFiles,
      changedBytes: s.changedBytes,
      ...(done !== undefined ? { done, total } : {}),
    });
  }

  private pendingPage(runId: string, after: string | null, withChanges: boolean): PendingRow[] {
    const cond = withChanges ? 'AND changes IS NOT NULL' : '';
    return (
      after === null
        ? this.db.prepare(`SELECT * FROM pending_dirs WHERE run_id = ? ${cond} ORDER BY path LIMIT ?`).all(runId, PAGE)
        : this.db.prepare(`SELECT * FROM pending_dirs WHERE run_id = ? ${cond} AND path > ? ORDER BY path LIMIT ?`).all(runId, after, PAGE)
    ) as PendingRow[];
  }

  /** mkdir for new empty folders, then one transfer split at max items. Resumable: chunks already
   * submitted are skipped, chunks with a recorded submission id are resubmitted with it. */
  private async submit(ctx: RunCtx): Promise<SyncRun> {
    const job = ctx.job;
    const label = ctx.label ?? autoLabel(this.clock.now());
    ctx.label = label;
    const s = ctx.stats;
    let transfer: TransferService;
    try {
      transfer = await this.transfer();
    } catch (error) {
      const msg = `Cannot reach Globus: ${(error as Error).message}`;
      this.log(ctx, msg, 'ERROR');
      return this.saveRun(ctx, 'submitting', msg);
    }
    // ---- mkdir
    if (job.createEmptyDirs) {
      const t0 = performance.now();
      const empties = this.db
        .prepare('SELECT path FROM pending_dirs WHERE run_id = ? AND new_dir = 1 AND empty = 1 AND mkdir_ok = 0 ORDER BY path')
        .pluck()
        .all(ctx.id) as string[];
      if (empties.length > 0) {
        this.log(ctx, 'Attempting to create empty directories..');
        this.progress(ctx, 'mkdir');
        const isNew = this.db.prepare('SELECT new_dir FROM pending_dirs WHERE run_id = ? AND path = ?').pluck();
        const made = new Set<string>();
        let failures = 0;
        if (isNew.get(ctx.id, '') === 1) {
          // a first run: the destination folder itself may not exist yet (Globus mkdir is not recursive)
          const parts = job.destination.path.split('/').filter(Boolean);
          for (let i = 1; i <= parts.length; i++) {
            try {
              await transfer.mkdir(job.destination.collectionId, `/${parts.slice(0, i).join('/')}`);
            } catch {
              // exists, or not ours to create: the next mkdir says what matters
            }
          }
          made.add('');
        }
        for (const rel of empties) {
          const parts = rel === '' ? [''] : rel.split('/').map((_, i, all) => all.slice(0, i + 1).join('/'));
          let ok = true;
          for (const p of parts) {
            if (made.has(p)) continue;
            if (p !== rel && isNew.get(ctx.id, p) !== 1) continue; // exists on the source side already: created by earlier runs
            const dest = joinPath(job.destination.path, p);
            try {
              await transfer.mkdir(job.destination.collectionId, dest);
              made.add(p);
            } catch (error) {
              if (error instanceof GlobusApiError && /Exists/i.test(error.code)) {
                made.add(p);
                continue;
              }
              ok = false;
              failures++;
              this.log(ctx, `Could not create ${dest}: ${(error as Error).message}`, 'WARNING');
              break;
            }
          }
          if (ok) this.db.prepare('UPDATE pending_dirs SET mkdir_ok = 1 WHERE run_id = ? AND path = ?').run(ctx.id, rel);
        }
        this.log(ctx, `Created ${empties.length - failures} empty director${empties.length - failures === 1 ? 'y' : 'ies'}.`);
      }
      s.phases.mkdirMs += Math.round(performance.now() - t0);
    }
    // ---- submit
    const t1 = performance.now();
    const max = (this.db.prepare('SELECT max_items FROM runs WHERE id = ?').pluck().get(ctx.id) as number) ?? job.maxItemsPerTransfer;
    const total =
      (this.db.prepare('SELECT COALESCE(SUM(CASE WHEN whole = 1 THEN 1 ELSE files END), 0) FROM pending_dirs WHERE run_id = ?').pluck().get(ctx.id) as number) ?? 0;
    const chunks = Math.ceil(total / max);
    const existing = new Map<number, TaskRow>(
      (this.db.prepare('SELECT * FROM run_tasks WHERE run_id = ?').all(ctx.id) as TaskRow[]).map((t) => [t.chunk, t]),
    );
    const files = (this.db.prepare('SELECT COALESCE(SUM(files), 0) FROM pending_dirs WHERE run_id = ?').pluck().get(ctx.id) as number) ?? 0;
    if (total > 0) {
      this.log(
        ctx,
        `Initiating transfer ${label} (${files} file(s)${total !== files ? ` as ${total} item(s), new folders whole` : ''}${chunks > 1 ? ` in ${chunks} tasks of at most ${max} items` : ''})...`,
      );
    }
    let items: TransferItem[] = [];
    let index = 0;
    let keepLinks = false;
    const flushChunk = async (chunk: number): Promise<void> => {
      const prior = existing.get(chunk);
      if (prior && prior.status !== 'pending') return;
      const count = items.length;
      const chunkLabel = chunks > 1 ? `${label}_${chunk + 1}of${chunks}` : label;
      const submissionId = prior?.submission_id ?? (await transfer.getSubmissionId());
      if (!prior) {
        // recorded before submitting: a crash after Globus accepted it resubmits with the same id (Duplicate, no second task)
        this.db
          .prepare(`INSERT INTO run_tasks (run_id, chunk, submission_id, task_id, items, status, error) VALUES (?, ?, ?, NULL, ?, 'pending', NULL)`)
          .run(ctx.id, chunk, submissionId, count);
      }
      await this.opts.hooks?.beforeSubmit?.(chunk);
      const doc: TransferSubmission & { recursive_symlinks?: 'keep' | 'copy' | 'ignore' } = {
        source_endpoint: job.source.collectionId,
        destination_endpoint: job.destination.collectionId,
        submission_id: submissionId,
        label: chunkLabel,
        ...(job.syncLevel !== null ? { sync_level: job.syncLevel } : {}),
        verify_checksum: job.verifyChecksum,
        preserve_timestamp: job.preserveTimestamp,
        notify_on_succeeded: job.notify,
        notify_on_failed: job.notify,
        notify_on_inactive: job.notify,
        ...(keepLinks ? { recursive_symlinks: 'keep' as const } : {}),
        DATA: items,
      };
      items = [];
      keepLinks = false;
      let lastError: unknown = null;
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          const res = await transfer.submitTransfer(doc);
          this.db
            .prepare(`UPDATE run_tasks SET task_id = ?, status = 'submitted', error = NULL WHERE run_id = ? AND chunk = ?`)
            .run(res.task_id, ctx.id, chunk);
          this.log(ctx, `Submitted ${chunkLabel}: task ${res.task_id} (${count} file(s))${res.code === 'Duplicate' ? ' (already accepted earlier)' : ''}.`);
          const info: TaskSubmittedInfo = { jobId: job.id, runId: ctx.id, taskId: res.task_id, submissionId, label: chunkLabel, items: count };
          this.emit({ type: 'task-submitted', info });
          if (this.opts.onTaskSubmitted) {
            const task = await transfer.getTask(res.task_id).catch(() => null);
            try {
              this.opts.onTaskSubmitted(info, task, doc);
            } catch {
              // the hook's failure must not fail the run
            }
          }
          await this.opts.hooks?.afterSubmit?.(chunk, res.task_id);
          return;
        } catch (error) {
          lastError = error;
          const permanent = error instanceof GlobusApiError && error.status >= 400 && error.status < 500 && error.status !== 429;
          if (permanent) break;
          await sleep(this.clock, 500 * (attempt + 1), this.closing.signal);
        }
      }
      const msg = lastError instanceof GlobusApiError ? `${lastError.code}: ${lastError.message}` : String((lastError as Error)?.message ?? lastError);
      this.db.prepare(`UPDATE run_tasks SET status = 'rejected', error = ? WHERE run_id = ? AND chunk = ?`).run(msg, ctx.id, chunk);
      this.log(ctx, `Globus refused ${chunkLabel}: ${msg}. Its ${count} file(s) stay pending for the next run.`, 'ERROR');
    };
    let after: string | null = null;
    for (;;) {
      const page = this.pendingPage(ctx.id, after, true);
      if (page.length === 0) break;
      for (const row of page) {
        after = row.path;
        if (!row.changes) continue;
        if (row.whole === 1) {
          // one recursive item for a new folder of plain files (counts as one item)
          const chunk = Math.floor(index / max);
          const prior = existing.get(chunk);
          if (!prior || prior.status === 'pending') {
            items.push({
              DATA_TYPE: 'transfer_item',
              source_path: joinPath(job.source.collectionPath, row.path),
              destination_path: joinPath(job.destination.path, row.path),
              recursive: true,
            });
          }
          index++;
          if (index % max === 0) {
            await flushChunk(chunk);
            this.progress(ctx, 'submit', index, total);
          }
          continue;
        }
        const e = codec.decode(row.changes);
        for (let i = 0; i < e.names.length; i++) {
          const kind = e.kinds[i];
          if (kind === 2) continue;
          const chunk = Math.floor(index / max);
          const prior = existing.get(chunk);
          if (!prior || prior.status === 'pending') {
            const rel = row.path === '' ? (e.names[i] as string) : `${row.path}/${e.names[i] as string}`;
            items.push({
              DATA_TYPE: 'transfer_item',
              source_path: joinPath(job.source.collectionPath, rel),
              destination_path: joinPath(job.destination.path, rel),
            });
            if (kind === 1) keepLinks = true;
          }
          index++;
          if (index % max === 0) {
            await flushChunk(chunk);
            this.progress(ctx, 'submit', index, total);
          }
        }
      }
    }
    if (index % max !== 0) await flushChunk(Math.floor(index / max));
    s.phases.submitMs += Math.round(performance.now() - t1);
    const tasks = this.db.prepare('SELECT status FROM run_tasks WHERE run_id = ?').pluck().all(ctx.id) as string[];
    if (tasks.length === 0 || tasks.every((t) => t === 'rejected')) {
      // nothing to wait for (only empty folders, or Globus refused everything)
      this.saveRun(ctx, 'transferring');
      return this.finalize(ctx.id);
    }
    return this.saveRun(ctx, 'transferring', `Submitted ${tasks.filter((t) => t !== 'rejected').length} task(s)`);
  }

  // ---------------------------------------------------------------- wait & commit

  private watch(runId: string): Promise<SyncRun> {
    let w = this.watchers.get(runId);
    if (!w) {
      w = this.waitForRun(runId).finally(() => this.watchers.delete(runId));
      this.watchers.set(runId, w);
      w.catch(() => undefined);
    }
    return w;
  }

  /** Polls the run's tasks until they all ended, then commits. */
  private async waitForRun(runId: string): Promise<SyncRun> {
    const t0 = performance.now();
    for (;;) {
      const run = this.getRun(runId);
      if (!run || run.status !== 'transferring') return run as SyncRun;
      const res = await this.pollOnce(runId).catch(() => 'active' as const);
      if (res === 'ended') {
        const ctx = this.ctxFromRun(runId);
        if (ctx) {
          ctx.stats.phases.transferMs += Math.round(performance.now() - t0);
          this.db.prepare('UPDATE runs SET stats = ? WHERE id = ?').run(JSON.stringify(ctx.stats), runId);
        }
        return this.finalize(runId);
      }
      if (this.closing.signal.aborted) return this.getRun(runId) as SyncRun;
      await sleep(this.clock, this.pollMs, this.closing.signal);
      if (this.closing.signal.aborted) return this.getRun(runId) as SyncRun;
    }
  }

  /** Asks Globus once about the run's unfinished tasks; 'ended' when none is left running. */
  private async pollOnce(runId: string): Promise<'ended' | 'active'> {
    const ctx = this.ctxFromRun(runId);
    if (!ctx) return 'ended';
    const transfer = await this.transfer();
    const tasks = this.db.prepare(`SELECT * FROM run_tasks WHERE run_id = ? AND status = 'submitted'`).all(runId) as TaskRow[];
    let active = false;
    for (const t of tasks) {
      if (!t.task_id) continue;
      const doc = await transfer.getTask(t.task_id);
      if (isEnded(doc.status)) {
        const err = doc.status === 'FAILED' ? (doc.fatal_error ? `${doc.fatal_error.code}: ${doc.fatal_error.description}` : (doc.nice_status ?? 'failed')) : null;
        this.db.prepare('UPDATE run_tasks SET status = ?, error = ? WHERE run_id = ? AND chunk = ?').run(doc.status, err, runId, t.chunk);
        this.log(ctx, `Task ${t.task_id} ${doc.status}${err ? ` (${err})` : ''}: ${doc.files_transferred} file(s), ${doc.bytes_transferred} bytes transferred.`, doc.status === 'FAILED' ? 'ERROR' : 'INFO');
      } else {
        active = true;
        if (doc.faults > 0 && t.error !== `faults:${doc.faults}`) {
          this.db.prepare('UPDATE run_tasks SET error = ? WHERE run_id = ? AND chunk = ?').run(`faults:${doc.faults}`, runId, t.chunk);
          this.log(ctx, `Task ${t.task_id} has ${doc.faults} fault(s) and keeps retrying: ${doc.nice_status ?? ''}`, 'WARNING');
        }
      }
    }
    if (!active) return 'ended';
    this.progress(ctx, 'transfer');
    return 'active';
  }

  /**
   * Applies what the succeeded tasks carried to the state (and removals, new folders), drops
   * the pending record and ends the run. Idempotent and guarded: a second caller finds the run
   * already ended and does nothing.
   */
  private finalize(runId: string, forcedStatus?: { status: RunStatus; message: string }): SyncRun {
    const forced = forcedStatus ?? (this.cancelRequested.has(runId) ? CANCELED : undefined);
    const ctx = this.ctxFromRun(runId);
    if (!ctx) return this.getRun(runId) as SyncRun;
    const tasks = this.db.prepare('SELECT * FROM run_tasks WHERE run_id = ?').all(runId) as TaskRow[];
    const succeeded = new Set(tasks.filter((t) => t.status === 'SUCCEEDED').map((t) => t.chunk));
    const failed = tasks.filter((t) => t.status !== 'SUCCEEDED');
    let status: RunStatus;
    let message: string;
    if (forced) {
      status = forced.status;
      message = forced.message;
    } else if (tasks.length === 0) {
      status = 'succeeded';
      message = ctx.stats.emptyDirs ? `Created ${ctx.stats.emptyDirs} empty folder(s); no files to transfer.` : 'Nothing to transfer.';
    } else if (failed.length === 0) {
      status = 'succeeded';
      message = `Transferred ${ctx.stats.changedFiles} file(s) in ${tasks.length} task(s).`;
    } else if (succeeded.size > 0) {
      status = 'partial';
      message = `${failed.length} of ${tasks.length} task(s) did not succeed; their files stay pending for the next run.`;
    } else {
      status = 'failed';
      message = 'The transfer did not succeed; its files stay pending for the next run.';
    }
    const t0 = performance.now();
    const done = this.commit(runId, status, message, succeeded);
    if (!done) return this.getRun(runId) as SyncRun;
    ctx.stats.phases.commitMs = Math.round(performance.now() - t0);
    this.db.prepare('UPDATE runs SET stats = json_set(stats, \'$.phases.commitMs\', ?) WHERE id = ?').run(ctx.stats.phases.commitMs, runId);
    const fresh = this.ctxFromRun(runId) ?? ctx;
    this.log(fresh, status === 'succeeded' || status === 'no_changes' ? 'Saving changes.' : `Saving what succeeded. ${message}`, status === 'failed' ? 'ERROR' : 'INFO');
    const run = this.getRun(runId) as SyncRun;
    this.emit({ type: 'run', run });
    this.pruneRuns(ctx.job.id);
    return run;
  }

  /** The state transaction; returns false when another caller already ended the run. */
  private commit(runId: string, status: RunStatus, message: string, succeeded: ReadonlySet<number> = new Set()): boolean {
    const ctx = this.ctxFromRun(runId);
    if (!ctx) return false;
    const job = ctx.job;
    const state = this.stateDb(job.id);
    const max = (this.db.prepare('SELECT max_items FROM runs WHERE id = ?').pluck().get(runId) as number) ?? job.maxItemsPerTransfer;
    const getDir = state.prepare('SELECT entries FROM dirs WHERE path = ?').pluck();
    const putDir = state.prepare('INSERT INTO dirs (path, entries) VALUES (?, ?) ON CONFLICT (path) DO UPDATE SET entries = excluded.entries');
    const dropDir = state.prepare('DELETE FROM dirs WHERE path = ?');
    const dropBelow = state.prepare('DELETE FROM dirs WHERE path >= ? AND path < ?');
    const ok = this.db
      .transaction((): boolean => {
        const current = this.db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(runId) as RunStatus | undefined;
        if (current === undefined || finishedStatuses.includes(current)) return false;
        state.transaction(() => {
          let index = 0;
          let after: string | null = null;
          for (;;) {
            const page = this.pendingPage(runId, after, false);
            if (page.length === 0) break;
            for (const row of page) {
              after = row.path;
              const changes = row.changes ? codec.decode(row.changes) : emptyEntries();
              const keep: number[] = [];
              const wholeOk = row.whole === 1 && succeeded.has(Math.floor(index / max));
              if (row.whole === 1) index++;
              for (let i = 0; i < changes.names.length; i++) {
                if (row.whole === 1) {
                  if (wholeOk) keep.push(i);
                  continue;
                }
                if (changes.kinds[i] === 2) {
                  keep.push(i);
                  continue;
                }
                if (succeeded.has(Math.floor(index / max))) keep.push(i);
                index++;
              }
              const removed = row.removed ? codec.decode(row.removed).names : [];
              const wantRow = row.new_dir === 0 || keep.length > 0 || (row.empty === 1 && row.mkdir_ok === 1);
              if (!wantRow && removed.length === 0) continue;
              const blob = getDir.get(row.path) as Buffer | undefined;
              const all = keep.length === changes.names.length;
              // 1. a folder seen for the first time, everything carried: the scan's encoding is the state
              if (!blob && removed.length === 0 && all && row.changes) {
                putDir.run(row.path, row.changes);
                continue;
              }
              // 2. only known names changed, against the very state the scan saw: patch the numbers
              const oldIdx = row.old_idx ? new Int32Array(row.old_idx.buffer.slice(row.old_idx.byteOffset, row.old_idx.byteOffset + row.old_idx.byteLength)) : null;
              if (blob && removed.length === 0 && oldIdx && row.old_crc !== null && crc32(blob) === row.old_crc && keep.every((i) => (oldIdx[i] ?? -1) >= 0)) {
                const st = codec.decodeStats(blob);
                for (const i of keep) {
                  const at = oldIdx[i] as number;
                  st.kinds[at] = changes.kinds[i] as number;
                  st.mtimes[at] = changes.mtimes[i] as number;
                  st.sizes[at] = changes.sizes[i] as number;
                }
                putDir.run(row.path, codec.encodeStats(st));
                continue;
              }
              // 3. a linear merge of three sorted lists: old state, carried changes, removed names
              const old = blob ? codec.decode(blob) : emptyEntries();
              if (!blob && !wantRow) continue;
              const next: DirEntries = { names: [], kinds: [], mtimes: [], sizes: [] };
              const push = (src: DirEntries, i: number): void => {
                next.names.push(src.names[i] as string);
                next.kinds.push(src.kinds[i] as number);
                next.mtimes.push(src.mtimes[i] as number);
                next.sizes.push(src.sizes[i] as number);
              };
              let i = 0;
              let j = 0;
              let k = 0;
              while (i < old.names.length || j < keep.length) {
                const on = old.names[i];
                const cj = keep[j];
                const cn = cj === undefined ? undefined : changes.names[cj];
                if (on !== undefined && (cn === undefined || on < cn)) {
                  while (k < removed.length && (removed[k] as string) < on) k++;
                  if (removed[k] === on) {
                    if (old.kinds[i] === 2) {
                      const rel = row.path === '' ? on : `${row.path}/${on}`;
                      dropDir.run(rel);
                      dropBelow.run(...subtreeRange(rel));
                    }
                  } else push(old, i);
                  i++;
                } else {
                  push(changes, cj as number);
                  if (on !== undefined && on === cn) i++;
                  j++;
                }
              }
              putDir.run(row.path, codec.encode(next));
            }
          }
        })();
        this.db.prepare('DELETE FROM pending_dirs WHERE run_id = ?').run(runId);
        this.db
          .prepare('UPDATE runs SET status = ?, message = ?, ended_at = ? WHERE id = ?')
          .run(status, message, new Date(this.clock.now()).toISOString(), runId);
        return true;
      })
      .immediate();
    if (ok) {
      try {
        state.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        // another reader holds the WAL: it is checkpointed later
      }
      const run = this.getRun(runId);
      if (run) this.emit({ type: 'run', run });
    }
    return ok;
  }

  private pruneRuns(jobId: string): void {
    const keep = this.opts.keepRuns ?? 1000;
    const old = this.db
      .prepare(`SELECT id FROM runs WHERE job_id = ? AND status IN ('succeeded','partial','failed','canceled','no_changes','skipped','interrupted') ORDER BY started_at DESC LIMIT -1 OFFSET ?`)
      .pluck()
      .all(jobId, keep) as string[];
    if (old.length === 0) return;
    this.db.transaction(() => {
      for (const id of old) {
        this.db.prepare('DELETE FROM run_log WHERE run_id = ?').run(id);
        this.db.prepare('DELETE FROM run_tasks WHERE run_id = ?').run(id);
        this.db.prepare('DELETE FROM runs WHERE id = ?').run(id);
      }
    })();
  }

  // ---------------------------------------------------------------- recovery

  /**
   * With the job's lock held: ends runs a dead process left behind. A scan that never finished
   * is dropped (nothing was marked); a submission is resumed with its recorded submission ids;
   * a transferring run is asked about once and committed when its tasks ended. Returns a run
   * that is still transferring (which blocks a new run), if any.
   */
  private async recover(job: SyncJob): Promise<SyncRun | null> {
    const rows = this.db
      .prepare(`SELECT id, status FROM runs WHERE job_id = ? AND status IN ('scanning','submitting','transferring') ORDER BY started_at`)
      .all(job.id) as { id: string; status: RunStatus }[];
    let blocking: SyncRun | null = null;
    for (const r of rows) {
      const ctx = this.ctxFromRun(r.id);
      if (!ctx) continue;
      if (r.status === 'scanning') {
        this.db.prepare('DELETE FROM pending_dirs WHERE run_id = ?').run(r.id);
        this.log(ctx, 'This run was interrupted during its scan (the process ended); nothing was marked. The next run scans again.', 'WARNING');
        this.saveRun(ctx, 'interrupted', 'Interrupted during the scan');
        continue;
      }
      if (r.status === 'submitting') {
        this.log(ctx, 'Resuming the submission of this run after an interruption.', 'WARNING');
        const res = await this.submit(ctx);
        if (res.status !== 'transferring') {
          if (res.status === 'submitting') blocking = res;
          continue;
        }
      }
      if (this.watchers.has(r.id)) {
        blocking = this.getRun(r.id) ?? null;
        continue;
      }
      const state = await this.pollOnce(r.id).catch(() => 'active' as const);
      if (state === 'ended') this.finalize(r.id);
      else blocking = this.getRun(r.id) ?? null;
    }
    return blocking;
  }

  /**
   * For the app's start (and `ferry sync`): recovers every job's unfinished runs and keeps
   * watching those still transferring. Jobs whose lock another live process holds are left alone.
   */
  async checkPendingRuns(): Promise<readonly SyncRun[]> {
    const touched: SyncRun[] = [];
    const jobs = this.db.prepare(`SELECT DISTINCT job_id FROM runs WHERE status IN ('scanning','submitting','transferring')`).pluck().all() as string[];
    for (const jobId of jobs) {
      const job = this.getJob(jobId);
      if (!job) continue;
      if (this.active.has(job.id)) continue;
      const lock = this.locks.tryAcquire(job.id);
      if (!lock.ok) continue;
      try {
        const blocking = await this.recover(job);
        if (blocking && blocking.status === 'transferring') void this.watch(blocking.id);
      } finally {
        this.locks.release(job.id, lock.token);
      }
      touched.push(...this.listRuns(job.id, 5));
    }
    return touched;
  }

  /** Cancels the run's Globus tasks (or stops its scan); nothing they carried is marked. */
  async cancelRun(runId: string): Promise<SyncRun> {
    const run = this.getRun(runId);
    if (!run) throw new Error(`No run ${runId}`);
    if (run.status === 'scanning' || run.status === 'submitting') this.active.get(run.jobId)?.abort();
    if (run.status === 'transferring') {
      this.cancelRequested.add(runId);
      const transfer = await this.transfer();
      for (const t of run.tasks) {
        if (t.status === 'submitted' && t.taskId) await transfer.cancelTask(t.taskId).catch(() => undefined);
      }
      const ctx = this.ctxFromRun(runId);
      if (ctx) this.log(ctx, 'Canceled by request.', 'WARNING');
      await this.pollOnce(runId).catch(() => undefined);
      const ended = this.finalize(runId, CANCELED);
      this.cancelRequested.delete(runId);
      return ended;
    }
    return this.getRun(runId) as SyncRun;
  }

  /** Waits for a run that is being watched (or returns it as it is). */
  async waitForCompletion(runId: string): Promise<SyncRun> {
    const run = this.getRun(runId);
    if (run?.status === 'transferring') return this.watch(runId);
    return run as SyncRun;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    for (const a of this.active.values()) a.abort();
    while (this.active.size > 0) await new Promise((r) => setTimeout(r, 10));
    await Promise.allSettled([...this.watchers.values()]);
    this.locks.releaseAll();
    for (const db of this.stateDbs.values()) db.close();
    this.stateDbs.clear();
    this.db.close();
    this.listeners.clear();
  }
}

interface JobRow {
  id: string;
  name: string;
  config: string;
  paused: number;
  created_at: string;
  updated_at: string;
}

function jobFromRow(r: JobRow): SyncJob {
  const config = syncJobInputSchema.parse(JSON.parse(r.config));
  return { ...config, id: r.id, paused: r.paused === 1, createdAt: r.created_at, updatedAt: r.updated_at };
}

function describeHolder(h: LockHolder): string {
  return `pid ${h.pid} on ${h.host}, since ${h.acquiredAt}`;
}

function toIso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function createSyncEngine(opts: SyncEngineOptions): SyncEngine {
  return new SyncEngine(opts);
}
