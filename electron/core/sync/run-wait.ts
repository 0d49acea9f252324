/**
 * The run pipeline, step 3: wait for the run's Globus tasks (one watcher per run), recording
 * how each ended, then commit.
 */
import type { SyncRun } from '../../../shared/contract/syncs';
import { sleep } from '../kernel';
import { finalizeRun } from './run-commit';
import type { SyncRuntime } from './runtime';

function isEnded(status: string): boolean {
  return status === 'SUCCEEDED' || status === 'FAILED';
}

/** The run's watcher (started if none is): resolves with the run once it ended and was committed. */
export function watchRun(rt: SyncRuntime, runId: string): Promise<SyncRun> {
  let w = rt.watchers.get(runId);
  if (!w) {
    w = waitForRun(rt, runId).finally(() => rt.watchers.delete(runId));
    rt.watchers.set(runId, w);
    w.catch(() => undefined);
  }
  return w;
}

/** Polls the run's tasks until they all ended, then commits. */
async function waitForRun(rt: SyncRuntime, runId: string): Promise<SyncRun> {
  const t0 = performance.now();
  for (;;) {
    const run = rt.runs.get(runId);
    if (!run || run.status !== 'transferring') return run as SyncRun;
    const res = await pollRunOnce(rt, runId).catch(() => 'active' as const);
    if (res === 'ended') {
      const ctx = rt.runs.ctx(runId);
      if (ctx) {
        ctx.stats.phases.transferMs += Math.round(performance.now() - t0);
        rt.runs.saveStats(ctx);
      }
      return finalizeRun(rt, runId);
    }
    if (rt.closing.signal.aborted) return rt.runs.current(runId);
    await sleepUntilWoken(rt);
    if (rt.closing.signal.aborted) return rt.runs.current(runId);
  }
}

/** Waits one poll interval, or less when the engine is told a task ended (or it closes). */
async function sleepUntilWoken(rt: SyncRuntime): Promise<void> {
  const woken = new AbortController();
  const wake = (): void => woken.abort();
  rt.wakers.add(wake);
  rt.closing.signal.addEventListener('abort', wake, { once: true });
  try {
    await sleep(rt.clock, rt.pollMs, woken.signal);
  } finally {
    rt.wakers.delete(wake);
    rt.closing.signal.removeEventListener('abort', wake);
  }
}

/** Asks Globus once about the run's unfinished tasks; 'ended' when none is left running. */
export async function pollRunOnce(rt: SyncRuntime, runId: string): Promise<'ended' | 'active'> {
  const ctx = rt.runs.ctx(runId);
  if (!ctx) return 'ended';
  const transfer = await rt.transfer();
  const tasks = rt.runs.tasks(runId).filter((t) => t.status === 'submitted');
  let active = false;
  for (const t of tasks) {
    if (!t.task_id) continue;
    const doc = await transfer.getTask(t.task_id);
    if (isEnded(doc.status)) {
      const err = doc.status === 'FAILED' ? (doc.fatal_error ? `${doc.fatal_error.code}: ${doc.fatal_error.description}` : (doc.nice_status ?? 'failed')) : null;
      rt.db.prepare('UPDATE run_tasks SET status = ?, error = ? WHERE run_id = ? AND chunk = ?').run(doc.status, err, runId, t.chunk);
      rt.runs.log(ctx, `Task ${t.task_id} ${doc.status}${err ? ` (${err})` : ''}: ${doc.files_transferred} file(s), ${doc.bytes_transferred} bytes transferred.`, doc.status === 'FAILED' ? 'ERROR' : 'INFO');
    } else {
      active = true;
      if (doc.faults > 0 && t.error !== `faults:${doc.faults}`) {
        rt.db.prepare('UPDATE run_tasks SET error = ? WHERE run_id = ? AND chunk = ?').run(`faults:${doc.faults}`, runId, t.chunk);
        rt.runs.log(ctx, `Task ${t.task_id} has ${doc.faults} fault(s) and keeps retrying: ${doc.nice_status ?? ''}`, 'WARNING');
      }
    }
  }
  if (!active) return 'ended';
  rt.runs.progress(ctx, 'transfer');
  return 'active';
}
