/**
 * The files each run sent (path, size, mtime, task id), kept in the job's state database
 * (`run_files`). Compact by construction:
 * - a folder's files are the very encoding the scan made of what changed in it (codec.ts: names
 *   front-coded, numbers delta-coded, deflated): recording costs no re-encoding;
 * - folders go in groups (a page of the run's pending record, up to 64 folders) per row: their
 *   paths front-coded in one small deflated header, their encodings one after another, so a
 *   tree of many tiny folders does not pay a database row (and key) per folder;
 * - which task carried a file is not stored per file: it follows from the file's place in the
 *   run's transfer (the item index of its folder's first item) and the run's max items per task.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { SyncRunFile, SyncRunFilesPage, SyncRunFilesQuery } from '../../../shared/contract/syncs';
import type { SqliteDatabase } from '../store';
import { codec } from './codec';
import type { SyncRuntime } from './runtime';

/** One folder's part of a run's transfer, as submitRun walks it. */
export interface RunFilesRow {
  readonly path: string;
  /** Index, in the run's transfer, of the first item of this folder. */
  readonly firstItem: number;
  /** The folder went as one recursive item: all its files in the task of `firstItem`. */
  readonly whole: boolean;
  /** Files (not folders) in `entries`. */
  readonly files: number;
  /** The scan's encoding of what changed in the folder (folders among them are skipped when read). */
  readonly entries: Uint8Array;
}

