/**
 * The emulator's own SQLite opening code (better-sqlite3, WAL) and a tiny migration runner. The
 * emulator stands in for Globus, so it keeps its storage to itself: nothing here comes from
 * electron/, which lets core's integration tests start the emulator without a folder cycle.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type EmulatorDatabase = Database.Database;

/** One schema step. `version` counts up from 1; each runs once, in a transaction. */
export interface EmulatorMigration {
  readonly version: number;
  readonly up: (db: EmulatorDatabase) => void;
}

/**
 * Opens (creating if needed) a SQLite file in WAL mode and brings its schema up to date; the
 * version lives in `PRAGMA user_version`. Pass ':memory:' for a throwaway database.
 */
export function openSqlite(file: string, migrations: readonly EmulatorMigration[]): EmulatorDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  try {
    migrate(db, file, migrations);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function migrate(db: EmulatorDatabase, file: string, migrations: readonly EmulatorMigration[]): void {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Emulator migrations must be numbered 1..n without gaps (got ${m.version} at ${i + 1})`);
  });
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > sorted.length) {
    throw new Error(`${file} was written by a newer Globus emulator (schema ${current}, this one knows ${sorted.length}); use another --root`);
  }
  for (const m of sorted) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
