/**
 * SQLite schema of the sync engine: `sync.db` keeps jobs, runs, their tasks, logs, pending
 * changes and locks; `state/<job id>.db` keeps one job's change-detection state (folder records
 * of fingerprints, in chunks: fingerprint.ts, folder-store.ts); `state/<job id>.runs.db` the
 * files each of its runs sent (run-files.ts).
 */
import { openDatabase, type Migration, type SqliteDatabase } from '../store';
import { codec } from './codec';
import { recordOfEntries } from './fingerprint';
import { FolderStore } from './folder-store';

/** The files each run sent (run-files.ts): per run, groups of folders with their encodings. */
const RUN_FILES_TABLE = `
  CREATE TABLE run_files (
    run_id TEXT NOT NULL,
    grp INTEGER NOT NULL,
    files INTEGER NOT NULL,
    folders BLOB NOT NULL,
    entries BLOB NOT NULL,
    PRIMARY KEY (run_id, grp)
  );
`;

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
  {
    // state format 3 (fingerprints): a pending folder carries its listing's fingerprints and digests
    version: 2,
    up: (db) => {
      db.exec(`
        ALTER TABLE pending_dirs ADD COLUMN fmt INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE pending_dirs ADD COLUMN fps BLOB;
        ALTER TABLE pending_dirs ADD COLUMN keep BLOB;
        ALTER TABLE pending_dirs ADD COLUMN gone BLOB;
        ALTER TABLE pending_dirs ADD COLUMN digests BLOB;
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
      db.exec(RUN_FILES_TABLE);
    },
  },
  {
    // format 3: folder records of fingerprints in chunks, converted from the rows of format 2 (so
    // an upgraded job does not send everything again); the run file lists move to their own file
    version: 3,
    up: (db) => {
      db.exec('CREATE TABLE chunks (first TEXT PRIMARY KEY, head BLOB NOT NULL, body BLOB NOT NULL) WITHOUT ROWID;');
      const store = new FolderStore(db);
      const page = db.prepare('SELECT path, entries FROM dirs WHERE path > ? ORDER BY path LIMIT 256');
      const first = db.prepare("SELECT entries FROM dirs WHERE path = ''").pluck().get() as Buffer | undefined;
      const convert = (path: string, blob: Buffer): void => {
        try {
          store.put(path, recordOfEntries(codec.decode(blob)));
        } catch {
          // a record that cannot be read: that folder is compared as new (sent again), not guessed
        }
      };
      if (first) convert('', first);
      let after = '';
      for (;;) {
        const rows = page.all(after) as { path: string; entries: Buffer }[];
        if (rows.length === 0) break;
        for (const r of rows) convert(r.path, r.entries);
        after = (rows[rows.length - 1] as { path: string }).path;
      }
      store.flush();
      db.exec('DROP TABLE dirs;');
    },
  },
];

/** `state/<job id>.runs.db`: the files each run of the job sent (run-files.ts). */
export const runsMigrations: readonly Migration[] = [
  {
    version: 1,
    up: (db) => {
      db.exec(RUN_FILES_TABLE);
    },
  },
];

/**
 * Page cache of each sync database, in KiB (SQLite's own default; better-sqlite3 raises it to
 * 16 MB per connection). A run reads and writes these files in path order, once each, and the
 * folder store keeps its own decoded chunks: a bigger cache only held pages of the pending record
 * and the run lists that are not read again (on a tree of 400,000 files, about 30 MB).
 */
const CACHE_KIB = 2048;

function openSmall(file: string, migrations: readonly Migration[]): SqliteDatabase {
  const db = openDatabase(file, migrations);
  db.pragma(`cache_size = -${CACHE_KIB}`);
  return db;
}

export function openRunsDb(file: string): SqliteDatabase {
  return openSmall(file, runsMigrations);
}

export function openSyncDb(file: string): SqliteDatabase {
  return openSmall(file, syncMigrations);
}

export function openStateDb(file: string): SqliteDatabase {
  return openSmall(file, stateMigrations);
}
