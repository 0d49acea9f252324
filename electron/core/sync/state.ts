/**
 * Each job's state: what was transferred, one SQLite file per job (`sync/state/<job id>.db`:
 * folder records of fingerprints in chunks, fingerprint.ts and folder-store.ts), changed only by
 * a commit; and the files each of its runs sent (`sync/state/<job id>.runs.db`, run-files.ts).
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SqliteDatabase } from '../store';
import { openRunsDb, openStateDb } from './db';
import { FolderStore } from './folder-store';

export class StateStore {
  private readonly open = new Map<string, SqliteDatabase>();
  private readonly openRuns = new Map<string, SqliteDatabase>();

  constructor(private readonly dir: string) {}

  file(jobId: string): string {
    return join(this.dir, `${jobId}.db`);
  }

  runsFile(jobId: string): string {
    return join(this.dir, `${jobId}.runs.db`);
  }

  db(jobId: string): SqliteDatabase {
    let db = this.open.get(jobId);
    if (!db) {
      db = openStateDb(this.file(jobId));
      this.open.set(jobId, db);
      this.upgraded(jobId, db);
      if (db.pragma('auto_vacuum', { simple: true }) !== 2) {
        // free pages are returned to the disk after each commit (chunks are rewritten whole)
        try {
          db.pragma('auto_vacuum = INCREMENTAL');
          db.exec('VACUUM');
        } catch {
          // busy: tried again next time the state is opened
        }
      }
    }
    return db;
  }

  /** The job's folder records, through a small cache of chunks (one per scan or commit). */
  folders(jobId: string): FolderStore {
    return new FolderStore(this.db(jobId));
  }

  /** The database of the files the job's runs sent. */
  runsDb(jobId: string): SqliteDatabase {
    let db = this.openRuns.get(jobId);
    if (!db) {
      db = openRunsDb(this.runsFile(jobId));
      this.openRuns.set(jobId, db);
    }
    return db;
  }

  /**
   * After an upgrade from format 2: the run file lists the state file kept move to their own
   * file, and the space the old rows took is given back.
   */
  private upgraded(jobId: string, db: SqliteDatabase): void {
    const legacy = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'run_files'").pluck().get();
    if (!legacy) return;
    const runs = this.runsDb(jobId);
    const page = db.prepare('SELECT run_id, grp, files, folders, entries FROM run_files WHERE run_id > ? OR (run_id = ? AND grp > ?) ORDER BY run_id, grp LIMIT 64');
    const put = runs.prepare('INSERT OR REPLACE INTO run_files (run_id, grp, files, folders, entries) VALUES (?, ?, ?, ?, ?)');
    let run = '';
    let grp = -1;
    for (;;) {
      const rows = page.all(run, run, grp) as { run_id: string; grp: number; files: number; folders: Buffer; entries: Buffer }[];
      if (rows.length === 0) break;
      runs.transaction(() => {
        for (const r of rows) put.run(r.run_id, r.grp, r.files, r.folders, r.entries);
      })();
      const last = rows[rows.length - 1] as { run_id: string; grp: number };
      run = last.run_id;
      grp = last.grp;
    }
    db.exec('DROP TABLE run_files');
    try {
      db.pragma('auto_vacuum = INCREMENTAL');
      db.exec('VACUUM');
    } catch {
      // busy: the space is reused by the next commits
    }
  }

  /**
   * Forgets what was transferred (the next run sends everything again) but keeps the files
   * past runs sent; a state that cannot be cleared (corrupt) is removed as a whole.
   */
  forget(jobId: string): void {
    let db: SqliteDatabase;
    try {
      db = this.db(jobId);
      db.exec('DELETE FROM chunks');
    } catch {
      this.reset(jobId, false);
      return;
    }
    try {
      db.exec('VACUUM');
    } catch {
      // busy (another process reads it): the space is reused by the next runs
    }
  }

  /** Removes the job's state (what was transferred) and, unless told not to, the files its runs sent. */
  reset(jobId: string, withRuns = true): void {
    const files = [this.file(jobId)];
    if (withRuns) files.push(this.runsFile(jobId));
    for (const [map, file] of [
      [this.open, this.file(jobId)],
      [this.openRuns, this.runsFile(jobId)],
    ] as const) {
      if (!files.includes(file)) continue;
      const open = map.get(jobId);
      if (open) {
        open.close();
        map.delete(jobId);
      }
    }
    for (const file of files) for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  }

  /** Bytes of a job's change-detection state on disk (database, WAL included). */
  size(jobId: string): number {
    return bytesOf(this.file(jobId));
  }

  /** Bytes of the lists of the files a job's runs sent (database, WAL included). */
  runsSize(jobId: string): number {
    return bytesOf(this.runsFile(jobId));
  }

  closeAll(): void {
    for (const db of this.open.values()) db.close();
    for (const db of this.openRuns.values()) db.close();
    this.open.clear();
    this.openRuns.clear();
  }
}

function bytesOf(file: string): number {
  let total = 0;
  for (const f of [file, `${file}-wal`]) total += statSync(f, { throwIfNoEntry: false })?.size ?? 0;
  return total;
}
