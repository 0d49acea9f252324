/** The Timers service's storage: timers (the API calls them jobs), their runs, and the emulator clock's offset. */
import type { EmulatorDatabase } from './database';

/** `new` until the first run, `loaded` between runs, `inactive` when paused, `ended` after its last run. */
export type TimerStatus = 'new' | 'loaded' | 'inactive' | 'ended' | 'delete_in_progress' | 'deleted';

/** One timer, as stored (times in ms since the epoch, on the emulator clock). */
export interface TimerRow {
  readonly job_id: string;
  readonly owner_id: string;
  readonly client_id: string;
  name: string;
  /** JSON: the transfer document each run submits. */
  readonly body: string;
  /** JSON: the schedule as the API shows it. */
  schedule: string;
  readonly start: number;
  interval_seconds: number | null;
  stop_after_date: number | null;
  stop_after_n: number | null;
  status: TimerStatus;
  /** JSON: `{cause, detail}` or null. */
  inactive_reason: string | null;
  readonly submitted_at: number;
  last_ran_at: number | null;
  next_run: number | null;
  n_runs: number;
  n_errors: number;
  /** JSON string[]: collections whose data_access consent the timer's credentials carry. */
  data_access: string;
  /** The task of the latest run while it has not ended (the next run waits for it). */
  current_task_id: string | null;
}

export interface TimerRunRow {
  readonly seq: number;
  readonly job_id: string;
  /** When the run was due. */
  readonly ran_at: number;
  /** When it was carried out (emulator clock). */
  readonly started_at: number;
  readonly task_id: string | null;
  /** Status of the submission: 202, or the error status Transfer (or Auth) answered. */
  readonly http_status: number;
  /** JSON error document, or null. */
  readonly errors: string | null;
}

const mutable = ['name', 'schedule', 'interval_seconds', 'stop_after_date', 'stop_after_n', 'status', 'inactive_reason', 'last_ran_at', 'next_run', 'n_runs', 'n_errors', 'data_access', 'current_task_id'] as const;

export class TimerStore {
  constructor(private readonly db: EmulatorDatabase) {}

  insert(row: TimerRow): void {
    const cols = Object.keys(row);
    this.db.prepare(`INSERT INTO timers (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(row);
  }

  update(row: TimerRow): void {
    const values: Record<string, unknown> = { job_id: row.job_id };
    for (const c of mutable) values[c] = row[c];
    this.db.prepare(`UPDATE timers SET ${mutable.map((c) => `${c} = @${c}`).join(', ')} WHERE job_id = @job_id`).run(values);
  }

  get(jobId: string): TimerRow | undefined {
    return this.db.prepare("SELECT * FROM timers WHERE job_id = ? AND status != 'deleted'").get(jobId) as TimerRow | undefined;
  }

  byOwner(ownerId: string): TimerRow[] {
    return this.db.prepare("SELECT * FROM timers WHERE owner_id = ? AND status != 'deleted' ORDER BY submitted_at, rowid").all(ownerId) as TimerRow[];
  }

  /** Timers that run on schedule (not paused, ended or deleted) and have a run ahead. */
  scheduled(): TimerRow[] {
    return this.db.prepare("SELECT * FROM timers WHERE status IN ('new', 'loaded') AND next_run IS NOT NULL ORDER BY next_run, rowid").all() as TimerRow[];
  }

  /** Timers whose latest run's task may still be going. */
  withTaskInFlight(): TimerRow[] {
    return this.db.prepare('SELECT * FROM timers WHERE current_task_id IS NOT NULL').all() as TimerRow[];
  }

  addRun(run: Omit<TimerRunRow, 'seq'>): void {
    this.db
      .prepare('INSERT INTO timer_runs (job_id, ran_at, started_at, task_id, http_status, errors) VALUES (@job_id, @ran_at, @started_at, @task_id, @http_status, @errors)')
      .run(run);
  }

  /** Newest first. */
  runs(jobId: string, limit: number, offset = 0): { runs: TimerRunRow[]; total: number } {
    const total = (this.db.prepare('SELECT COUNT(*) AS n FROM timer_runs WHERE job_id = ?').get(jobId) as { n: number }).n;
    const runs = this.db.prepare('SELECT * FROM timer_runs WHERE job_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?').all(jobId, limit, offset) as TimerRunRow[];
    return { runs, total };
  }

  readKv(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM emulator_kv WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  writeKv(key: string, value: string): void {
    this.db.prepare('INSERT INTO emulator_kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
