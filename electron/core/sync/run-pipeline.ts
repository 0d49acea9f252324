/**
 * One run of a job: scan -> diff -> submit -> wait -> commit, never two at once for the same
 * job (in this process or any other: the job lock is in sync.db), after recovering what a dead
 * process left behind.
 */
import type { SyncJob, SyncRun, SyncRunTrigger } from '../../../shared/contract/syncs';
import { AppError } from '../kernel';
import type { LockHolder } from './lock';
import { bigRun, collectGarbage } from './process-heap';
import { recoverJob } from './recovery';
import { CANCELED, commitRun, finalizeRun } from './run-commit';
import { scanRun, withWarnings } from './run-scan';
import { submitRun } from './run-submit';
import { pollRunOnce, watchRun } from './run-wait';
import type { RunCtx } from './runs';
import type { SyncRuntime } from './runtime';
import { warmScanWorkers } from './scanner';
import { autoLabel } from './schedule';

export interface RunOptions {
  readonly trigger?: SyncRunTrigger;
  /** `submitted` (default): resolve once tasks are submitted and keep watching them in the
   * background; `completed`: resolve when the tasks ended and the state is committed. */
  readonly until?: 'submitted' | 'completed';
}

function describeHolder(h: LockHolder): string {
  return `pid ${h.pid} on ${h.host}, since ${h.acquiredAt}`;
}

/**
 * A second attempt while a run is in progress is recorded as `skipped` with the reason.
 * Resolves with the run as it stands at `until`.
 */
export async function runJob(rt: SyncRuntime, idOrName: string, options: RunOptions = {}): Promise<SyncRun> {
  if (rt.closed) throw new AppError('unavailable', 'Closed', 'sync engine is closed');
  const job = rt.jobs.require(idOrName);
  const trigger = options.trigger ?? 'manual';
  if (rt.active.has(job.id)) return skipRun(rt, job, trigger, 'A run of this job is already in progress, so this one is skipped.');
  const abort = new AbortController();
  rt.active.set(job.id, abort);
  warmScanWorkers(rt.workers); // they start while the lock and recovery are seen to
  let lockToken: string | null = null;
  let result: SyncRun;
  try {
    const lock = rt.locks.tryAcquire(job.id);
    if (!lock.ok) return skipRun(rt, job, trigger, `The job is running in another process (${describeHolder(lock.holder)}), so this run is skipped.`);
    lockToken = lock.token;
    const blocking = await recoverJob(rt, job);
    if (blocking) {
      const tasks = blocking.tasks.filter((t) => t.status === 'submitted').map((t) => `task ${t.taskId}`);
      return skipRun(
        rt,
        job,
        trigger,
        `The previous run ${blocking.label ?? blocking.id} is still ${blocking.status}${tasks.length ? ` (${tasks.join(', ')})` : ''}, so this run is skipped.`,
      );
    }
    const ctx = rt.runs.create(job, trigger, 'scanning');
    result = await execute(rt, ctx, abort.signal);
  } finally {
    rt.active.delete(job.id);
    if (lockToken) rt.locks.release(job.id, lockToken);
  }
  if (result.status === 'transferring') {
    const w = watchRun(rt, result.id);
    if (options.until === 'completed') return w;
  }
  return result;
}

function skipRun(rt: SyncRuntime, job: SyncJob, trigger: SyncRunTrigger, reason: string): SyncRun {
  const ctx = rt.runs.create(job, trigger, 'skipped', reason);
  rt.runs.log(ctx, '=====');
  rt.runs.log(ctx, reason, 'WARNING');
  return rt.runs.save(ctx, 'skipped', reason);
}

/** Scan and diff; nothing changed ends the run here, else it is labelled and submitted. */
async function execute(rt: SyncRuntime, ctx: RunCtx, signal: AbortSignal): Promise<SyncRun> {
  const job = ctx.job;
  rt.runs.log(ctx, '=====');
  rt.runs.log(ctx, `Run of "${job.name}" (${ctx.id}): ${job.source.localPath} -> ${job.destination.collectionId}:${job.destination.path}`);
  rt.runs.save(ctx, 'scanning');
  collectGarbage();
  const ended = await scanRun(rt, ctx, signal);
  if (ended) return ended;
  const s = ctx.stats;
  if (s.changedFiles === 0 && s.emptyDirs === 0) {
    const message = 'The directory was not modified, so a transfer is not necessary.';
    rt.runs.log(ctx, message);
    rt.runs.save(ctx, 'scanning');
    commitRun(rt, ctx.id, 'no_changes', withWarnings(message, s.warnings, false));
    return rt.runs.current(ctx.id);
  }
  ctx.label = rt.runs.uniqueLabel(job.id, autoLabel(rt.clock.now()));
  rt.runs.save(ctx, 'submitting');
  if (bigRun(s)) collectGarbage();
  return submitRun(rt, ctx);
}

/** Cancels the run's Globus tasks (or stops its scan); nothing they carried is marked. */
export async function cancelRun(rt: SyncRuntime, runId: string): Promise<SyncRun> {
  const run = rt.runs.get(runId);
  if (!run) throw new AppError('not-found', 'NotFound', `No run ${runId}`);
  if (run.status === 'scanning' || run.status === 'submitting') rt.active.get(run.jobId)?.abort();
  if (run.status === 'transferring') {
    rt.cancelRequested.add(runId);
    const transfer = await rt.transfer();
    for (const t of run.tasks) {
      if (t.status === 'submitted' && t.taskId) await transfer.cancelTask(t.taskId).catch(() => undefined);
    }
    const ctx = rt.runs.ctx(runId);
    if (ctx) rt.runs.log(ctx, 'Canceled by request.', 'WARNING');
    await pollRunOnce(rt, runId).catch(() => undefined);
    const ended = finalizeRun(rt, runId, CANCELED);
    rt.cancelRequested.delete(runId);
    return ended;
  }
  return rt.runs.current(runId);
}

/** Waits for a run that is being watched (or returns it as it is). */
export async function waitForCompletion(rt: SyncRuntime, runId: string): Promise<SyncRun> {
  const run = rt.runs.get(runId);
  if (run?.status === 'transferring') return watchRun(rt, runId);
  return run as SyncRun;
}
