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
import { mkdir, rename, rm, utimes } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { skippableErrorCodes } from './faults';
import { diskPath, joinGlobusPath, lstatOrNull, md5File, normalizeGlobusPath, statOrNull, walkTree } from './fs-ops';
import { sleep } from './http-util';
import { RUNNING_TASKS_PER_USER } from './constants';
import { assertNever } from '../../shared/assert-never';
import type { CollectionRow, TaskRow } from './state';
import { copyBytes, faultDetails, unchanged } from './engine-copy';
import { deleteDestinationExtras, filterTree } from './engine-filters';
import { Aborted, derive, hold, unitPaths, type EngineOptions, type EngineTransferItem, type Outcome, type Running, type Unit } from './engine-model';

export type { EngineOptions, EngineTransferItem } from './engine-model';
export { globToRegExp, passesFilter, type FilterRule } from './engine-filters';

const FLUSH_INTERVAL_MS = 200;
/** Files a running task copies at once (Globus' "concurrency"). */
const FILE_CONCURRENCY = 4;

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
        await hold(r);
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
          await hold(r);
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
    if (!s) return { ok: false, code: 'FILE_NOT_FOUND', details: faultDetails('FILE_NOT_FOUND', unit.src, unit.dst, { collection: cols.src }) };
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
    if (unit.deleteExtra) await deleteDestinationExtras(dstRootDisk, tree, unit.rules);
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

  private async transferFile(r: Running, src: string, dst: string): Promise<Outcome> {
    const row = r.row;
    const cols = this.collections(row);
    if (!cols) return { ok: false, code: 'ENDPOINT_ERROR', details: 'Collection no longer exists' };
    const injected = this.opts.faults.takeFileFault([row.source_endpoint_id, row.destination_endpoint_id], [src, dst]);
    if (injected) return { ok: false, code: injected, details: faultDetails(injected, src, dst, { collection: injected === 'QUOTA_EXCEEDED' ? cols.dst : cols.src }) };
    const srcDisk = diskPath(cols.src.root, src);
    const dstDisk = diskPath(cols.dst.root, dst);
    const s = await statOrNull(srcDisk);
    if (!s || s.isDirectory()) return { ok: false, code: 'FILE_NOT_FOUND', details: faultDetails('FILE_NOT_FOUND', src, dst, { collection: cols.src }) };
    if (await unchanged(row, srcDisk, dstDisk, s.size, s.mtimeMs)) {
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
      sourceMd5 = await copyBytes(r, this.opts.bandwidth, srcDisk, tmp, s.size, row.verify_checksum === 1);
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

  private async deletePath(row: TaskRow, path: string): Promise<Outcome> {
    const col = row.source_endpoint_id ? this.opts.collection(row.source_endpoint_id) : undefined;
    if (!col) return { ok: false, code: 'ENDPOINT_ERROR', details: 'Collection no longer exists' };
    const injected = this.opts.faults.takeFileFault([row.source_endpoint_id], [path]);
    if (injected) return { ok: false, code: injected, details: faultDetails(injected, path, path, { collection: col, command: `DELE ${path}` }) };
    const disk = diskPath(col.root, path);
    const l = await lstatOrNull(disk);
    if (!l) {
      if (row.ignore_missing) {
        row.subtasks_succeeded += 1;
        derive(row);
        return { ok: true };
      }
      return { ok: false, code: 'FILE_NOT_FOUND', details: faultDetails('FILE_NOT_FOUND', path, path, { collection: col, command: `DELE ${path}` }) };
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

