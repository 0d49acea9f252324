/**
 * The task engine: copies (or deletes) bytes between collection roots asynchronously, with the
 * queueing, retry, deadline and bookkeeping behaviour of Globus Transfer.
 *
 * - At most 3 transfer and 3 delete tasks per user run at once; the others stay ACTIVE with
 *   nice_status "Queued".
 * - A file that fails (injected fault, or a missing source) is a *fault*: an error event is written,
 *   `faults` grows, nice_status shows the error code, the task stays ACTIVE and retries the file
 *   every `retryIntervalMs` until it succeeds or the deadline passes (then FAILED, fatal_error
 *   DEADLINE_EXPIRED). With skip_source_errors, PERMISSION_DENIED/FILE_NOT_FOUND are skipped and
 *   recorded in skipped_errors instead.
 * - A stalled task keeps its slot and makes no progress; an INACTIVE task leaves its slot and
 *   resumes (skipping files already done) when reactivated. A restart resumes ACTIVE tasks the same way.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, open, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FaultState, FileErrorCode } from './faults';
import { skippableErrorCodes } from './faults';
import { diskPath, joinGlobusPath, lstatOrNull, md5File, normalizeGlobusPath, statOrNull, walkTree } from './fs-ops';
import { sleep } from './http-util';
import { RUNNING_TASKS_PER_USER } from './constants';
import { assertNever } from '../../shared/assert-never';
import type { CollectionRow, TaskRow, TaskStore, TransferItemRow } from './state';

export interface EngineOptions {
  readonly store: TaskStore;
  readonly faults: FaultState;
  readonly collection: (id: string) => CollectionRow | undefined;
  /** Bytes per second per running task; null = as fast as the disk goes. */
  readonly bandwidth: () => number | null;
  readonly retryIntervalMs: () => number;
}

interface Running {
  readonly row: TaskRow;
  readonly abort: AbortController;
  done: Promise<void>;
  lastFlush: number;
  /** successful_transfers rows not yet written (written in batches with the counters). */
  successes: [string | null, string][];
  /** Destination folders known to exist. */
  readonly dirs: Set<string>;
  /** Bandwidth window shared by the task's concurrent files. */
  windowStart: number;
  windowBytes: number;
}

type Unit =
  | {
      readonly kind: 'item';
      readonly src: string;
      readonly dst: string;
      readonly recursive: boolean;
      readonly rules: readonly FilterRule[];
      readonly deleteExtra: boolean;
    }
  | { readonly kind: 'file'; readonly src: string; readonly dst: string }
  | { readonly kind: 'delete'; readonly path: string };

type Outcome = { readonly ok: true; readonly expanded?: readonly Unit[] } | { readonly ok: false; readonly code: string; readonly details: string };

class Aborted extends Error {}

/** One of Globus' `filter_rules`: an fnmatch glob on a name, for files, folders or both (`type` absent). */
export interface FilterRule {
  readonly method: 'include' | 'exclude';
  readonly name: string;
  readonly type?: 'file' | 'dir';
}

/**
 * A transfer item as the engine stores it: the task-level options the task row has no column for
 * (`filter_rules`, `delete_destination_extra`, `fail_on_quota_errors`, `encrypt_data`) travel with
 * each item, so the task document can read them back from `items`.
 */
export interface EngineTransferItem extends TransferItemRow {
  readonly filter_rules?: readonly FilterRule[];
  readonly delete_destination_extra?: boolean;
  readonly fail_on_quota_errors?: boolean;
  /** Accepted and kept for the task document; the emulator's copies are local, so nothing to encrypt. */
  readonly encrypt_data?: boolean;
}

/** An fnmatch glob (`*`, `?`, `[...]`, `[!...]`) as a whole-name regular expression. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        out += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 's');
}

/**
 * Whether Globus transfers an entry found below a recursive item: the rules are tried in order on
 * the entry's name; the first whose `type` fits and whose glob matches decides; none matches:
 * included. An excluded folder is not descended into.
 */
