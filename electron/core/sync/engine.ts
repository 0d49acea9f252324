/**
 * The sync engine: jobs, runs (scan -> mkdir -> submit -> wait -> commit), recovery after a
 * crash, previews, pause, logs and events. A facade: the work is done in jobs.ts, runs.ts,
 * run-*.ts (the pipeline), recovery.ts and preview.ts over one shared runtime.ts.
 */
import {
  syncFinishedStatuses,
  type SyncJob,
  type SyncJobSummary,
  type SyncPreview,
  type SyncRun,
  type SyncRunFile,
  type SyncRunFilesPage,
  type SyncRunFilesQuery,
  type SyncRunTrigger,
} from '../../../shared/contract/syncs';
import { AppError } from '../kernel';
import { writeFileAtomic } from '../store';
import { createJob, deleteJob, jobSummaries, pauseJob, resumeJob, updateJob } from './jobs';
import type { SyncEvent, SyncJobInput } from './model';
import { previewJob } from './preview';
import { forEachRunFile, runFilesPage } from './run-files';
import { checkPendingRuns } from './recovery';
import { cancelRun, runJob, waitForCompletion, type RunOptions } from './run-pipeline';
import { createRuntime, type SyncEngineOptions, type SyncRuntime } from './runtime';
import { keepHeapsCompact } from './process-heap';
import { endIdleScanWorkers } from './scanner';

export { SyncJobNameTakenError, SyncJobNotFoundError } from './jobs';
export type { RunOptions } from './run-pipeline';
export type { SyncEngineOptions, SyncTestHooks } from './runtime';

export class SyncEngine {
  private readonly rt: SyncRuntime;

  constructor(opts: SyncEngineOptions) {
    keepHeapsCompact();
    this.rt = createRuntime(opts);
  }

  /** Progress, job and run changes, log lines, submitted tasks. Returns unsubscribe. */
  subscribe(listener: (e: SyncEvent) => void): () => void {
    this.rt.listeners.add(listener);
    return () => this.rt.listeners.delete(listener);
  }

  // ---------------------------------------------------------------- jobs

  listJobs(): readonly SyncJob[] {
    return this.rt.jobs.list();
  }

  getJob(idOrName: string): SyncJob | undefined {
    return this.rt.jobs.get(idOrName);
  }

  createJob(input: SyncJobInput): SyncJob {
    return createJob(this.rt, input);
  }

  updateJob(id: string, patch: Partial<SyncJobInput>): SyncJob {
    return updateJob(this.rt, id, patch);
  }

  deleteJob(id: string): void {
    deleteJob(this.rt, id);
  }

  /** Forget what was transferred: the next run sends everything again (the files past runs sent stay listed). */
  resetState(jobId: string): void {
    this.rt.state.forget(jobId);
  }

  /** Stops the schedule for this job and aborts a scan in progress (nothing is marked). */
  pauseJob(id: string): SyncJob {
    return pauseJob(this.rt, id);
  }

  resumeJob(id: string): SyncJob {
    return resumeJob(this.rt, id);
  }

  isRunning(jobId: string): boolean {
    return this.rt.active.has(jobId);
  }

  /** Running, or a run of the job has not ended yet (its tasks still transferring). */
  isBusy(jobId: string): boolean {
    if (this.rt.active.has(jobId)) return true;
    const last = this.rt.runs.list(jobId, 1)[0];
    return last !== undefined && !syncFinishedStatuses.includes(last.status);
  }

  /** Adds a line to a run's log (a trigger's note about the run, e.g. watching stopped). */
  logToRun(runId: string, line: string, level: 'INFO' | 'WARNING' | 'ERROR' = 'INFO'): void {
    const ctx = this.rt.runs.ctx(runId);
    if (ctx) this.rt.runs.log(ctx, line, level);
  }

  /** Latest run start of a job (ms), for schedules. */
  lastRunStart(jobId: string): number | null {
    return this.rt.runs.lastStart(jobId);
  }

  summaries(): readonly SyncJobSummary[] {
    return jobSummaries(this.rt);
  }

