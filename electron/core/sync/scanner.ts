/**
 * Walks a source tree with a pool of `worker_threads` (both cores): the main thread hands out
 * directories (with their stored state) and receives per-directory diffs. Memory is bounded by
 * the directories in flight plus the walk frontier, never the whole tree.
 */
import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import picomatch from 'picomatch';
import type { SyncSymlinkPolicy } from '../../../shared/contract/syncs';
import type { DirResult, DirTask, FsFault, GlobRule, WorkerInit } from './scan-types';
import { scanWorkerSource } from './scan-worker';
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
  /** Stored state of a directory (relative path, '' = root), or null when never seen. */
  readonly loadState: (rel: string) => Uint8Array | null;
  /** Called on the main thread for each scanned directory, in completion order. */
  readonly onDir: (result: DirResult) => void | Promise<void>;
  readonly signal?: AbortSignal;
  /** Errors to raise at the workers' filesystem calls (tests only). */
  readonly faults?: readonly FsFault[];
}

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
  };
  const workers = Array.from({ length: count }, () => new Worker(cachedSource as string, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 16 } }));
  for (const w of workers) w.postMessage(init);

  const totals = { files: 0, dirs: 0, bytes: 0, changedFiles: 0, changedBytes: 0 };
  const stack: { abs: string; rel: string; chain: readonly string[] | null }[] = [
    { abs: opts.root, rel: '', chain: opts.policy === 'follow' ? [] : null },
  ];
  const inflight = new Map<Worker, number>(workers.map((w) => [w, 0]));
  let nextId = 1;
  let outstanding = 0;
  const PER_WORKER = 2;

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
          while ((inflight.get(w) ?? 0) < PER_WORKER && stack.length > 0) {
            const next = stack.pop();
            if (!next) break;
            let state: Uint8Array | null;
            try {
              state = opts.loadState(next.rel);
            } catch (error) {
              fail(error);
              return;
            }
            const task: DirTask = { type: 'dir', id: nextId++, abs: next.abs, rel: next.rel, state, chain: next.chain };
            inflight.set(w, (inflight.get(w) ?? 0) + 1);
            outstanding++;
            w.postMessage(task);
          }
        }
        if (outstanding === 0 && stack.length === 0) resolve();
      };
      const onAbort = (): void => fail(new ScanAbortedError());
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      for (const w of workers) {
        w.on('error', fail);
        w.on('exit', (code) => {
          if (!failed && (outstanding > 0 || stack.length > 0)) fail(new Error(`scan worker exited with code ${code}`));
        });
        w.on('message', (msg: DirResult) => {
          if (failed) return;
          inflight.set(w, (inflight.get(w) ?? 1) - 1);
          if (msg.rel === '' && msg.unreadable) {
            fail(new ScanRootError(`The source folder ${opts.root} cannot be read (${msg.warnings[0]?.reason ?? 'unknown error'})`));
            return;
          }
          totals.dirs++;
          totals.files += msg.files;
          totals.bytes += msg.bytes;
          totals.changedFiles += msg.changedFiles;
          totals.changedBytes += msg.changedBytes;
          // walk deeper first: keeps the frontier small
          for (let i = msg.subdirs.length - 1; i >= 0; i--) {
            const s = msg.subdirs[i];
            if (s) stack.push(s);
          }
          // results are handed over in order, one at a time, even when the sink is async
          chain = chain.then(async () => {
            if (failed) return;
            try {
              await opts.onDir(msg);
            } catch (error) {
              fail(error);
              return;
            }
            outstanding--;
            dispatch();
          });
          // keep the workers busy while the sink works (this result still counts as outstanding)
          dispatch();
        });
      }
      dispatch();
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return totals;
}
