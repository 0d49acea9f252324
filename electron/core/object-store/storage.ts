import type BetterSqlite3 from 'better-sqlite3';
import { openDatabase, type Migration, type SqliteDatabase } from '../store';

type Statement<P extends unknown[]> = BetterSqlite3.Statement<P>;

/** Where an endpoint keeps its blobs. Synchronous: both backends answer without I/O waits. */
export interface BlobStorage {
  readonly kind: 'memory' | 'sqlite';
  get(key: string): Uint8Array | undefined;
  set(key: string, blob: Uint8Array): void;
  exists(key: string): boolean;
  evict(key: string): void;
  stats(): StorageStats;
  close(): void;
}

export interface StorageStats {
  readonly objectCount: number;
  readonly totalBytes: number;
}

/** Blobs in a Map; gone when the process ends. */
export class MemoryStorage implements BlobStorage {
  readonly kind = 'memory' as const;
  private readonly data = new Map<string, Uint8Array>();
  private bytes = 0;

  get(key: string): Uint8Array | undefined {
    return this.data.get(key);
  }

  set(key: string, blob: Uint8Array): void {
    const old = this.data.get(key);
    if (old) this.bytes -= old.byteLength;
    // Copy: the caller may reuse its buffer.
    this.data.set(key, Uint8Array.prototype.slice.call(blob));
    this.bytes += blob.byteLength;
  }

  exists(key: string): boolean {
    return this.data.has(key);
  }

  evict(key: string): void {
    const old = this.data.get(key);
    if (!old) return;
    this.bytes -= old.byteLength;
    this.data.delete(key);
  }

  stats(): StorageStats {
    return { objectCount: this.data.size, totalBytes: this.bytes };
  }

  close(): void {
    this.data.clear();
    this.bytes = 0;
  }
}

/**
 * The `blobs` table has ProxyStore's SQLiteStorage schema (`key TEXT PRIMARY KEY, value BLOB NOT NULL`)
 * and `IF NOT EXISTS`, so a blobs.db written by Python ProxyStore opens here and the other way round.
 */
export const BLOB_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    up: (db) => {
      db.exec('CREATE TABLE IF NOT EXISTS blobs (key TEXT PRIMARY KEY, value BLOB NOT NULL)');
    },
  },
];

/** Blobs in a SQLite file (`blobs.db`); they survive restarts. */
export class SqliteStorage implements BlobStorage {
  readonly kind = 'sqlite' as const;
  readonly file: string;
  private readonly db: SqliteDatabase;
  private readonly stmts: {
    get: Statement<[string]>;
    set: Statement<[string, Buffer]>;
    exists: Statement<[string]>;
    evict: Statement<[string]>;
    stats: Statement<[]>;
  };

  constructor(file: string) {
    this.file = file;
    this.db = openDatabase(file, BLOB_MIGRATIONS);
    this.stmts = {
      get: this.db.prepare<[string]>('SELECT value FROM blobs WHERE key = ?'),
      set: this.db.prepare<[string, Buffer]>('INSERT OR REPLACE INTO blobs (key, value) VALUES (?, ?)'),
      exists: this.db.prepare<[string]>('SELECT 1 FROM blobs WHERE key = ?'),
      evict: this.db.prepare<[string]>('DELETE FROM blobs WHERE key = ?'),
      stats: this.db.prepare<[]>('SELECT count(*) AS n, coalesce(sum(length(value)), 0) AS bytes FROM blobs'),
    };
  }

  get(key: string): Uint8Array | undefined {
    const row = this.stmts.get.get(key) as { value: Buffer } | undefined;
    return row?.value;
  }

  set(key: string, blob: Uint8Array): void {
    this.stmts.set.run(key, Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength));
  }

  exists(key: string): boolean {
    return this.stmts.exists.get(key) !== undefined;
  }

  evict(key: string): void {
    this.stmts.evict.run(key);
  }

  stats(): StorageStats {
    const row = this.stmts.stats.get() as { n: number; bytes: number };
    return { objectCount: row.n, totalBytes: row.bytes };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Object count and size of a blobs.db that another process may be serving (read-only peek). */
export function peekSqliteStats(file: string): StorageStats {
  const storage = new SqliteStorage(file);
  try {
    return storage.stats();
  } finally {
    storage.close();
  }
}
