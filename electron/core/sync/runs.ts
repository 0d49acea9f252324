/** Runs: their records in sync.db (stats, tasks, the log) and the progress they report. */
import { randomUUID } from 'node:crypto';
import {
  syncFinishedStatuses,
  type SyncJob,
  type SyncPhase,
  type SyncPhaseTimes,
  type SyncRun,
  type SyncRunStats,
  type SyncRunStatus,
  type SyncRunTask,
  type SyncRunTrigger,
} from '../../../shared/contract/syncs';
import type { Clock } from '../kernel';
import type { SqliteDatabase } from '../store';
import { emptyStats, type SyncEvent } from './model';
import { formatLogTime } from './schedule';

interface RunRow {
  id: string;
  job_id: string;
  job_name: string;
  status: SyncRunStatus;
  trigger: SyncRunTrigger;
  label: string | null;
  started_at: string;
  ended_at: string | null;
  max_items: number;
  stats: string;
  message: string;
}

export interface TaskRow {
  run_id: string;
  chunk: number;
  submission_id: string;
  task_id: string | null;
  items: number;
  status: SyncRunTask['status'];
  error: string | null;
}

export interface MutableStats {
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
  phases: { -readonly [K in keyof SyncPhaseTimes]: number };
}

/** A run as the pipeline works on it: its stats change in memory and are saved with its status. */
export interface RunCtx {
  readonly id: string;
  readonly job: SyncJob;
  stats: MutableStats;
  label: string | null;
}

export type LogLevel = 'INFO' | 'WARNING' | 'ERROR';

function cloneStats(s: SyncRunStats): MutableStats {
  return { ...s, symlinkLoops: [...s.symlinkLoops], sample: [...s.sample], phases: { ...s.phases } };
}

export class RunStore {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: Clock,
    private readonly emit: (e: SyncEvent) => void,
    private readonly getJob: (id: string) => SyncJob | undefined,
  ) {}

  list(jobId: string, limit = 50): readonly SyncRun[] {
    const rows = this.db
      .prepare('SELECT * FROM runs WHERE job_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ?')
      .all(jobId, limit) as RunRow[];
    return rows.map((r) => this.fromRow(r));
  }

  get(runId: string): SyncRun | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
    return row ? this.fromRow(row) : undefined;
  }

  /** The run as it stands; for callers that know it exists. */
  current(runId: string): SyncRun {
    return this.get(runId) as SyncRun;
  }

  /** Latest run start of a job (ms), for schedules. */
  lastStart(jobId: string): number | null {
    const s = this.db.prepare('SELECT MAX(started_at) FROM runs WHERE job_id = ?').pluck().get(jobId) as string | null;
    return s ? Date.parse(s) : null;
  }

  logLines(runId: string): readonly string[] {
    return this.db.prepare('SELECT line FROM run_log WHERE run_id = ? ORDER BY seq').pluck().all(runId) as string[];
  }

  tasks(runId: string): TaskRow[] {
    return this.db.prepare('SELECT * FROM run_tasks WHERE run_id = ?').all(runId) as TaskRow[];
  }

  /**
   * `base`, or `base_2`, `base_3`… when a run of the job already carries it (two runs in one
   * second). Called with the job's lock held, and saved at once, so no other run can take it.
   */
  uniqueLabel(jobId: string, base: string): string {
    const taken = new Set(
      this.db.prepare('SELECT label FROM runs WHERE job_id = ? AND substr(label, 1, ?) = ?').pluck().all(jobId, base.length, base) as string[],
    );
    if (!taken.has(base)) return base;
    let n = 2;
    while (taken.has(`${base}_${n}`)) n++;
    return `${base}_${n}`;
  }

  /** The most items one task of the run carries (as the job said when the run started). */
  maxItems(runId: string, job: SyncJob): number {
    return (this.db.prepare('SELECT max_items FROM runs WHERE id = ?').pluck().get(runId) as number) ?? job.maxItemsPerTransfer;
  }

  create(job: SyncJob, trigger: SyncRunTrigger, status: SyncRunStatus, message = ''): RunCtx {
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

  save(ctx: RunCtx, status: SyncRunStatus, message?: string): SyncRun {
    const ended = syncFinishedStatuses.includes(status) ? new Date(this.clock.now()).toISOString() : null;
    this.db
      .prepare(`UPDATE runs SET status = ?, label = ?, stats = ?, ended_at = ?, message = COALESCE(?, message) WHERE id = ?`)
      .run(status, ctx.label, JSON.stringify(ctx.stats), ended, message ?? null, ctx.id);
    const run = this.current(ctx.id);
    this.emit({ type: 'run', run });
    return run;
  }

  /** Saves only the stats (the status stays). */
  saveStats(ctx: RunCtx): void {
    this.db.prepare('UPDATE runs SET stats = ? WHERE id = ?').run(JSON.stringify(ctx.stats), ctx.id);
  }

  /** A run's context rebuilt from its record (recovery, the watcher, commit). */
  ctx(runId: string): RunCtx | null {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
    if (!row) return null;
    const job = this.getJob(row.job_id);
    if (!job) return null;
    return { id: row.id, job, stats: cloneStats(this.fromRow(row).stats), label: row.label };
  }

  log(ctx: { id: string; job: SyncJob }, message: string, level: LogLevel = 'INFO'): void {
    const line = `${formatLogTime(this.clock.now())}: ${level}: ${message}`;
    const seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 FROM run_log WHERE run_id = ?').pluck().get(ctx.id) as number) ?? 1;
    this.db.prepare('INSERT INTO run_log (run_id, seq, line) VALUES (?, ?, ?)').run(ctx.id, seq, line);
    this.emit({ type: 'log', runId: ctx.id, jobId: ctx.job.id, line });
  }

  progress(ctx: RunCtx, phase: SyncPhase, done?: number, total?: number): void {
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

  /** Drops the oldest ended runs beyond `keep`; returns their ids (their file lists go too: run-files.ts). */
  prune(jobId: string, keep: number): readonly string[] {
    const old = this.db
      .prepare(`SELECT id FROM runs WHERE job_id = ? AND status IN ('succeeded','partial','failed','canceled','no_changes','skipped','interrupted') ORDER BY started_at DESC LIMIT -1 OFFSET ?`)
      .pluck()
      .all(jobId, keep) as string[];
    if (old.length === 0) return old;
    this.db.transaction(() => {
      for (const id of old) {
        this.db.prepare('DELETE FROM run_log WHERE run_id = ?').run(id);
        this.db.prepare('DELETE FROM run_tasks WHERE run_id = ?').run(id);
        this.db.prepare('DELETE FROM runs WHERE id = ?').run(id);
      }
    })();
    return old;
  }

  private fromRow(r: RunRow): SyncRun {
    const tasks = (this.db.prepare('SELECT * FROM run_tasks WHERE run_id = ? ORDER BY chunk').all(r.id) as TaskRow[]).map(
      (t): SyncRunTask => ({
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
      stats: { ...emptyStats, ...(JSON.parse(r.stats) as Partial<SyncRunStats>) },
      tasks,
    };
  }
}
