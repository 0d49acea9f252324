/**
 * The `watch` schedule's event half: for each enabled, unpaused job whose schedule kind is
 * `watch`, a FolderWatcher (one inotify watch per folder) marks the job changed; once nothing has
 * changed for `quietSeconds` (or at the latest `maxWaitFactor` × that after the first change, so
 * an instrument writing non-stop still gets its files out) a run starts with trigger `watch`. A
 * change during a run starts another run after the quiet period once that run has ended. The
 * periodic full scan (every `fullScanMinutes`) is the scheduler's (schedule.ts), the safety net.
 *
 * Limits: at most `maxWatches` folders per job (default 10,000, and never more than half the
 * system's inotify limit); a job over the cap is not watched, only scanned periodically, and its
 * next run's log says so.
 */
import { readFileSync } from 'node:fs';
import { syncFinishedStatuses, type SyncJob } from '../../../shared/contract/syncs';
import type { Clock } from '../kernel';
import type { SyncEngine } from './engine';
import { FolderWatcher } from './folder-watcher';

export interface WatchTriggerOptions {
  readonly clock: Clock;
  /** Most folders one job may watch. */
  readonly maxWatches?: number | undefined;
  /** A run start longer after the first change than this many quiet periods is not put off (default 6). */
  readonly maxWaitFactor?: number;
  readonly onError?: ((jobId: string, error: unknown) => void) | undefined;
  /** A job could not be watched (over the cap, folder gone): it falls back to the periodic scan. */
  readonly onWarning?: ((jobId: string, message: string) => void) | undefined;
  /** Only these jobs (default: all). */
  readonly filter?: ((job: SyncJob) => boolean) | undefined;
}

interface JobWatch {
  readonly key: string;
  readonly watcher: FolderWatcher;
  readonly quietMs: number;
  firstChangeAt: number | null;
  pending: boolean;
  cancel: (() => void) | null;
}

/** Half the system's inotify watches (other programs need some), at most `wanted`. */
export function defaultMaxWatches(wanted = 10_000): number {
  try {
    const system = Number(readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8').trim());
    return Number.isFinite(system) && system > 0 ? Math.max(1, Math.min(wanted, Math.floor(system / 2))) : wanted;
  } catch {
    return wanted;
  }
}

export class WatchTrigger {
  private readonly watched = new Map<string, JobWatch>();
  /** job id -> a warning for the log of its next run. */
  private readonly notes = new Map<string, string>();
  private unsubscribe: (() => void) | null = null;
  private readonly maxWatches: number;

  constructor(
    private readonly engine: SyncEngine,
    private readonly opts: WatchTriggerOptions,
  ) {
    this.maxWatches = opts.maxWatches ?? defaultMaxWatches();
  }

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.engine.subscribe((e) => {
      if (e.type === 'job' || e.type === 'job-deleted') this.sync();
      if (e.type !== 'run') return;
      const note = this.notes.get(e.run.jobId);
      if (note && e.run.status === 'scanning') {
        this.notes.delete(e.run.jobId);
        this.engine.logToRun(e.run.id, note, 'WARNING');
      }
      const w = this.watched.get(e.run.jobId);
      if (w?.pending && syncFinishedStatuses.includes(e.run.status)) this.arm(e.run.jobId, w);
    });
    this.sync();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const id of [...this.watched.keys()]) this.drop(id);
  }

  /** Folders watched for the job now (0 when it is not watched). */
  watches(jobId: string): number {
    return this.watched.get(jobId)?.watcher.size ?? 0;
  }

  /** Starts or stops watchers to match the jobs (a changed folder or quiet period starts afresh). */
  sync(): void {
    const filter = this.opts.filter;
    const jobs = new Map(this.engine.listJobs().filter((j) => !filter || filter(j)).map((j) => [j.id, j]));
    for (const [id, w] of this.watched) {
      const job = jobs.get(id);
      if (!job || keyOf(job) !== w.key) this.drop(id);
    }
    for (const job of jobs.values()) {
      const key = keyOf(job);
      if (key !== null && !this.watched.has(job.id) && job.schedule.kind === 'watch') this.add(job, key, job.schedule.quietSeconds * 1000);
    }
  }

  /** Resolves once every watched job's folders are watched (for tests and callers that must know). */
  async ready(): Promise<void> {
    await Promise.all([...this.watched.values()].map((w) => w.watcher.ready));
  }

  private add(job: SyncJob, key: string, quietMs: number): void {
    const warn = (message: string): void => {
      this.drop(job.id);
      this.notes.set(job.id, message);
      this.opts.onWarning?.(job.id, message);
    };
    const watcher = new FolderWatcher({
      root: job.source.localPath,
      maxWatches: this.maxWatches,
      onChange: () => this.changed(job.id),
      onOverCap: (n) => warn(`Watching stopped: the folder has more than ${this.maxWatches.toLocaleString('en-US')} folders (${n.toLocaleString('en-US')} seen so far), the most one job may watch; files are found by the full scan every ${job.schedule.kind === 'watch' ? job.schedule.fullScanMinutes : '?'} minutes instead.`),
      onError: (error) => warn(`Watching stopped: ${error instanceof Error ? error.message : String(error)}; files are found by the periodic full scan instead.`),
    });
    this.watched.set(job.id, { key, watcher, quietMs, firstChangeAt: null, pending: false, cancel: null });
    watcher.start();
    // Files written while nothing watched (Ferry closed, the job just made or changed) leave in a
    // first run as soon as watching begins; from then on, file events start runs.
    void watcher.ready.then(
      () => {
        if (this.watched.get(job.id)?.watcher === watcher) this.changed(job.id);
      },
      () => undefined,
    );
  }

  private drop(jobId: string): void {
    const w = this.watched.get(jobId);
    if (!w) return;
    w.cancel?.();
    w.watcher.close();
    this.watched.delete(jobId);
  }

  private changed(jobId: string): void {
    const w = this.watched.get(jobId);
    if (!w) return;
    w.pending = true;
    w.firstChangeAt ??= this.opts.clock.now();
    this.arm(jobId, w);
  }

  /** (Re)starts the quiet period, never past the longest wait after the first change. */
  private arm(jobId: string, w: JobWatch): void {
    w.cancel?.();
    const now = this.opts.clock.now();
    const latest = (w.firstChangeAt ?? now) + w.quietMs * (this.opts.maxWaitFactor ?? 6);
    w.cancel = this.opts.clock.setTimeout(() => this.fire(jobId, w), Math.max(0, Math.min(w.quietMs, latest - now)));
  }

  private fire(jobId: string, w: JobWatch): void {
    w.cancel = null;
    if (this.watched.get(jobId) !== w || !w.pending) return;
    if (this.engine.isBusy(jobId)) return; // armed again when that run ends
    w.pending = false;
    w.firstChangeAt = null;
    this.engine.runJob(jobId, { trigger: 'watch' }).catch((error: unknown) => this.opts.onError?.(jobId, error));
  }
}

/** What a watcher depends on; null when the job is not watched. */
function keyOf(job: SyncJob): string | null {
  if (!job.enabled || job.paused || job.schedule.kind !== 'watch') return null;
  return `${job.source.localPath}\u0000${job.schedule.quietSeconds}`;
}
