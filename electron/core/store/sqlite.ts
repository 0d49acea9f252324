import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ErrorKind } from '../../../shared/errors';

export type SqliteDatabase = Database.Database;

/** One schema step. `version` counts up from 1; each runs once, in a transaction. */
export interface Migration {
  readonly version: number;
  readonly up: (db: SqliteDatabase) => void;
}

export class SchemaTooNewError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind = 'refused';
  constructor(file: string, found: number, known: number) {
    super(
      `${file} was written by a newer Ferry (schema ${found}, this version knows ${known}). ` +
        'Update Ferry, or point it at another data folder.',
    );
    this.name = 'SchemaTooNewError';
  }
}

/**
 * Opens (creating if needed) a SQLite file in WAL mode and brings its schema up to date.
 * The schema version lives in `PRAGMA user_version`. Pass ':memory:' for a throwaway database.
 */
export function openDatabase(file: string, migrations: readonly Migration[]): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, file, migrations);
  return db;
}

function migrate(db: SqliteDatabase, file: string, migrations: readonly Migration[]): void {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migrations must be numbered 1..n without gaps (got ${m.version} at ${i + 1})`);
  });
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > sorted.length) throw new SchemaTooNewError(file, current, sorted.length);
  for (const m of sorted) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