export function passesFilter(rules: readonly FilterRule[], name: string, type: 'file' | 'dir'): boolean {
  for (const rule of rules) {
    if (rule.type !== undefined && rule.type !== type) continue;
    if (globToRegExp(rule.name).test(name)) return rule.method === 'include';
  }
  return true;
}

/** A walked tree without what the rules exclude (and without anything below an excluded folder). */
function filterTree<T extends { readonly rel: string; readonly isDir: boolean }>(tree: readonly T[], rules: readonly FilterRule[]): T[] {
  if (rules.length === 0) return [...tree];
  const out: T[] = [];
  const dropped: string[] = [];
  for (const entry of tree) {
    if (dropped.some((d) => entry.rel.startsWith(`${d}/`))) continue;
    const name = entry.rel.slice(entry.rel.lastIndexOf('/') + 1);
    if (passesFilter(rules, name, entry.isDir ? 'dir' : 'file')) out.push(entry);
    else if (entry.isDir) dropped.push(entry.rel);
  }
  return out;
}

const FLUSH_INTERVAL_MS = 200;
/** Below this size a file is copied with one read and one write (cheaper than copyFile). */
const SMALL_FILE_BYTES = 256 * 1024;
/** Files a running task copies at once (Globus' "concurrency"). */
const FILE_CONCURRENCY = 4;

/** Recomputes the derived subtask counter. */
function derive(row: TaskRow): void {
  row.subtasks_pending = Math.max(
    0,
    row.subtasks_total - row.subtasks_succeeded - row.subtasks_failed - row.subtasks_canceled - row.subtasks_expired - row.subtasks_skipped_errors,
  );
}

