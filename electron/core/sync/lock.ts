/**
 * One job, one runner, across processes (the app and any number of `ferry sync` from cron).
 * The lock is a row in sync.db, taken in an IMMEDIATE transaction (SQLite serialises the
 * check-and-set between processes). It survives a crash; a holder whose process is gone
 * (pid not alive, or alive but started at another time: a reused pid) is stale and replaced.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { SqliteDatabase } from '../store';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly procStart: string | null;
  readonly token: string;
  readonly acquiredAt: string;
}

export type LockResult = { readonly ok: true; readonly token: string } | { readonly ok: false; readonly holder: LockHolder };

/** Start time of a process (clock ticks since boot, Linux), or null where unknown. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: split after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // field 22 overall
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function holderAlive(h: LockHolder, liveTokens: ReadonlySet<string>): boolean {
  if (h.host !== hostname()) return true; // cannot tell for another machine: respect it
  if (h.pid === process.pid) return liveTokens.has(h.token);
  if (!pidAlive(h.pid)) return false;
  if (h.procStart !== null) {
    const now = processStartTime(h.pid);
    if (now !== null && now !== h.procStart) return false; // the pid was reused
  }
  return true;
}

/** Tokens held by any engine of this process (two engines in one process still exclude each other). */
const liveInProcess = new Set<string>();

export class JobLocks {
  private readonly mine = new Set<string>();
  private readonly procStart = processStartTime(process.pid);

  constructor(private readonly db: SqliteDatabase) {}

  tryAcquire(jobId: string): LockResult {
    const token = randomUUID();
    const run = this.db.transaction((): LockResult => {
      const row = this.db
        .prepare('SELECT pid, host, proc_start AS procStart, token, acquired_at AS acquiredAt FROM locks WHERE job_id = ?')
        .get(jobId) as LockHolder | undefined;
      if (row && holderAlive(row, liveInProcess)) return { ok: false, holder: row };
      this.db
        .prepare(
          `INSERT INTO locks (job_id, pid, host, proc_start, token, acquired_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (job_id) DO UPDATE SET pid = excluded.pid, host = excluded.host, proc_start = excluded.proc_start,
             token = excluded.token, acquired_at = excluded.acquired_at`,
        )
        .run(jobId, process.pid, hostname(), this.procStart, token, new Date().toISOString());
      return { ok: true, token };
    });
    const result = run.immediate();
    if (result.ok) {
      this.mine.add(result.token);
      liveInProcess.add(result.token);
    }
    return result;
  }

  release(jobId: string, token: string): void {
    this.mine.delete(token);
    liveInProcess.delete(token);
    this.db.prepare('DELETE FROM locks WHERE job_id = ? AND token = ?').run(jobId, token);
  }

  releaseAll(): void {
    for (const token of this.mine) {
      liveInProcess.delete(token);
      this.db.prepare('DELETE FROM locks WHERE token = ?').run(token);
    }
    this.mine.clear();
  }
}
