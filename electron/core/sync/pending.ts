/**
 * `pending_dirs`: everything a run found between its scan and its commit (per folder: what
 * changed, what is gone, what the scan saw of the state). Read in pages, in path order.
 */
import type { SqliteDatabase } from '../store';

export interface PendingRow {
  path: string;
  new_dir: number;
  empty: number;
  whole: number;
  files: number;
  bytes: number;
  changes: Buffer | null;
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

const PAGE = 64;

/** The next page of the run's pending folders after `after` (only those with changes, when asked). */
export function pendingPage(db: SqliteDatabase, runId: string, after: string | null, withChanges: boolean): PendingRow[] {
  const cond = withChanges ? 'AND changes IS NOT NULL' : '';
  return (
    after === null
      ? db.prepare(`SELECT * FROM pending_dirs WHERE run_id = ? ${cond} ORDER BY path LIMIT ?`).all(runId, PAGE)
      : db.prepare(`SELECT * FROM pending_dirs WHERE run_id = ? ${cond} AND path > ? ORDER BY path LIMIT ?`).all(runId, after, PAGE)
  ) as PendingRow[];
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