export class TaskEngine {
  private readonly running = new Map<string, Running>();
  /** Every unfinished task (ACTIVE or INACTIVE) by id: at most 100 per user. */
  private readonly unfinished = new Map<string, TaskRow>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly opts: EngineOptions) {
    for (const row of opts.store.unfinished()) this.unfinished.set(row.task_id, row);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), 100);
    this.tick();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    const pending = [...this.running.values()];
    for (const r of pending) r.abort.abort();
    await Promise.all(pending.map((r) => r.done));
    for (const r of pending) this.write(r);
  }

  private runningOf(row: TaskRow): Running | undefined {
    return this.running.get(row.task_id);
  }

  runningCount(): number {
    return this.running.size;
  }

  /** The live row of an unfinished task (fresher than the database while it runs). */
  live(taskId: string): TaskRow | undefined {
    return this.unfinished.get(taskId);
  }

  /** Writes every running task's counters so database reads (task_list) are current. */
  flush(): void {
    for (const r of this.running.values()) this.write(r);
  }

  private write(r: Running): void {
    const successes = r.successes;
    r.successes = [];
    this.opts.store.transaction(() => {
      for (const [src, dst] of successes) this.opts.store.addSuccess(r.row.task_id, src, dst);
      this.opts.store.update(r.row);
    });
    r.lastFlush = Date.now();
  }

  submit(row: TaskRow): void {
    derive(row);
    this.opts.store.insert(row);
    this.unfinished.set(row.task_id, row);
    this.schedule();
  }

  /** `Canceled`, or `TaskComplete` when the task had already ended. */
  cancel(row: TaskRow): 'Canceled' | 'TaskComplete' {
    const live = this.unfinished.get(row.task_id);
    if (!live) return 'TaskComplete';
    this.stop(live);
    live.subtasks_canceled += live.subtasks_pending;
    this.finish(live, 'FAILED', { code: 'CANCELED', description: 'canceled' });
    this.opts.store.addEvent(live.task_id, 'CANCELED', false, 'canceled', 'The task was canceled by the user');
    this.schedule();
    return 'Canceled';
  }

  setStalled(taskId: string, stalled: boolean): TaskRow | undefined {
    const live = this.unfinished.get(taskId);
    if (!live) return undefined;
    live.stalled = stalled ? 1 : 0;
    this.opts.store.update(live);
    return live;
  }

  setInactive(taskId: string, inactive: boolean, reason: string): TaskRow | undefined {
    const live = this.unfinished.get(taskId);
    if (!live) return undefined;
    if (inactive) {
      this.stop(live);
      live.inactive = 1;
      live.status = 'INACTIVE';
      live.nice_status = null;
      this.opts.store.addEvent(taskId, 'PAUSED', true, 'paused', reason);
    } else {
      live.inactive = 0;
      live.status = 'ACTIVE';
      this.opts.store.addEvent(taskId, 'RESUMED', false, 'resumed', 'The task was reactivated');
    }
    this.opts.store.update(live);
    this.schedule();
    return live;
  }

  /** Un-stalls and reactivates every task (control reset). */
  releaseAll(): void {
    for (const row of this.unfinished.values()) {
      row.stalled = 0;
      if (row.inactive) this.setInactive(row.task_id, false, '');
      else this.opts.store.update(row);
    }
  }

  private tick(): void {
    if (this.closed) return;
    const now = Date.now();
    for (const row of [...this.unfinished.values()]) {
      if (now >= row.deadline) this.expire(row);
    }
    this.schedule();
    for (const r of this.running.values()) {
      if (now - r.lastFlush >= FLUSH_INTERVAL_MS) this.write(r);
    }
  }

  private expire(row: TaskRow): void {
    this.stop(row);
    row.subtasks_expired += row.subtasks_pending;
    this.finish(row, 'FAILED', { code: 'DEADLINE_EXPIRED', description: 'deadline expired' });
    this.opts.store.addEvent(row.task_id, 'DEADLINE_EXPIRED', true, 'deadline expired', 'The task deadline passed before it completed');
  }

  private stop(row: TaskRow): void {
    const r = this.running.get(row.task_id);
    if (r) {
      r.abort.abort();
      this.running.delete(row.task_id);
      this.write(r);
    }
  }

  private finish(row: TaskRow, status: 'SUCCEEDED' | 'FAILED', fatal: { code: string; description: string } | null): void {
    row.status = status;
    row.completion_time = Date.now();
    row.nice_status = null;
    row.fatal_error = fatal ? JSON.stringify(fatal) : null;
    row.subtasks_retrying = 0;
    derive(row);
    this.unfinished.delete(row.task_id);
    this.running.delete(row.task_id);
    this.opts.store.update(row);
  }

  private schedule(): void {
    if (this.closed) return;
    const busy = new Map<string, number>();
    for (const r of this.running.values()) {
      const key = `${r.row.owner_id}\0${r.row.type}`;
      busy.set(key, (busy.get(key) ?? 0) + 1);
    }
    const waiting = [...this.unfinished.values()]
      .filter((row) => row.status === 'ACTIVE' && !this.running.has(row.task_id))
      .sort((a, b) => a.request_time - b.request_time);
    for (const row of waiting) {
      const key = `${row.owner_id}\0${row.type}`;
      const n = busy.get(key) ?? 0;
      if (n < RUNNING_TASKS_PER_USER) {
        busy.set(key, n + 1);
        this.launch(row);
      } else if (row.nice_status !== 'Queued' && row.faults === 0) {
        row.nice_status = 'Queued';
        this.opts.store.update(row);
      }
    }
  }

  private launch(row: TaskRow): void {
    const abort = new AbortController();
    const r: Running = { row, abort, done: Promise.resolve(), lastFlush: Date.now(), successes: [], dirs: new Set(), windowStart: Date.now(), windowBytes: 0 };
    this.running.set(row.task_id, r);
    if (row.faults === 0) row.nice_status = 'OK';
    if (row.subtasks_total === 0 && row.files_transferred === 0) {
      this.opts.store.addEvent(row.task_id, 'STARTED', false, 'started', `Starting ${row.type.toLowerCase()} task`);
    }
    this.opts.store.update(row);
    r.done = this.run(r).catch((error: unknown) => {
      if (error instanceof Aborted || abort.signal.aborted) return;
      // An unexpected error is a fault like any other: record it; the scheduler starts the task again.
      row.faults += 1;
      this.opts.store.addEvent(row.task_id, 'GENERAL_ERROR', true, 'error', String(error));
      this.running.delete(row.task_id);
      this.write(r);
    });
  }

  private async run(r: Running): Promise<void> {
    const row = r.row;
    const signal = r.abort.signal;
    const done = this.opts.store.successKeys(row.task_id);
    // Counters describing the plan are rebuilt on every (re)start; progress counters persist.
    row.files = 0;
    row.directories = 0;
    row.subtasks_total = row.subtasks_succeeded + row.subtasks_skipped_errors;
    let queue: Unit[] =
      row.type === 'TRANSFER'
        ? (JSON.parse(row.items) as EngineTransferItem[]).map((i) => ({
            kind: 'item',
            src: i.source_path,
            dst: i.destination_path,
            recursive: i.recursive,
            rules: i.filter_rules ?? [],
            deleteExtra: i.delete_destination_extra === true,
          }))
        : (JSON.parse(row.items) as string[]).map((path) => ({ kind: 'delete', path }));
    if (row.type === 'DELETE') row.subtasks_total = queue.length;
    const failOnQuota = row.type === 'TRANSFER' && (JSON.parse(row.items) as EngineTransferItem[]).some((i) => i.fail_on_quota_errors === true);
    derive(row);
    /** An error that ends the task at once (no retry until the deadline). */
    let fatal: { code: string; description: string } | null = null;

    while (queue.length > 0) {
      const failed: Unit[] = [];
      r.windowStart = Date.now();
      r.windowBytes = 0;
      const handle = (unit: Unit, outcome: Outcome): void => {
        if (outcome.ok) return;
        row.faults += 1;
        row.nice_status = outcome.code;
        const paths = unitPaths(unit);
        this.opts.store.addEvent(row.task_id, outcome.code, true, outcome.code.toLowerCase().replace(/_/g, ' '), outcome.details);
        // A delete of a path that is not there (without ignore_missing) fails the task; so does a
        // quota error when the transfer asked for fail_on_quota_errors.
        if ((unit.kind === 'delete' && outcome.code === 'FILE_NOT_FOUND') || (failOnQuota && outcome.code === 'QUOTA_EXCEEDED')) {
          row.subtasks_failed += 1;
          fatal ??= { code: outcome.code, description: outcome.details };
          return;
        }
        if (row.skip_source_errors && skippableErrorCodes.has(outcome.code) && unit.kind !== 'delete') {
          this.opts.store.addSkipped(row.task_id, paths.src, paths.dst, outcome.code, outcome.details, unit.kind === 'item' && unit.recursive);
          if (unit.kind === 'item') row.subtasks_total += 1;
          row.subtasks_skipped_errors += 1;
          derive(row);
          return;
        }
        failed.push(unit);
      };
      // Items are expanded (and deletes run) one at a time; the files they yield are copied
      // FILE_CONCURRENCY at a time.
      const files: Unit[] = queue.filter((u) => u.kind === 'file');
      for (const unit of queue.filter((u) => u.kind !== 'file')) {
        await this.hold(r);
        const outcome = await this.process(r, unit, done);
        if (signal.aborted) throw new Aborted();
        if (outcome.ok && outcome.expanded) files.push(...outcome.expanded);
        handle(unit, outcome);
      }
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < files.length) {
          const unit = files[next++];
          if (!unit) continue;
          await this.hold(r);
          const outcome = await this.process(r, unit, done);
          if (signal.aborted) throw new Aborted();
          handle(unit, outcome);
        }
      };
      await Promise.all(Array.from({ length: Math.min(FILE_CONCURRENCY, files.length) }, worker));
      if (fatal) {
        this.write(r);
        this.finish(row, 'FAILED', fatal);
        this.schedule();
        return;
      }
      queue = failed;
      row.subtasks_retrying = failed.length;
      derive(row);
      this.write(r);
      if (failed.length > 0) {
        await sleep(this.opts.retryIntervalMs(), signal);
        if (signal.aborted) throw new Aborted();
        row.subtasks_retrying = 0;
      }
    }
    if (signal.aborted) throw new Aborted();
    this.write(r);
    this.finish(row, 'SUCCEEDED', null);
    this.opts.store.addEvent(row.task_id, 'SUCCEEDED', false, 'succeeded', `Task completed: ${row.files_transferred} files transferred, ${row.files_skipped} skipped`);
    this.schedule();
  }

  /** Waits while the task is stalled (no progress, slot kept). */
  private async hold(r: Running): Promise<void> {
    while (r.row.stalled && !r.abort.signal.aborted) await sleep(50, r.abort.signal);
    if (r.abort.signal.aborted) throw new Aborted();
  }

  private async process(r: Running, unit: Unit, done: Set<string>): Promise<Outcome> {
    const row = r.row;
    switch (unit.kind) {
      case 'item':
        return this.expandItem(r, unit, done);
      case 'file':
        return this.transferFile(r, unit.src, unit.dst);
      case 'delete':
        return this.deletePath(row, unit.path);
      default:
        return assertNever(unit, 'work unit');
    }
  }

  private collections(row: TaskRow): { src: CollectionRow; dst: CollectionRow } | null {
    const src = row.source_endpoint_id ? this.opts.collection(row.source_endpoint_id) : undefined;
    const dst = row.destination_endpoint_id ? this.opts.collection(row.destination_endpoint_id) : undefined;
    return src && dst ? { src, dst } : null;
  }

  private async expandItem(r: Running, unit: Extract<Unit, { kind: 'item' }>, done: Set<string>): Promise<Outcome> {
    const row = r.row;
    const cols = this.collections(row);
    if (!cols) return { ok: false, code: 'ENDPOINT_ERROR', details: 'Collection no longer exists' };
    const srcDisk = diskPath(cols.src.root, unit.src);
    const s = await statOrNull(srcDisk);
    if (!s) return { ok: false, code: 'FILE_NOT_FOUND', details: `No such file or directory: ${unit.src}` };
    const pending = (src: string, dst: string): boolean => !done.has(`${src}\0${dst}`);
    if (!s.isDirectory()) {
      row.files += 1;
      row.subtasks_total += 1;
      derive(row);
      return { ok: true, expanded: pending(unit.src, unit.dst) ? [{ kind: 'file', src: unit.src, dst: unit.dst }] : [] };
    }
    if (!unit.recursive) {
      return { ok: false, code: 'IS_A_DIRECTORY', details: `${unit.src} is a directory; submit it with recursive=true` };
    }
    const tree = filterTree(await walkTree(srcDisk), unit.rules);
    const dstRootDisk = diskPath(cols.dst.root, unit.dst);
    if (unit.deleteExtra) await this.deleteExtras(dstRootDisk, tree, unit.rules);
    await mkdir(diskPath(cols.dst.root, unit.dst), { recursive: true });
    r.dirs.add(diskPath(cols.dst.root, unit.dst));
    row.directories += 1;
    const expanded: Unit[] = [];
    for (const entry of tree) {
      const src = joinGlobusPath(normalizeGlobusPath(unit.src), entry.rel);
      const dst = joinGlobusPath(normalizeGlobusPath(unit.dst), entry.rel);
      if (entry.isDir) {
        row.directories += 1;
        await mkdir(diskPath(cols.dst.root, dst), { recursive: true });
        r.dirs.add(diskPath(cols.dst.root, dst));
      } else {
        row.files += 1;
        if (pending(src, dst)) {
          row.subtasks_total += 1;
          expanded.push({ kind: 'file', src, dst });
        }
      }
    }
    derive(row);
    return { ok: true, expanded };
  }

  /**
   * delete_destination_extra: removes what the destination folder has below it that the source
   * folder does not (or has as the other type). The same filter rules apply to both sides, so an
   * excluded name at the destination is left alone.
   */
  private async deleteExtras(dstRootDisk: string, srcTree: readonly { rel: string; isDir: boolean }[], rules: readonly FilterRule[]): Promise<void> {
    const d = await statOrNull(dstRootDisk);
    if (!d?.isDirectory()) return;
    const source = new Map(srcTree.map((e) => [e.rel, e.isDir]));
    const removed: string[] = [];
    for (const entry of filterTree(await walkTree(dstRootDisk), rules)) {
      if (removed.some((p) => entry.rel.startsWith(`${p}/`))) continue;
      if (source.get(entry.rel) === entry.isDir) continue;
      await rm(join(dstRootDisk, entry.rel), { recursive: true, force: true });
      removed.push(entry.rel);
    }
  }

  private async transferFile(r: Running, src: string, dst: string): Promise<Outcome> {
    const row = r.row;
    const cols = this.collections(row);
    if (!cols) return { ok: false, code: 'ENDPOINT_ERROR', details: 'Collection no longer exists' };
    const injected = this.opts.faults.takeFileFault([row.source_endpoint_id, row.destination_endpoint_id], [src, dst]);
    if (injected) return { ok: false, code: injected, details: faultDetails(injected, src, dst) };
    const srcDisk = diskPath(cols.src.root, src);
    const dstDisk = diskPath(cols.dst.root, dst);
    const s = await statOrNull(srcDisk);
    if (!s || s.isDirectory()) return { ok: false, code: 'FILE_NOT_FOUND', details: `No such file: ${src}` };
    if (await this.unchanged(row, srcDisk, dstDisk, s.size, s.mtimeMs)) {
      row.files_skipped += 1;
      row.subtasks_succeeded += 1;
      derive(row);
      return { ok: true };
    }
    const parent = dirname(dstDisk);
    if (!r.dirs.has(parent)) {
      await mkdir(parent, { recursive: true });
      r.dirs.add(parent);
    }
    const tmp = join(parent, `.${basename(dstDisk)}.emulator-part`);
    let sourceMd5: string | undefined;
    try {
      sourceMd5 = await this.copyBytes(r, srcDisk, tmp, s.size, row.verify_checksum === 1);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    if (sourceMd5 !== undefined) {
      const written = await md5File(tmp);
      row.bytes_checksummed += s.size;
      if (written !== sourceMd5) {
        await rm(tmp, { force: true });
        return { ok: false, code: 'CHECKSUM_MISMATCH', details: `Checksum verification failed for ${dst}` };
      }
    }
    await rename(tmp, dstDisk);
    if (row.preserve_timestamp) await utimes(dstDisk, s.atime, s.mtime);
    row.files_transferred += 1;
    row.subtasks_succeeded += 1;
    derive(row);
    r.successes.push([src, dst]);
    return { ok: true };
  }

  /** sync_level: 0 exists, 1 size, 2 mtime (destination older than source), 3 checksum. */
  private async unchanged(row: TaskRow, srcDisk: string, dstDisk: string, size: number, mtimeMs: number): Promise<boolean> {
    if (row.sync_level === null) return false;
    const d = await statOrNull(dstDisk);
    if (!d || d.isDirectory()) return false;
    switch (row.sync_level) {
      case 0:
        return true;
      case 1:
        return d.size === size;
      case 2:
        return Math.floor(d.mtimeMs / 1000) >= Math.floor(mtimeMs / 1000);
      case 3: {
        if (d.size !== size) return false;
        const [a, b] = await Promise.all([md5File(srcDisk), md5File(dstDisk)]);
        row.bytes_checksummed += size * 2;
        return a === b;
      }
      default:
        return false;
    }
  }

  /** Copies at the configured bandwidth; returns the source md5 when asked to verify. */
  private async copyBytes(r: Running, from: string, to: string, size: number, verify: boolean): Promise<string | undefined> {
    await this.hold(r);
    const bandwidth = this.opts.bandwidth();
    const row = r.row;
    if (bandwidth === null && !verify) {
      if (size <= SMALL_FILE_BYTES) await writeFile(to, await readFile(from));
      else await copyFile(from, to);
      row.bytes_transferred += size;
      return undefined;
    }
    const hash = verify ? createHash('md5') : null;
    const chunkSize = bandwidth === null ? 1 << 20 : Math.max(4096, Math.min(1 << 20, Math.floor(bandwidth / 20)));
    const handle = await open(to, 'w');
    try {
      for await (const data of createReadStream(from, { highWaterMark: chunkSize, signal: r.abort.signal })) {
        const chunk = data as Buffer;
        if (r.row.stalled) {
          await this.hold(r);
          r.windowStart = Date.now();
          r.windowBytes = 0;
        }
        await handle.write(chunk);
        hash?.update(chunk);
        row.bytes_transferred += chunk.length;
        // Re-read the cap on every chunk so a control change applies to the file in flight.
        const cap = this.opts.bandwidth();
        if (cap !== null) {
          r.windowBytes += chunk.length;
          const due = r.windowStart + (r.windowBytes / cap) * 1000 - Date.now();
          if (due > 0) await sleep(due, r.abort.signal);
        } else {
          r.windowStart = Date.now();
          r.windowBytes = 0;
        }
        if (r.abort.signal.aborted) throw new Aborted();
      }
    } catch (error) {
      if (r.abort.signal.aborted) throw new Aborted();
      throw error;
    } finally {
      await handle.close();
    }
    return hash?.digest('hex');
  }

  private async deletePath(row: TaskRow, path: string): Promise<Outcome> {
    const col = row.source_endpoint_id ? this.opts.collection(row.source_endpoint_id) : undefined;
    if (!col) return { ok: false, code: 'ENDPOINT_ERROR', details: 'Collection no longer exists' };
    const injected = this.opts.faults.takeFileFault([row.source_endpoint_id], [path]);
    if (injected) return { ok: false, code: injected, details: faultDetails(injected, path, path) };
    const disk = diskPath(col.root, path);
    const l = await lstatOrNull(disk);
    if (!l) {
      if (row.ignore_missing) {
        row.subtasks_succeeded += 1;
        derive(row);
        return { ok: true };
      }
      return { ok: false, code: 'FILE_NOT_FOUND', details: `No such file or directory: ${path}` };
    }
    if (l.isDirectory()) {
      if (!row.recursive) return { ok: false, code: 'IS_A_DIRECTORY', details: `${path} is a directory; submit with recursive=true` };
      const tree = await walkTree(disk);
      row.directories += 1 + tree.filter((e) => e.isDir).length;
      row.files += tree.filter((e) => !e.isDir).length;
    } else {
      row.files += 1;
    }
    await rm(disk, { recursive: true, force: true });
    row.subtasks_succeeded += 1;
    derive(row);
    this.runningOf(row)?.successes.push([null, normalizeGlobusPath(path)]);
    return { ok: true };
  }
}

function unitPaths(unit: Unit): { src: string; dst: string } {
  return unit.kind === 'delete' ? { src: unit.path, dst: unit.path } : { src: unit.src, dst: unit.dst };
}

function faultDetails(code: FileErrorCode, src: string, dst: string): string {
  switch (code) {
    case 'PERMISSION_DENIED':
      return `Permission denied: ${src}`;
    case 'FILE_NOT_FOUND':
      return `No such file or directory: ${src}`;
    case 'CONNECTION_RESET':
      return `Connection reset by peer while transferring ${src}`;
    case 'QUOTA_EXCEEDED':
      return `Disk quota exceeded writing ${dst}`;
    case 'CHECKSUM_MISMATCH':
      return `Checksum verification failed for ${dst}`;
    case 'FILE_SIZE_CHANGED':
      return `Source file ${src} changed size during transfer`;
    default:
      return assertNever(code, 'file error code');
  }
}