  /** Bytes of a job's change-detection state on disk (database, WAL included). */
  stateSize(jobId: string): number {
    return this.rt.state.size(jobId);
  }

  /** Bytes of the lists of the files the job's runs sent, on disk (their own database, WAL included). */
  runFilesSize(jobId: string): number {
    return this.rt.state.runsSize(jobId);
  }

  // ---------------------------------------------------------------- runs

  listRuns(jobId: string, limit = 50): readonly SyncRun[] {
    return this.rt.runs.list(jobId, limit);
  }

  getRun(runId: string): SyncRun | undefined {
    return this.rt.runs.get(runId);
  }

  runLog(runId: string): readonly string[] {
    return this.rt.runs.logLines(runId);
  }

  /** One page of the files a run sent (path, size, mtime, task id), optionally only those whose path contains `search`. */
  runFiles(runId: string, query: SyncRunFilesQuery): SyncRunFilesPage {
    const run = this.requireRun(runId);
    return runFilesPage(this.rt, run.id, run.jobId, query);
  }

  /** Every file a run sent (matching `search`), folder by folder; `each` returns false to stop. */
  eachRunFile(runId: string, search: string | null, each: (file: SyncRunFile) => boolean | void): void {
    const run = this.requireRun(runId);
    forEachRunFile(this.rt, run.id, run.jobId, search, each);
  }

  private requireRun(runId: string): SyncRun {
    const run = this.rt.runs.get(runId);
    if (!run) throw new AppError('not-found', 'NotFound', `No sync run with id "${runId}".`);
    return run;
  }

  /** The run's log as text; written to `file` (atomically) when given. */
  async exportRunLog(runId: string, file?: string): Promise<string> {
    const text = this.runLog(runId).join('\n') + '\n';
    if (file) await writeFileAtomic(file, text);
    return text;
  }

  /** What a run would transfer now, without recording anything. */
  preview(idOrName: string, sampleSize = 50): Promise<SyncPreview> {
    return previewJob(this.rt, idOrName, sampleSize);
  }

  /**
   * One run of a job: never two at once for the same job (in this process or any other; a
   * second attempt is recorded as `skipped` with the reason). Resolves with the run as it
   * stands at `until`.
   */
  runJob(idOrName: string, options: RunOptions = {}): Promise<SyncRun> {
    return runJob(this.rt, idOrName, options);
  }

  /** Convenience: run and wait for the tasks to end. */
  async runJobToCompletion(idOrName: string, trigger: SyncRunTrigger = 'manual'): Promise<SyncRun> {
    const run = await this.runJob(idOrName, { trigger, until: 'completed' });
    return this.getRun(run.id) ?? run;
  }

  /**
   * For the app's start (and `ferry sync`): recovers every job's unfinished runs and keeps
   * watching those still transferring. Jobs whose lock another live process holds are left alone.
   */
  checkPendingRuns(): Promise<readonly SyncRun[]> {
    return checkPendingRuns(this.rt);
  }

  /** Cancels the run's Globus tasks (or stops its scan); nothing they carried is marked. */
  cancelRun(runId: string): Promise<SyncRun> {
    return cancelRun(this.rt, runId);
  }

  /** Waits for a run that is being watched (or returns it as it is). */
  /** A task of a sync run ended (Activity saw it): runs waiting on their tasks poll now, not at their next interval. */
  nudge(): void {
    for (const wake of [...this.rt.wakers]) wake();
  }

  waitForCompletion(runId: string): Promise<SyncRun> {
    return waitForCompletion(this.rt, runId);
  }

  async close(): Promise<void> {
    const rt = this.rt;
    if (rt.closed) return;
    rt.closed = true;
    rt.closing.abort();
    for (const a of rt.active.values()) a.abort();
    while (rt.active.size > 0) await new Promise((r) => setTimeout(r, 10));
    await Promise.allSettled([...rt.watchers.values()]);
    rt.locks.releaseAll();
    await endIdleScanWorkers();
    rt.state.closeAll();
    rt.db.close();
    rt.listeners.clear();
  }
}

export function createSyncEngine(opts: SyncEngineOptions): SyncEngine {
  return new SyncEngine(opts);
}
