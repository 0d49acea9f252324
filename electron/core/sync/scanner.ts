/**
 * Walks a source tree with a pool of `worker_threads` (both cores): the main thread hands out
 * directories in batches (with their stored records) and receives per-directory diffs. Memory is
 * bounded by the directories in flight plus the walk frontier, never the whole tree.
 */
import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import picomatch from 'picomatch';
import type { SyncSymlinkPolicy } from '../../../shared/contract/syncs';
import type { DirBatch, DirResult, DirTask, FsFault, GlobRule, PartReply, PartScan, PartTask, ResultBatch, SplitRequest, WorkerIdle, WorkerInit } from './scan-types';
import { partBuffers, partTaskBuffers, scanWorkerSource } from './scan-worker';
import type { ErrorKind } from '../../../shared/errors';

export interface ScanOptions {
  readonly root: string;
  readonly policy: SyncSymlinkPolicy;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly mode: 'pending' | 'preview';
  readonly sampleSize: number;
  /** Worker threads; default: available cores (at most 4). */
  readonly workers?: number;
  /** Stored state of a directory (relative path, '' = root), or null when never seen; copied at once (a view will do). */
  readonly loadState: (rel: string) => Uint8Array | null;
  /**
   * Called on the main thread for each scanned directory, in completion order. It must not keep
   * `result` once it has returned (or settled): the object of a quiet folder is reused.
   */
  readonly onDir: (result: DirResult) => void | Promise<void>;
  readonly signal?: AbortSignal;
  /** Errors to raise at the workers' filesystem calls (tests only). */
  readonly faults?: readonly FsFault[];
  /** Fingerprints ignore size and mtime (tests only: forces collisions). */
  readonly weak?: boolean;
  /** A folder of this many entries or more is split between the workers (default `SPLIT_MIN`; tests set it low). */
  readonly splitMin?: number;
}

/**
 * Entries from which one folder's scan is split between the workers (listed once, its entries'
 * `lstat` in parallel). Below it, other folders keep the workers busy anyway.
 */
export const SPLIT_MIN = 8192;

export interface ScanTotals {
  readonly files: number;
  readonly dirs: number;
  readonly bytes: number;
  readonly changedFiles: number;
  readonly changedBytes: number;
}

/** The job's folder itself is missing, not a folder or cannot be read: the scan cannot start. */
export class ScanRootError extends Error {
  readonly kind: ErrorKind = 'refused';
  constructor(message: string) {
    super(message);
    this.name = 'ScanRootError';
  }
}

export class ScanAbortedError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind = 'conflict';
  constructor() {
    super('scan aborted');
    this.name = 'ScanAbortedError';
  }
}

let cachedSource: string | null = null;

/**
 * Scan workers outlive a scan for a while: starting one costs tens of milliseconds, as much as
 * scanning a small tree. Idle ones are unreferenced (they never keep the process alive) and end
 * after `IDLE_MS`; a scan that failed or stopped ends its workers instead of keeping them.
 */
const IDLE_MS = 20_000;
const idle: Worker[] = [];
let idleTimer: NodeJS.Timeout | null = null;

function startWorker(): Worker {
  cachedSource ??= scanWorkerSource();
  const w = new Worker(cachedSource, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  w.on('exit', () => {
    const i = idle.indexOf(w);
    if (i >= 0) idle.splice(i, 1);
  });
  w.on('error', () => undefined); // a scan's own listener reports it; an idle one just ends
  return w;
}

function takeWorkers(count: number): Worker[] {
  const taken = idle.splice(0, count);
  while (taken.length < count) taken.push(startWorker());
  for (const w of taken) w.ref();
  return taken;
}

/**
 * Starts the scan workers a scan is about to need (a run calls it first thing, so that their
 * start overlaps the run's own preparations); they wait idle, as after a scan.
 */
export function warmScanWorkers(workers?: number): void {
  const count = Math.max(1, workers ?? defaultWorkerCount());
  const fresh: Worker[] = [];
  while (idle.length + fresh.length < count) fresh.push(startWorker());
  if (fresh.length > 0) void giveBack(fresh, true, false);
}

function giveBack(workers: readonly Worker[], reusable: boolean, used = true): Promise<unknown> {
  if (!reusable) return Promise.all(workers.map((w) => w.terminate()));
  const done: WorkerIdle = { type: 'idle' };
  for (const w of workers) {
    if (used) w.postMessage(done);
    w.unref();
    idle.push(w);
  }
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    idleTimer = null;
    for (const w of idle.splice(0)) void w.terminate();
  }, IDLE_MS);
  idleTimer.unref();
  return Promise.resolve();
}

