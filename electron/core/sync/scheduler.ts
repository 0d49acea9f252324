/**
 * Fires runs of enabled, unpaused jobs on their schedule (every N minutes, cron, or a `watch`
 * job's periodic full scan). One timer for the earliest due job, re-armed after every fire and on
 * every job change; at most a minute long so a suspended laptop or a changed clock is noticed.
 * `watch` jobs' file events are the WatchTrigger's (watch-trigger.ts), started and stopped with it.
 */
import type { SyncJob } from '../../../shared/contract/syncs';
import { systemClock, type Clock } from '../kernel';
import type { SyncEngine } from './engine';
import { nextRunTime } from './schedule';
import { WatchTrigger } from './watch-trigger';

export interface SchedulerOptions {
  readonly clock?: Clock;
  /** A scheduled run that threw (runs record their own failures; this is for the unexpected). */
  readonly onError?: (jobId: string, error: unknown) => void;
  /** Only these jobs (default: all). */
  readonly filter?: (job: SyncJob) => boolean;
  /** `watch` jobs: most folders one job may watch (default: 10,000, at most half the inotify limit). */
  readonly maxWatches?: number;
  /** A `watch` job could not be watched (too many folders, folder gone): periodic full scans only. */
  readonly onWarning?: (jobId: string, message: string) => void;
}

const MAX_WAIT_MS = 60_000;

export class SyncScheduler {
  private readonly clock: Clock;
  private readonly lastFired = new Map<string, number>();
  private cancelTimer: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;
  private running = false;
  private watch: WatchTrigger | null = null;

  constructor(
    private readonly engine: SyncEngine,
    private readonly opts: SchedulerOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.engine.subscribe((e) => {
      if (e.type === 'job' || e.type === 'job-deleted') this.arm();
    });
    this.arm();
    const { maxWatches, onError, onWarning, filter } = this.opts;
    this.watch = new WatchTrigger(this.engine, { clock: this.clock, maxWatches, onError, onWarning, filter });
    this.watch.start();
  }

  /** Resolves once every `watch` job's folders are watched. */
  async watching(): Promise<void> {
    await this.watch?.ready();
  }

  stop(): void {
    this.running = false;
    this.watch?.stop();
    this.watch = null;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** When the job runs next (ms since the epoch), or null. */
  nextRunAt(jobId: string): number | null {
    const job = this.engine.getJob(jobId);
    return job ? nextRunTime(job, this.base(jobId), this.clock.now()) : null;
  }

  private jobs(): readonly SyncJob[] {
    const all = this.engine.listJobs();
    return this.opts.filter ? all.filter(this.opts.filter) : all;
  }

  private base(jobId: string): number | null {
    const last = this.engine.lastRunStart(jobId);
    const fired = this.lastFired.get(jobId) ?? null;
    if (last === null) return fired;
    return fired === null ? last : Math.max(last, fired);
  }

  private arm(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    if (!this.running) return;
    const now = this.clock.now();
    let earliest: number | null = null;
    for (const job of this.jobs()) {
      const next = nextRunTime(job, this.base(job.id), now);
      if (next !== null && (earliest === null || next < earliest)) earliest = next;
    }
    const wait = earliest === null ? MAX_WAIT_MS : Math.min(MAX_WAIT_MS, Math.max(0, earliest - now));
    this.cancelTimer = this.clock.setTimeout(() => this.fire(), wait);
  }

  private fire(): void {
    this.cancelTimer = null;
    if (!this.running) return;
    const now = this.clock.now();
    for (const job of this.jobs()) {
      const next = nextRunTime(job, this.base(job.id), now);
      if (next === null || next > now) continue;
      this.lastFired.set(job.id, now);
      this.engine
        .runJob(job.id, { trigger: 'schedule' })
        .catch((error: unknown) => this.opts.onError?.(job.id, error))
        .finally(() => this.arm());
    }
    this.arm();
  }
}
