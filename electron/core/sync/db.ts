/**
 * SQLite schema of the sync engine: `sync.db` keeps jobs, runs, their tasks, logs, pending
 * changes and locks; `state/<job id>.db` keeps one job's directory state (one row per
 * directory, its children encoded by codec.ts) and the files each of its runs sent.
 */
import { openDatabase, type Migration, type SqliteDatabase } from '../store';

export const syncMigrations: readonly Migration[] = [
  {
    version: 1,
    up: (db) => {
      db.exec(`
        CREATE TABLE jobs (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          config TEXT NOT NULL,
          paused INTEGER NOT NULL DEFAULT 0,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        CREATE TABLE runs (
          id TEXT PRIMARY KEY,
          job_id TEXT NOT NULL,
          job_name TEXT NOT NULL,
          status TEXT NOT NULL,
          trigger TEXT NOT NULL,
          label TEXT,
          started_at TEXT NOT NULL,
          ended_at TEXT,
          max_items INTEGER NOT NULL,
          stats TEXT NOT NULL,
          message TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX runs_by_job ON runs (job_id, started_at);
        CREATE INDEX runs_by_status ON runs (status);
        CREATE TABLE run_tasks (
          run_id TEXT NOT NULL,
          chunk INTEGER NOT NULL,
          submission_id TEXT NOT NULL,
          task_id TEXT,
          items INTEGER NOT NULL,
          status TEXT NOT NULL,
          error TEXT,
          PRIMARY KEY (run_id, chunk)
        );
        CREATE TABLE pending_dirs (
          run_id TEXT NOT NULL,
          path TEXT NOT NULL,
          new_dir INTEGER NOT NULL,
          empty INTEGER NOT NULL,
          whole INTEGER NOT NULL DEFAULT 0,
          files INTEGER NOT NULL,
          bytes INTEGER NOT NULL,
          changes BLOB,
          removed BLOB,
          old_idx BLOB,
          old_crc INTEGER,
          mkdir_ok INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (run_id, path)
        );
        CREATE TABLE run_log (
          run_id TEXT NOT NULL,
          seq INTEGER NOT NULL,
          line TEXT NOT NULL,
          PRIMARY KEY (run_id, seq)
        );
        CREATE TABLE locks (
          job_id TEXT PRIMARY KEY,
          pid INTEGER NOT NULL,
          host TEXT NOT NULL,
          proc_start TEXT,
          token TEXT NOT NULL,
          acquired_at TEXT NOT NULL
        );
      `);
    },
  },
];

export const stateMigrations: readonly Migration[] = [
  {
    version: 1,
    up: (db) => {
      db.exec(`CREATE TABLE dirs (path TEXT PRIMARY KEY, entries BLOB NOT NULL);`);
    },
  },
  {
    // the files each run sent (run-files.ts): per run, groups of folders in path order, each
    // with a header (paths front-coded, where each folder's items went) and the scan's encodings
    version: 2,
    up: (db) => {
      db.exec(`
        CREATE TABLE run_files (
          run_id TEXT NOT NULL,
          grp INTEGER NOT NULL,
          files INTEGER NOT NULL,
          folders BLOB NOT NULL,
          entries BLOB NOT NULL,
          PRIMARY KEY (run_id, grp)
        );
      `);
    },
  },
];

export function openSyncDb(file: string): SqliteDatabase {
  return openDatabase(file, syncMigrations);
}

export function openStateDb(file: string): SqliteDatabase {
  return openDatabase(file, stateMigrations);
}