/** Ends the idle scan workers now (an engine closing; workers of scans under way are left alone). */
export async function endIdleScanWorkers(): Promise<void> {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  await Promise.all(idle.splice(0).map((w) => w.terminate()));
}

/** A folder of the walk's frontier: its subfolders' names, the next to hand out, what they share. */
interface Frame {
  /** The folder's path and a `/`. */
  readonly absPrefix: string;
  readonly rel: string;
  readonly chain: readonly string[] | null;
  readonly names: readonly string[];
  next: number;
}

/** The result handed to the sink for each quiet folder (nothing changed, nothing to say), reused. */
type QuietResult = { -readonly [K in keyof DirResult]: DirResult[K] };

function quietResult(): QuietResult {
  return {
    type: 'dir',
    id: 0,
    rel: '',
    subdirs: [],
    chain: null,
    changes: null,
    write: false,
    fps: null,
    keep: null,
    digests: null,
    dirsChanged: false,
    collision: false,
    changedFiles: 0,
    changedBytes: 0,
    removedCount: 0,
    files: 0,
    bytes: 0,
    isNew: false,
    empty: false,
    whole: false,
    unreadable: false,
    sample: [],
    warnings: [],
    warningCount: 0,
    skippedLinks: 0,
  };
}

export function compileGlobs(patterns: readonly string[]): GlobRule[] {
  return patterns.map((p) => {
    const base = !p.includes('/');
    const re = picomatch.makeRe(base ? p : p.replace(/^\.\//, ''), { dot: true });
    return { source: re.source, flags: re.flags, base };
  });
}

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * Walks the tree. An error on one entry (or one folder) never fails it: the worker turns it into
 * a warning of that folder's result and the walk goes on; only the job's folder itself (missing,
 * not a folder, unreadable) or the sink fail a scan.
 */
export async function scanTree(opts: ScanOptions): Promise<ScanTotals> {
  let rootStat;
  try {
    rootStat = statSync(opts.root, { throwIfNoEntry: false });
  } catch (error) {
    throw new ScanRootError(`The source folder ${opts.root} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!rootStat) throw new ScanRootError(`The source folder ${opts.root} does not exist`);
  if (!rootStat.isDirectory()) throw new ScanRootError(`The source folder ${opts.root} is not a folder`);
  if (opts.signal?.aborted) throw new ScanAbortedError();

  cachedSource ??= scanWorkerSource();
  const count = Math.max(1, opts.workers ?? defaultWorkerCount());
  const init: WorkerInit = {
    type: 'init',
    policy: opts.policy,
    include: compileGlobs(opts.include),
    exclude: compileGlobs(opts.exclude),
    mode: opts.mode,
    sampleSize: opts.sampleSize,
    ...(opts.faults && opts.faults.length > 0 ? { faults: opts.faults } : {}),
    ...(opts.weak ? { weak: true } : {}),
    parts: count,
    splitMin: Math.max(2, opts.splitMin ?? SPLIT_MIN),
  };
  const workers = takeWorkers(count);
  const detach: (() => void)[] = [];
  let clean = false;
  for (const w of workers) w.postMessage(init);

  const totals = { files: 0, dirs: 0, bytes: 0, changedFiles: 0, changedBytes: 0 };
  const quiet = quietResult();
  /** Sample entries handed to the sink so far (the workers stop making them once there are enough). */
  let sampled = 0;
  /**
   * The walk's frontier: per folder whose subfolders are not all handed out yet, their names and
   * the next one to go (deepest folder last). A name costs far less than an object with two full
   * paths, and tiny folders put hundreds of thousands of them here.
   */
  const stack: Frame[] = [];
  /** Folders in the frontier (the job's folder itself first). */
  let waiting = 1;
  let rootWaiting = true;
  const take = (): { abs: string; rel: string; chain: readonly string[] | null } | null => {
    if (rootWaiting) {
      rootWaiting = false;
      waiting--;
      return { abs: opts.root, rel: '', chain: opts.policy === 'follow' ? [] : null };
    }
    const top = stack[stack.length - 1];
    if (!top) return null;
    const name = top.names[top.next++] as string;
    if (top.next >= top.names.length) stack.pop();
    waiting--;
    return { abs: top.absPrefix + name, rel: top.rel === '' ? name : `${top.rel}/${name}`, chain: top.chain };
  };
  const rootPrefix = opts.root.endsWith('/') ? opts.root : `${opts.root}/`;
  const inflight = new Map<Worker, number>(workers.map((w) => [w, 0]));
  /** The worker that listed each folder being scanned in parts (it answers for the folder). */
  const owners = new Map<number, Worker>();
  /** Parts of split folders not yet handed out, and how many each worker is scanning. */
  const partsWaiting: PartTask[] = [];
  const partsOut = new Map<Worker, number>(workers.map((w) => [w, 0]));
  /** Two parts per worker at most: one to scan, one waiting behind it. */
  const PARTS_PER_WORKER = 2;
  const giveParts = (): void => {
    for (let given = true; given && partsWaiting.length > 0; ) {
      given = false;
      for (const w of workers) {
        if ((partsOut.get(w) ?? 0) >= PARTS_PER_WORKER) continue;
        const part = partsWaiting.shift();
        if (!part) return;
        partsOut.set(w, (partsOut.get(w) ?? 0) + 1);
        w.postMessage(part, partTaskBuffers(part));
        given = true;
      }
    }
  };
  let nextId = 1;
  let outstanding = 0;
  const PER_WORKER = 2;
  const MAX_BATCH = 64;
  const MAX_OUTSTANDING = count * PER_WORKER * MAX_BATCH * 2;

  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      let chain: Promise<void> = Promise.resolve();
      const fail = (error: unknown): void => {
        if (failed) return;
        failed = true;
        reject(error);
      };
      const dispatch = (): void => {
        if (failed) return;
        if (opts.signal?.aborted) {
          fail(new ScanAbortedError());
          return;
        }
        for (const w of workers) {
          // results not yet through the sink are held in memory: never more than a few batches
          while ((inflight.get(w) ?? 0) < PER_WORKER && waiting > 0 && outstanding < MAX_OUTSTANDING) {
            // share the frontier: a batch takes a slice of it, so both workers get some
            const size = Math.max(1, Math.min(MAX_BATCH, Math.ceil(waiting / (count * PER_WORKER))));
            const tasks: DirTask[] = [];
            let total = 0;
            while (tasks.length < size && waiting > 0) {
              const next = take();
              if (!next) break;
              let state: Uint8Array | null;
              try {
                state = opts.loadState(next.rel);
              } catch (error) {
                fail(error);
                return;
              }
              if (state) total += state.length;
              tasks.push({ type: 'dir', id: nextId++, abs: next.abs, rel: next.rel, state, chain: next.chain });
            }
            // the folders' records copied into one buffer, handed over as a whole (one buffer per
            // folder cost more than a tiny folder's scan)
            const whole = new ArrayBuffer(total);
            const bytes = new Uint8Array(whole);
            let at = 0;
            const sent = tasks.map((t): DirTask => {
              if (!t.state) return t;
              bytes.set(t.state, at);
              const view = new Uint8Array(whole, at, t.state.length);
              at += t.state.length;
              return { ...t, state: view };
            });
            inflight.set(w, (inflight.get(w) ?? 0) + 1);
            outstanding += sent.length;
            const batch: DirBatch = { type: 'batch', tasks: sent, sample: Math.max(0, opts.sampleSize - sampled) };
            w.postMessage(batch, [whole]);
          }
        }
        if (outstanding === 0 && waiting === 0) resolve();
      };
      const onAbort = (): void => fail(new ScanAbortedError());
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      // a listener left on the signal keeps this scan (its options, the job's folder store and
      // its chunks) alive as long as the signal: a run's signal follows the engine's for its life
      detach.push(() => opts.signal?.removeEventListener('abort', onAbort));
      for (const w of workers) {
        const onExit = (code: number): void => {
          if (!failed && (outstanding > 0 || waiting > 0)) fail(new Error(`scan worker exited with code ${code}`));
        };
        const onMessage = (message: ResultBatch | SplitRequest | PartReply): void => {
          if (failed) return;
          if (message.type === 'split') {
            // a big folder's parts, handed out as workers come free (its owner takes some too)
            owners.set(message.id, w);
            for (const part of message.parts) partsWaiting.push(part);
            giveParts();
            return;
          }
          if (message.type === 'part-done') {
            partsOut.set(w, (partsOut.get(w) ?? 1) - 1);
            const owner = owners.get(message.id);
            if (owner) owner.postMessage(message, message.scan && !message.placed ? partBuffers(message.scan as PartScan) : []);
            giveParts();
            return;
          }
          if (message.merged) owners.delete(message.results[0]?.id ?? message.quiet.ids[0] ?? -1);
          else inflight.set(w, (inflight.get(w) ?? 1) - 1);
          const results = message.results;
          const q = message.quiet;
          const pushSubdirs = (rel: string, subdirs: DirResult['subdirs'], chain: DirResult['chain']): void => {
            // walk deeper first: keeps the frontier small
            if (subdirs.length === 0) return;
            stack.push({ absPrefix: rel === '' ? rootPrefix : `${rootPrefix}${rel}/`, rel, chain, names: subdirs, next: 0 });
            waiting += subdirs.length;
          };
          for (const msg of results) {
            if (msg.rel === '' && msg.unreadable) {
              fail(new ScanRootError(`The source folder ${opts.root} cannot be read (${msg.warnings[0]?.reason ?? 'unknown error'})`));
              return;
            }
            totals.dirs++;
            totals.files += msg.files;
            totals.bytes += msg.bytes;
            totals.changedFiles += msg.changedFiles;
            totals.changedBytes += msg.changedBytes;
            sampled += msg.sample.length;
            pushSubdirs(msg.rel, msg.subdirs, msg.chain);
          }
          for (let i = 0; i < q.ids.length; i++) {
            totals.dirs++;
            totals.files += q.files[i] as number;
            totals.bytes += q.bytes[i] as number;
            pushSubdirs(q.rels[i] as string, q.subdirs[i] ?? [], q.chains[i] ?? null);
          }
          // results are handed over in order, one at a time, even when the sink is async
          chain = chain.then(async () => {
            for (const msg of results) {
              if (failed) return;
              try {
                const done = opts.onDir(msg);
                if (done) await done; // only an async sink costs a turn per folder
              } catch (error) {
                fail(error);
                return;
              }
              outstanding--;
            }
            // quiet folders (nothing changed, nothing to say) through one reused result
            for (let i = 0; i < q.ids.length; i++) {
              if (failed) return;
              quiet.id = q.ids[i] as number;
              quiet.rel = q.rels[i] as string;
              quiet.files = q.files[i] as number;
              quiet.bytes = q.bytes[i] as number;
              quiet.subdirs = q.subdirs[i] ?? [];
              quiet.chain = q.chains[i] ?? null;
              try {
                const done = opts.onDir(quiet);
                if (done) await done;
              } catch (error) {
                fail(error);
                return;
              }
              outstanding--;
            }
            dispatch();
          });
          // keep the workers busy while the sink works (these results still count as outstanding)
          dispatch();
        };
        w.on('error', fail);
        w.on('exit', onExit);
        w.on('message', onMessage);
        detach.push(() => {
          w.off('error', fail);
          w.off('exit', onExit);
          w.off('message', onMessage);
        });
      }
      dispatch();
    });
    clean = true;
  } finally {
    for (const d of detach) d();
    await giveBack(workers, clean && !opts.signal?.aborted);
  }
  return totals;
}