/** A folder of a group, as read back: where its encoding sits in the group's `entries`. */
interface Folder {
  readonly path: string;
  readonly firstItem: number;
  readonly whole: boolean;
  readonly files: number;
  readonly start: number;
  readonly end: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function varint(out: number[], value: number): void {
  let v = value;
  while (v >= 128) {
    out.push((v % 128) + 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** Header of a group: n, then per folder its path (bytes front-coded), first item, files*2+whole, encoding length. */
function encodeFolders(rows: readonly RunFilesRow[]): Buffer {
  const out: number[] = [];
  varint(out, rows.length);
  let prev: Uint8Array = new Uint8Array(0);
  for (const r of rows) {
    const bytes = encoder.encode(r.path);
    let p = 0;
    while (p < prev.length && p < bytes.length && prev[p] === bytes[p]) p++;
    varint(out, p);
    varint(out, bytes.length - p);
    for (let i = p; i < bytes.length; i++) out.push(bytes[i] as number);
    varint(out, r.firstItem);
    varint(out, r.files * 2 + (r.whole ? 1 : 0));
    varint(out, r.entries.length);
    prev = bytes;
  }
  return deflateRawSync(Uint8Array.from(out));
}

function decodeFolders(blob: Uint8Array): Folder[] {
  const buf = inflateRawSync(blob);
  let pos = 0;
  const next = (): number => {
    let result = 0;
    let mul = 1;
    for (;;) {
      if (pos >= buf.length) throw new Error('sync state: truncated run file list');
      const b = buf[pos++] as number;
      result += (b & 127) * mul;
      if (b < 128) return result;
      mul *= 128;
    }
  };
  const n = next();
  const folders: Folder[] = [];
  let prev: Uint8Array = new Uint8Array(0);
  let start = 0;
  for (let i = 0; i < n; i++) {
    const p = next();
    const len = next();
    const bytes = new Uint8Array(p + len);
    bytes.set(prev.subarray(0, p));
    bytes.set(buf.subarray(pos, pos + len), p);
    pos += len;
    const firstItem = next();
    const fw = next();
    const size = next();
    folders.push({ path: decoder.decode(bytes), firstItem, whole: fw % 2 === 1, files: Math.floor(fw / 2), start, end: start + size });
    start += size;
    prev = bytes;
  }
  return folders;
}

/**
 * Records one group of a run's folders (a page of its pending record). Idempotent: a resumed
 * submission walks the same pages in the same order and writes the same groups.
 */
const inserts = new WeakMap<SqliteDatabase, { run(...params: unknown[]): unknown }>();

/**
 * Records groups of the files a run sent (each group: the folders of one page, in path order),
 * in one transaction (a first run on 200,000 tiny folders writes 3,125 groups: a commit each cost
 * a third of its submit).
 */
export function recordRunFiles(state: SqliteDatabase, runId: string, groups: readonly { readonly group: number; readonly rows: readonly RunFilesRow[] }[]): void {
  if (groups.length === 0) return;
  let insert = inserts.get(state);
  if (!insert) {
    insert = state.prepare('INSERT OR REPLACE INTO run_files (run_id, grp, files, folders, entries) VALUES (?, ?, ?, ?, ?)');
    inserts.set(state, insert);
  }
  const write = insert;
  state.transaction(() => {
    for (const { group, rows } of groups) {
      if (rows.length === 0) continue;
      const files = rows.reduce((a, r) => a + r.files, 0);
      write.run(runId, group, files, encodeFolders(rows), Buffer.concat(rows.map((r) => r.entries)));
    }
  })();
}

export function dropRunFiles(state: SqliteDatabase, runIds: readonly string[]): void {
  if (runIds.length === 0) return;
  const drop = state.prepare('DELETE FROM run_files WHERE run_id = ?');
  state.transaction(() => {
    for (const id of runIds) drop.run(id);
  })();
}

/** Which task each item index of a run went in. */
interface Tasks {
  /** Task id of the item at `index`, or null when that part was never accepted by Globus. */
  of(index: number): string | null;
  /** Files of `f` that a task carried. */
  sent(f: Folder): number;
}

function tasksOf(rt: SyncRuntime, runId: string): Tasks {
  const max = Math.max(1, (rt.db.prepare('SELECT max_items FROM runs WHERE id = ?').pluck().get(runId) as number | undefined) ?? 1);
  const ids = new Map<number, string>();
  for (const t of rt.runs.tasks(runId)) if (t.task_id) ids.set(t.chunk, t.task_id);
  const of = (index: number): string | null => ids.get(Math.floor(index / max)) ?? null;
  return {
    of,
    sent(f) {
      if (f.whole) return of(f.firstItem) !== null ? f.files : 0;
      let n = 0;
      for (let i = f.firstItem; i < f.firstItem + f.files; ) {
        const step = Math.min((Math.floor(i / max) + 1) * max, f.firstItem + f.files) - i;
        if (of(i) !== null) n += step;
        i += step;
      }
      return n;
    },
  };
}

/** The files of one folder that a task carried. */
function folderFiles(tasks: Tasks, f: Folder, entries: Uint8Array, each: (file: SyncRunFile, mtimeUs: number) => void): void {
  const e = codec.decode(entries.subarray(f.start, f.end));
  const dir = f.path === '' ? '' : `${f.path}/`;
  let k = 0;
  for (let i = 0; i < e.names.length; i++) {
    if (e.kinds[i] === 2) continue;
    const taskId = tasks.of(f.whole ? f.firstItem : f.firstItem + k);
    k++;
    if (taskId === null) continue;
    const us = e.mtimes[i] as number;
    each({ path: dir + (e.names[i] as string), size: e.sizes[i] as number, mtime: new Date(us / 1000).toISOString(), taskId }, us);
  }
}

type GroupRow = { folders: Buffer; entries: Buffer };

function groups(rt: SyncRuntime, runId: string, jobId: string): IterableIterator<GroupRow> {
  return rt.state.runsDb(jobId).prepare('SELECT folders, entries FROM run_files WHERE run_id = ? ORDER BY grp').iterate(runId) as IterableIterator<GroupRow>;
}

/**
 * Calls `each` for every file the run sent whose path contains `search` (any case), folder by
 * folder in path order; stops early when `each` returns false. Memory: one group at a time.
 * `mtimeUs` is the mtime as the scan recorded it (microseconds, as `Math.round(stat.mtimeMs * 1000)`).
 */
export function forEachRunFile(rt: SyncRuntime, runId: string, jobId: string, search: string | null, each: (f: SyncRunFile, mtimeUs: number) => boolean | void): void {
  const tasks = tasksOf(rt, runId);
  const needle = search ? search.toLowerCase() : null;
  let stop = false;
  for (const g of groups(rt, runId, jobId)) {
    for (const f of decodeFolders(g.folders)) {
      folderFiles(tasks, f, g.entries, (file, us) => {
        if (stop || (needle !== null && !file.path.toLowerCase().includes(needle))) return;
        if (each(file, us) === false) stop = true;
      });
      if (stop) break;
    }
    if (stop) break; // ends the statement's iteration
  }
}

/** One page of the files a run sent (of those matching the search, if any). */
export function runFilesPage(rt: SyncRuntime, runId: string, jobId: string, query: SyncRunFilesQuery): SyncRunFilesPage {
  const tasks = tasksOf(rt, runId);
  const search = query.search?.trim() ? query.search.trim() : null;
  const end = query.offset + query.limit;
  const files: SyncRunFile[] = [];
  let sent = 0;
  let matching = 0;
  if (search !== null) {
    const needle = search.toLowerCase();
    for (const g of groups(rt, runId, jobId)) {
      for (const f of decodeFolders(g.folders)) {
        sent += tasks.sent(f);
        folderFiles(tasks, f, g.entries, (file) => {
          if (!file.path.toLowerCase().includes(needle)) return;
          if (matching >= query.offset && matching < end) files.push(file);
          matching++;
        });
      }
    }
    return { runId, sent, total: matching, offset: query.offset, files };
  }
  // no search: the headers say how many files each folder sent; only the page's folders are decoded
  const state = rt.state.runsDb(jobId);
  const heads = state.prepare('SELECT grp, folders FROM run_files WHERE run_id = ? ORDER BY grp').iterate(runId) as IterableIterator<{ grp: number; folders: Buffer }>;
  const entriesOf = state.prepare('SELECT entries FROM run_files WHERE run_id = ? AND grp = ?').pluck();
  for (const g of heads) {
    let entries: Buffer | null = null;
    for (const f of decodeFolders(g.folders)) {
      const count = tasks.sent(f);
      if (count > 0 && sent + count > query.offset && sent < end) {
        entries ??= entriesOf.get(runId, g.grp) as Buffer;
        let k = sent;
        folderFiles(tasks, f, entries, (file) => {
          if (k >= query.offset && k < end) files.push(file);
          k++;
        });
      }
      sent += count;
    }
  }
  return { runId, sent, total: sent, offset: query.offset, files };
}
