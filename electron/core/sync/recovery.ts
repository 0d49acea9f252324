/**
 * What happens at start (or before a run) after a crash: runs a dead process left behind are
 * ended, resumed or watched, so no file is marked that was not transferred and no task is
 * submitted twice.
 */
import type { SyncJob, SyncRun, SyncRunStatus } from '../../../shared/contract/syncs';
import { dropPending } from './pending';
import { finalizeRun } from './run-commit';
import { submitRun } from './run-submit';
import { pollRunOnce, watchRun } from './run-wait';
import type { SyncRuntime } from './runtime';

/**
 * With the job's lock held: ends runs a dead process left behind. A scan that never finished
 * is dropped (nothing was marked); a submission is resumed with its recorded submission ids;
 * a transferring run is asked about once and committed when its tasks ended. Returns a run
 * that is still transferring (which blocks a new run), if any.
 */
export async function recoverJob(rt: SyncRuntime, job: SyncJob): Promise<SyncRun | null> {
  const rows = rt.db
    .prepare(`SELECT id, status FROM runs WHERE job_id = ? AND status IN ('scanning','submitting','transferring') ORDER BY started_at`)
    .all(job.id) as { id: string; status: SyncRunStatus }[];
  let blocking: SyncRun | null = null;
  for (const r of rows) {
    const ctx = rt.runs.ctx(r.id);
    if (!ctx) continue;
    if (r.status === 'scanning') {
      dropPending(rt.db, r.id);
      rt.runs.log(ctx, 'This run was interrupted during its scan (the process ended); nothing was marked. The next run scans again.', 'WARNING');
      rt.runs.save(ctx, 'interrupted', 'Interrupted during the scan');
      continue;
    }
    if (r.status === 'submitting') {
      rt.runs.log(ctx, 'Resuming the submission of this run after an interruption.', 'WARNING');
      const res = await submitRun(rt, ctx);
      if (res.status !== 'transferring') {
        if (res.status === 'submitting') blocking = res;
        continue;
      }
    }
    if (rt.watchers.has(r.id)) {
      blocking = rt.runs.get(r.id) ?? null;
      continue;
    }
    const state = await pollRunOnce(rt, r.id).catch(() => 'active' as const);
    if (state === 'ended') finalizeRun(rt, r.id);
    else blocking = rt.runs.get(r.id) ?? null;
  }
  return blocking;
}

/**
 * For the app's start (and `ferry sync`): recovers every job's unfinished runs and keeps
 * watching those still transferring. Jobs whose lock another live process holds are left alone.
 */
export async function checkPendingRuns(rt: SyncRuntime): Promise<readonly SyncRun[]> {
  const touched: SyncRun[] = [];
  const jobs = rt.db.prepare(`SELECT DISTINCT job_id FROM runs WHERE status IN ('scanning','submitting','transferring')`).pluck().all() as string[];
  for (const jobId of jobs) {
    const job = rt.jobs.get(jobId);
    if (!job) continue;
    if (rt.active.has(job.id)) continue;
    const lock = rt.locks.tryAcquire(job.id);
    if (!lock.ok) continue;
    try {
      const blocking = await recoverJob(rt, job);
      if (blocking && blocking.status === 'transferring') void watchRun(rt, blocking.id);
    } finally {
      rt.locks.release(job.id, lock.token);
    }
    touched.push(...rt.runs.list(job.id, 5));
  }
  return touched;
}
