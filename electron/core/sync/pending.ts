/**
 * `pending_dirs`: everything a run found between its scan and its commit (per folder: what
 * changed, what is gone, what the scan saw of the state). Read in pages, in path order.
 */
import type { SqliteDatabase } from '../store';

/** A folder of the run's pending record, without its changes (`pendingChanges` reads them). */
export interface PendingRow {
  path: string;
  new_dir: number;
  empty: number;
  whole: number;
  files: number;
  bytes: number;
  /** Whether the folder has changes (not the changes themselves). */
  has_changes: number;
  removed: Buffer | null;
  old_idx: Buffer | null;
  old_crc: number | null;
  mkdir_ok: number;
  /** 1: written before state format 3 (`removed`: names); 2: `fps`, `keep`, `gone`, `digests`. */
  fmt: number;
  fps: Buffer | null;
  keep: Buffer | null;
  gone: Buffer | null;
  digests: Buffer | null;
}

/** Folders per page read back by the commit (a page holds their fingerprints; 256 was no faster). */
const PAGE = 64;

/** What submitting needs of a folder with changes. */
export interface PendingChanges {
  path: string;
  whole: number;
  files: number;
  changes: Buffer;
}

interface Statement {
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
}

/** Every column but `changes`: the commit needs those only when a task failed. */
const ROW = 'path, new_dir, empty, whole, files, bytes, changes IS NOT NULL AS has_changes, removed, old_idx, old_crc, mkdir_ok, fmt, fps, keep, gone, digests';

/** The page queries of each database, prepared once (a tree of tiny folders asks thousands of pages). */
const queries = new WeakMap<SqliteDatabase, Record<'first' | 'next' | 'changesFirst' | 'changesNext' | 'changesOf', Statement>>();

function pageQueries(db: SqliteDatabase) {
  let q = queries.get(db);
  if (!q) {
    q = {
      first: db.prepare(`SELECT ${ROW} FROM pending_dirs WHERE run_id = ? ORDER BY path LIMIT ?`).raw(),
      next: db.prepare(`SELECT ${ROW} FROM pending_dirs WHERE run_id = ? AND path > ? ORDER BY path LIMIT ?`).raw(),
      changesFirst: db.prepare('SELECT path, whole, files, changes FROM pending_dirs WHERE run_id = ? AND changes IS NOT NULL ORDER BY path LIMIT ?'),
      changesNext: db.prepare('SELECT path, whole, files, changes FROM pending_dirs WHERE run_id = ? AND changes IS NOT NULL AND path > ? ORDER BY path LIMIT ?'),
      changesOf: db.prepare('SELECT changes FROM pending_dirs WHERE run_id = ? AND path = ?').pluck(),
    };
    queries.set(db, q);
  }
  return q;
}

/** The next page of the run's pending folders after `after`, in path order. */
export function pendingPage(db: SqliteDatabase, runId: string, after: string | null): PendingRow[] {
  const q = pageQueries(db);
  // rows as arrays (SQLite's driver builds an object per row far more slowly than this does)
  const rows = (after === null ? q.first.all(runId, PAGE) : q.next.all(runId, after, PAGE)) as unknown[][];
  return rows.map((r) => ({
    path: r[0] as string,
    new_dir: r[1] as number,
    empty: r[2] as number,
    whole: r[3] as number,
    files: r[4] as number,
    bytes: r[5] as number,
    has_changes: r[6] as number,
    removed: r[7] as Buffer | null,
    old_idx: r[8] as Buffer | null,
    old_crc: r[9] as number | null,
    mkdir_ok: r[10] as number,
    fmt: r[11] as number,
    fps: r[12] as Buffer | null,
    keep: r[13] as Buffer | null,
    gone: r[14] as Buffer | null,
    digests: r[15] as Buffer | null,
  }));
}

/** The next page of the run's pending folders with changes after `after`, in path order. */
export function pendingChangesPage(db: SqliteDatabase, runId: string, after: string | null): PendingChanges[] {
  const q = pageQueries(db);
  return (after === null ? q.changesFirst.all(runId, PAGE) : q.changesNext.all(runId, after, PAGE)) as PendingChanges[];
}

/** The changes of one pending folder, or null when it has none. */
export function pendingChanges(db: SqliteDatabase, runId: string, path: string): Buffer | null {
  return (pageQueries(db).changesOf.get(runId, path) as Buffer | null | undefined) ?? null;
}

export function dropPending(db: SqliteDatabase, runId: string): void {
  db.prepare('DELETE FROM pending_dirs WHERE run_id = ?').run(runId);
}

/** `base` + `/` + `rel` (rel comes from readdir: no `.`/`..`, no doubled slashes). */
export function joinPath(base: string, rel: string): string {
  if (rel === '') return base;
  return base.endsWith('/') ? base + rel : `${base}/${rel}`;
}

/** Directory rows strictly below `rel` (not `rel` itself): `rel/` .. `rel0` in byte order. */
export function subtreeRange(rel: string): [string, string] {
  return rel === '' ? ['', '\uffff'] : [`${rel}/`, `${rel}0`];
}
