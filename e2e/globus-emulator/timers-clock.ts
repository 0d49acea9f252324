/**
 * The emulator clock (real time plus an offset that only grows) and the runner that carries out
 * timers' runs when they fall due on it: from a background tick for runs due in real time, or all
 * at once, in order, when a test advances the clock (`POST /_emulator/clock/advance`).
 *
 * Like Globus Timers, a timer's next run waits while the task of its previous run is still going
 * (activity `run_in_progress`); advancing the clock waits (bounded) for such a task to end so that
 * the runs it makes due happen in the same call.
 */
import { timersScopeWithDataAccess } from './constants';
import { HttpError } from './http-util';
import type { TaskStatus } from './state';
import type { TimerRow, TimerStore } from './timers-store';

const CLOCK_KEY = 'clock_offset_ms';
const TICK_MS = 1000;
/** How long advancing the clock waits for a previous run's task before leaving the timer for later. */
const RUN_WAIT_MS = 20_000;

export class EmulatorClock {
  private offsetMs: number;

  constructor(private readonly store: TimerStore) {
    this.offsetMs = Number(store.readKv(CLOCK_KEY) ?? '0') || 0;
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  offset(): number {
    return this.offsetMs;
  }

  /** Moves the clock forward to `ms` (never back). */
  moveTo(ms: number): void {
    const offset = ms - Date.now();
    if (offset <= this.offsetMs) return;
    this.offsetMs = offset;
    this.store.writeKv(CLOCK_KEY, String(offset));
  }
}

export interface TimerRunnerOptions {
  readonly store: TimerStore;
  readonly clock: EmulatorClock;
  /** Submits a run's transfer as the timer's owner; throws the HttpError Transfer would answer. */
  readonly submit: (owner: string, body: Readonly<Record<string, unknown>>) => string;
  /** Status of a task, undefined when unknown. */
  readonly taskStatus: (taskId: string) => TaskStatus | undefined;
  readonly consentRequired: (collectionId: string) => boolean;
}

/** The Globus Auth requirements error a timer carries when a collection's consent is missing. */
export function consentGare(collectionIds: readonly string[]): Record<string, unknown> {
  return {
    code: 'ConsentRequired',
    authorization_parameters: {
      session_message: 'Missing required data_access consent',
      required_scopes: [timersScopeWithDataAccess(collectionIds)],
    },
  };
}

/** Collections of a timer's transfer that need a data_access consent its credentials lack. */
export function missingConsents(row: TimerRow, consentRequired: (id: string) => boolean): string[] {
  const body = JSON.parse(row.body) as Record<string, unknown>;
  const have = new Set(JSON.parse(row.data_access) as string[]);
  const ids = [body['source_endpoint'], body['destination_endpoint']].filter((v): v is string => typeof v === 'string').map((v) => v.toLowerCase());
  return [...new Set(ids)].filter((id) => consentRequired(id) && !have.has(id));
}

/** The timer's next run after the one due at `dueAt`: one interval later, or the first such slot after `now` when runs were missed. */
export function nextSlot(row: TimerRow, dueAt: number, now: number): number | null {
  if (row.interval_seconds === null) return null;
  const step = row.interval_seconds * 1000;
  const next = dueAt + step;
  return next > now ? next : dueAt + (Math.floor((now - dueAt) / step) + 1) * step;
}

export class TimerRunner {
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly opts: TimerRunnerOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      void this.serialized(() => this.runDue(this.opts.clock.now(), false));
    }, TICK_MS);
    this.timer.unref();
  }

  close(): Promise<unknown> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    return this.chain;
  }

  /** Moves the clock forward, carrying out every run that falls due on the way; returns their task ids in order. */
  advance(seconds: number): Promise<string[]> {
    return this.serialized(async () => {
      const target = this.opts.clock.now() + seconds * 1000;
      const ids = await this.runDue(target, true);
      this.opts.clock.moveTo(target);
      return ids;
    });
  }

  /** Runs every due run now (background tick; also after a resume). */
  runDueNow(): Promise<string[]> {
    return this.serialized(() => this.runDue(this.opts.clock.now(), false));
  }

  /** Whether the timer's latest run still has a task going (clears it once the task ended). */
  inFlight(row: TimerRow): boolean {
    if (!row.current_task_id) return false;
    const status = this.opts.taskStatus(row.current_task_id);
    if (status === 'ACTIVE' || status === 'INACTIVE') return true;
    row.current_task_id = null;
    this.opts.store.update(row);
    return false;
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async runDue(until: number, wait: boolean): Promise<string[]> {
    const submitted: string[] = [];
    const blocked = new Set<string>();
    for (;;) {
      if (this.closed) return submitted;
      const due = this.opts.store.scheduled().filter((t) => t.next_run !== null && t.next_run <= until && !blocked.has(t.job_id));
      let chosen: TimerRow | undefined;
      for (const t of due) {
        if (!this.inFlight(t)) {
          chosen = t;
          break;
        }
        if (!wait || !(await this.waitForTask(t))) blocked.add(t.job_id);
        else {
          chosen = this.opts.store.get(t.job_id);
          break;
        }
      }
      if (!chosen) return submitted;
      if (chosen.next_run === null || chosen.status === 'inactive' || chosen.status === 'ended') continue;
      this.opts.clock.moveTo(chosen.next_run);
      const id = this.runOnce(chosen, chosen.next_run);
      if (id) submitted.push(id);
    }
  }

  private async waitForTask(row: TimerRow): Promise<boolean> {
    const end = Date.now() + RUN_WAIT_MS;
    while (Date.now() < end && !this.closed) {
      const fresh = this.opts.store.get(row.job_id);
      if (!fresh || !this.inFlight(fresh)) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    return false;
  }

  /** Carries out one run that was due at `dueAt`; returns the task id it submitted. */
  private runOnce(row: TimerRow, dueAt: number): string | undefined {
    const now = this.opts.clock.now();
    const missing = missingConsents(row, this.opts.consentRequired);
    if (missing.length > 0) {
      // The run cannot start the transfer: the timer stops until the person consents again and resumes it.
      const gare = consentGare(missing);
      row.status = 'inactive';
      row.inactive_reason = JSON.stringify({ cause: 'globus_auth_requirements', detail: gare });
      row.n_errors += 1;
      this.opts.store.addRun({ job_id: row.job_id, ran_at: dueAt, started_at: now, task_id: null, http_status: 403, errors: JSON.stringify(gare) });
      this.opts.store.update(row);
      return undefined;
    }
    const body = JSON.parse(row.body) as Record<string, unknown>;
    const label = typeof body['label'] === 'string' && body['label'] !== '' ? body['label'] : `Timer: ${row.name}`.slice(0, 128).trim();
    let taskId: string | undefined;
    try {
      taskId = this.opts.submit(row.owner_id, { ...body, label });
      this.opts.store.addRun({ job_id: row.job_id, ran_at: dueAt, started_at: now, task_id: taskId, http_status: 202, errors: null });
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      const doc = error instanceof HttpError ? error.body : { code: 'InternalError', message: String(error) };
      row.n_errors += 1;
      this.opts.store.addRun({ job_id: row.job_id, ran_at: dueAt, started_at: now, task_id: null, http_status: status, errors: JSON.stringify(doc) });
    }
    row.n_runs += 1;
    row.last_ran_at = now;
    row.current_task_id = taskId ?? null;
    row.status = 'loaded';
    row.next_run = nextSlot(row, dueAt, now);
    const endedByCount = row.stop_after_n !== null && row.n_runs >= row.stop_after_n;
    const endedByDate = row.next_run !== null && row.stop_after_date !== null && row.next_run > row.stop_after_date;
    if (row.next_run === null || endedByCount || endedByDate) {
      row.status = 'ended';
      row.next_run = null;
    }
    this.opts.store.update(row);
    return taskId;
  }
}
