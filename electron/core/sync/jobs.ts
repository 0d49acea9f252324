/** Sync jobs: their records in sync.db, their settings (validated once), pause and summaries. */
import { randomUUID } from 'node:crypto';
import { cronProblem, syncFinishedStatuses, type SyncJob, type SyncJobSummary } from '../../../shared/contract/syncs';
import type { ErrorKind } from '../../../shared/errors';
import { AppError } from '../kernel';
import type { SqliteDatabase } from '../store';
import { syncJobInputSchema, type SyncJobConfig, type SyncJobInput } from './model';
import type { SyncRuntime } from './runtime';
import { nextRunTime } from './schedule';

export class SyncJobNotFoundError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind = 'not-found';
  constructor(idOrName: string) {
    super(`No sync job named or with id "${idOrName}"`);
    this.name = 'SyncJobNotFoundError';
  }
}

export class SyncJobNameTakenError extends Error {
  readonly kind: ErrorKind = 'conflict';
  constructor(name: string) {
    super(`A sync job named "${name}" already exists`);
    this.name = 'SyncJobNameTakenError';
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

/** The settings with their defaults; a cron expression croner refuses is named as such. */
function parseConfig(input: unknown): SyncJobConfig {
  const schedule = (input as { schedule?: { kind?: unknown; expression?: unknown } } | null)?.schedule;
  if (schedule?.kind === 'cron' && typeof schedule.expression === 'string') {
    const problem = cronProblem(schedule.expression);
    if (problem) throw new AppError('invalid', 'InvalidInput', `Invalid cron expression "${schedule.expression}": ${problem}`);
  }
  return syncJobInputSchema.parse(input);
}

/** The job rows of sync.db. */
export class JobStore {
  constructor(private readonly db: SqliteDatabase) {}

  list(): readonly SyncJob[] {
    const rows = this.db.prepare('SELECT * FROM jobs ORDER BY name').all() as JobRow[];
    return rows.map(jobFromRow);
  }

  get(idOrName: string): SyncJob | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ? OR name = ?').get(idOrName, idOrName) as JobRow | undefined;
    return row ? jobFromRow(row) : undefined;
  }

  require(idOrName: string): SyncJob {
    const job = this.get(idOrName);
    if (!job) throw new SyncJobNotFoundError(idOrName);
    return job;
  }

  setPaused(jobId: string, paused: boolean): void {
    this.db.prepare('UPDATE jobs SET paused = ? WHERE id = ?').run(paused ? 1 : 0, jobId);
  }
}

export function createJob(rt: SyncRuntime, input: SyncJobInput): SyncJob {
  const config = parseConfig(input);
  if (rt.jobs.get(config.name)) throw new SyncJobNameTakenError(config.name);
  const now = new Date(rt.clock.now()).toISOString();
  const id = randomUUID();
  rt.db
    .prepare('INSERT INTO jobs (id, name, config, paused, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)')
    .run(id, config.name, JSON.stringify(config), now, now);
  const job = rt.jobs.require(id);
  rt.emit({ type: 'job', job });
  return job;
}

export function updateJob(rt: SyncRuntime, id: string, patch: Partial<SyncJobInput>): SyncJob {
  const job = rt.jobs.require(id);
  const { id: _id, paused: _p, createdAt: _c, updatedAt: _u, ...current } = job;
  const config = parseConfig({ ...current, ...patch });
  const clash = rt.jobs.get(config.name);
  if (clash && clash.id !== job.id) throw new SyncJobNameTakenError(config.name);
  const moved =
    config.source.localPath !== job.source.localPath ||
    config.source.collectionId !== job.source.collectionId ||
    config.source.collectionPath !== job.source.collectionPath ||
    config.destination.collectionId !== job.destination.collectionId ||
    config.destination.path !== job.destination.path;
  rt.db
    .prepare('UPDATE jobs SET name = ?, config = ?, updated_at = ? WHERE id = ?')
    .run(config.name, JSON.stringify(config), new Date(rt.clock.now()).toISOString(), job.id);
  // a job pointed elsewhere starts from scratch: the old state describes other files
  if (moved && !rt.active.has(job.id)) rt.state.forget(job.id);
  const updated = rt.jobs.require(job.id);
  rt.emit({ type: 'job', job: updated });
  return updated;
}

export function deleteJob(rt: SyncRuntime, id: string): void {
  const job = rt.jobs.require(id);
  rt.active.get(job.id)?.abort();
  const runIds = (rt.db.prepare('SELECT id FROM runs WHERE job_id = ?').pluck().all(job.id) as string[]) ?? [];
  rt.db.transaction(() => {
    for (const r of runIds) {
      rt.db.prepare('DELETE FROM run_tasks WHERE run_id = ?').run(r);
      rt.db.prepare('DELETE FROM pending_dirs WHERE run_id = ?').run(r);
      rt.db.prepare('DELETE FROM run_log WHERE run_id = ?').run(r);
    }
    rt.db.prepare('DELETE FROM runs WHERE job_id = ?').run(job.id);
    rt.db.prepare('DELETE FROM jobs WHERE id = ?').run(job.id);
  })();
  rt.state.reset(job.id);
  rt.emit({ type: 'job-deleted', jobId: job.id });
}

/** Stops the schedule for this job and aborts a scan in progress (nothing is marked). */
export function pauseJob(rt: SyncRuntime, id: string): SyncJob {
  const job = rt.jobs.require(id);
  rt.jobs.setPaused(job.id, true);
  rt.active.get(job.id)?.abort();
  const updated = rt.jobs.require(job.id);
  rt.emit({ type: 'job', job: updated });
  return updated;
}

export function resumeJob(rt: SyncRuntime, id: string): SyncJob {
  const job = rt.jobs.require(id);
  rt.jobs.setPaused(job.id, false);
  const updated = rt.jobs.require(job.id);
  rt.emit({ type: 'job', job: updated });
  return updated;
}

export function jobSummaries(rt: SyncRuntime): readonly SyncJobSummary[] {
  const now = rt.clock.now();
  return rt.jobs.list().map((job) => {
    const runs = rt.runs.list(job.id, 20);
    const next = nextRunTime(job, rt.runs.lastStart(job.id), now);
    return {
      job,
      running: rt.active.has(job.id) || runs.some((r) => !syncFinishedStatuses.includes(r.status)),
      nextRunAt: next === null ? null : new Date(next).toISOString(),
      lastRun: runs[0] ?? null,
      recentChangedFiles: runs
        .filter((r) => r.status !== 'skipped')
        .map((r) => r.stats.changedFiles)
        .reverse(),
    };
  });
}
