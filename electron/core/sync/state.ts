/**
 * Each job's state: what was transferred, one SQLite file per job (`sync/state/<job id>.db`),
 * a row per folder holding its entries (codec.ts). Changed only by a commit.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SqliteDatabase } from '../store';
import { openStateDb } from './db';

export class StateStore {
  private readonly open = new Map<string, SqliteDatabase>();

  constructor(private readonly dir: string) {}

  file(jobId: string): string {
    return join(this.dir, `${jobId}.db`);
  }

  db(jobId: string): SqliteDatabase {
    let db = this.open.get(jobId);
    if (!db) {
      db = openStateDb(this.file(jobId));
      this.open.set(jobId, db);
    }
    return db;
  }

  /**
   * Forgets what was transferred (the next run sends everything again) but keeps the files
   * past runs sent; a state that cannot be cleared (corrupt) is removed as a whole.
   */
  forget(jobId: string): void {
    let db: SqliteDatabase;
    try {
      db = this.db(jobId);
      db.exec('DELETE FROM dirs');
    } catch {
      this.reset(jobId);
      return;
    }
    try {
      db.exec('VACUUM');
    } catch {
      // busy (another process reads it): the space is reused by the next runs
    }
  }

  /** Removes the job's state file (what was transferred and the files its runs sent). */
  reset(jobId: string): void {
    const open = this.open.get(jobId);
    if (open) {
      open.close();
      this.open.delete(jobId);
    }
    const file = this.file(jobId);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  }

  /** Bytes of a job's state on disk (database, WAL included). */
  size(jobId: string): number {
    const file = this.file(jobId);
    let total = 0;
    for (const f of [file, `${file}-wal`]) total += statSync(f, { throwIfNoEntry: false })?.size ?? 0;
    return total;
  }

  closeAll(): void {
    for (const db of this.open.values()) db.close();
    this.open.clear();
  }
}
