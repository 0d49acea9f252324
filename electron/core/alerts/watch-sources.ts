/**
 * Watch sources for the capabilities core already has, built from their public doors only (the
 * `syncs:*` and `queue:*` handlers): sync jobs and queue destinations. Timers bring their own
 * (`createTimersWatchSource` in electron/core/timers).
 */
import type { QueueStatus } from '../../../shared/contract/queue';
import type { SyncJobSummary, SyncRun } from '../../../shared/contract/syncs';
import type { WatchedThing, WatchSource } from './types';

/** What the sync watch source reads: `syncs:list` and `syncs:list-runs`. */
export interface SyncJobsPort {
  list(): Promise<readonly SyncJobSummary[]>;
  listRuns(jobId: string, limit: number): Promise<readonly SyncRun[]>;
}

/** What the queue watch source reads: `queue:snapshot`. */
export interface QueuePort {
  snapshot(): Promise<QueueStatus>;
}

function ms(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
}

/** A run that carried files to the destination. */
export function runMovedData(run: SyncRun): boolean {
  if (run.status !== 'succeeded' && run.status !== 'partial') return false;
  return run.stats.changedFiles > 0 || run.tasks.some((t) => t.status === 'SUCCEEDED' && t.items > 0);
}

/** A job is expected to move data while it is enabled, not paused and runs on its own (not manual). */
export function syncJobExpects(summary: SyncJobSummary): boolean {
  const job = summary.job;
  return job.enabled && !job.paused && job.schedule.kind !== 'manual';
}

interface SyncMemo {
  /** The newest run id seen, so runs are listed again only when new ones exist. */
  lastRunId: string | null;
  lastMovedAt: number | null;
  /** Not before this: the job was seen paused or disabled and then expecting, or older runs are unknown. */
  floor: number | null;
  expecting: boolean;
}

/**
 * Sync jobs as the watchdog sees them: expected to move data while enabled, scheduled and not
 * paused (since their last change or resume); moved when a run carried files. Recent runs are
 * read only when the job has new ones (`runsPerJob` at most).
 */
export function createSyncWatchSource(port: SyncJobsPort, options: { readonly now: () => number; readonly runsPerJob?: number }): WatchSource {
  const runsPerJob = Math.min(1000, Math.max(1, options.runsPerJob ?? 200));
  const memo = new Map<string, SyncMemo>();
  return {
    async list() {
      const summaries = await port.list();
      const out: WatchedThing[] = [];
      const seen = new Set<string>();
      for (const s of summaries) {
        const id = s.job.id;
        seen.add(id);
        const expecting = syncJobExpects(s);
        const m = memo.get(id) ?? { lastRunId: null, lastMovedAt: null, floor: null, expecting };
        if (expecting && !m.expecting) m.floor = options.now(); // resumed or switched on while watched
        m.expecting = expecting;
        const newest = s.lastRun?.id ?? null;
        if (newest !== null && newest !== m.lastRunId) {
          const runs = await port.listRuns(id, runsPerJob);
          for (const run of runs) {
            if (!runMovedData(run)) continue;
            const at = ms(run.endedAt) ?? ms(run.startedAt);
            if (at !== null && (m.lastMovedAt === null || at > m.lastMovedAt)) m.lastMovedAt = at;
          }
          // A full page without a run that moved: older runs are unknown, so quiet counts from the oldest listed.
          const oldest = runs.length >= runsPerJob ? ms(runs[runs.length - 1]?.startedAt) : null;
          if (oldest !== null && m.lastMovedAt === null) m.floor = Math.max(m.floor ?? oldest, oldest);
          m.lastRunId = newest;
        }
        memo.set(id, m);
        const since = Math.max(ms(s.job.updatedAt) ?? ms(s.job.createdAt) ?? options.now(), m.floor ?? Number.NEGATIVE_INFINITY);
        out.push({ kind: 'sync', id, name: s.job.name, lastMovedAt: m.lastMovedAt, expectingSince: expecting ? since : null });
      }
      for (const id of [...memo.keys()]) if (!seen.has(id)) memo.delete(id);
      return out;
    },
  };
}

interface QueueMemo {
  expectingSince: number | null;
  lastMovedAt: number | null;
  queued: number;
}

/**
 * Queue destinations as the watchdog sees them: expected to move data while items wait or tasks
 * run for them (the queue not paused, the destination switched on); moved when bytes flowed or
 * waiting items went out. What it saw lives in memory: after a restart the quiet time counts
 * from the first look.
 */
export function createQueueWatchSource(port: QueuePort, options: { readonly now: () => number }): WatchSource {
  const memo = new Map<string, QueueMemo>();
  return {
    async list() {
      const status = await port.snapshot();
      const now = options.now();
      const out: WatchedThing[] = [];
      const seen = new Set<string>();
      for (const d of status.destinations) {
        seen.add(d.collection);
        const expecting = !status.paused && d.enabled && (d.queued > 0 || d.activeTasks > 0);
        const m = memo.get(d.collection) ?? { expectingSince: null, lastMovedAt: null, queued: d.queued };
        if (d.bytesPerSecond > 0 || d.queued < m.queued) m.lastMovedAt = now;
        m.queued = d.queued;
        m.expectingSince = expecting ? (m.expectingSince ?? now) : null;
        memo.set(d.collection, m);
        out.push({ kind: 'queue', id: d.collection, name: d.name ?? d.collection, lastMovedAt: m.lastMovedAt, expectingSince: m.expectingSince });
      }
      for (const id of [...memo.keys()]) if (!seen.has(id)) memo.delete(id);
      return out;
    },
  };
}
