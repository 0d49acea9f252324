/**
 * What every part of the sync engine shares: sync.db, the job and run records, each job's
 * state, the clock, the Globus ports, and the bookkeeping of what is running right now. The
 * facade (engine.ts) builds one; jobs, the run pipeline and recovery work on it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SyncRun } from '../../../shared/contract/syncs';
import type { Submitter, TransferService } from '../globus';
import { systemClock, type Clock } from '../kernel';
import type { SqliteDatabase } from '../store';
import { openSyncDb } from './db';
import { JobStore } from './jobs';
import { JobLocks } from './lock';
import type { SyncEvent } from './model';
import { RunStore } from './runs';
import type { FsFault } from './scan-types';
import { StateStore } from './state';

/** Points where tests stop a run (e.g. to SIGKILL the process at that moment). */
export interface SyncTestHooks {
  afterDir?(dirsScanned: number): void | Promise<void>;
  /** Errors the scan's filesystem calls raise (permissions do not bite when tests run as root). */
  fsFaults?: readonly FsFault[];
  /** Fingerprints ignore size and mtime: every rewritten file collides with its old fingerprint. */
  weakFingerprints?: boolean;
  beforeSubmit?(chunk: number): void | Promise<void>;
  afterSubmit?(chunk: number, taskId: string): void | Promise<void>;
}

export interface SyncEngineOptions {
  /** Ferry's data folder; the engine keeps `sync/` inside it. */
  readonly dataDir: string;
  /**
   * The Transfer service (mkdir, task status, cancel), or a factory called the first time one
   * is needed (a preview needs none). Called before every submission, so a submitter built over
   * the same service finds it ready.
   */
  readonly transfer: TransferService | (() => TransferService | Promise<TransferService>);
  /** The one submit path: every run's transfer goes through it, with origin `sync`. */
  readonly submitter: Submitter;
  readonly clock?: Clock;
  /** How often a run asks Globus about its tasks. Default 15 s. */
  readonly pollIntervalMs?: number;
  /** Scan worker threads. Default: available cores (at most 4). */
  readonly workers?: number;
  readonly hooks?: SyncTestHooks;
  /** Runs kept per job (older ones are pruned). Default 1000. */
  readonly keepRuns?: number;
}

export interface SyncRuntime {
  readonly db: SqliteDatabase;
  readonly clock: Clock;
  readonly pollMs: number;
  readonly workers: number | undefined;
  readonly keepRuns: number;
  readonly hooks: SyncTestHooks | undefined;
  readonly submitter: Submitter;
  readonly locks: JobLocks;
  readonly jobs: JobStore;
  readonly runs: RunStore;
  readonly state: StateStore;
  readonly listeners: Set<(e: SyncEvent) => void>;
  /** job id -> the scan or submission in progress. */
  readonly active: Map<string, AbortController>;
  /** run id -> waiting for its tasks. */
  readonly watchers: Map<string, Promise<SyncRun>>;
  /** run ids: whoever commits them says canceled. */
  readonly cancelRequested: Set<string>;
  /** Aborted when the engine closes: scans stop, waits end. */
  readonly closing: AbortController;
  /** Runs waiting between two polls of their tasks: called to poll now (a task of theirs ended). */
  readonly wakers: Set<() => void>;
  closed: boolean;
  emit(e: SyncEvent): void;
  /** The Transfer service, resolved once. */
  transfer(): Promise<TransferService>;
}

export function createRuntime(opts: SyncEngineOptions): SyncRuntime {
  const dir = join(opts.dataDir, 'sync');
  mkdirSync(join(dir, 'state'), { recursive: true });
  const db = openSyncDb(join(dir, 'sync.db'));
  const clock = opts.clock ?? systemClock;
  const listeners = new Set<(e: SyncEvent) => void>();
  const emit = (e: SyncEvent): void => {
    for (const l of listeners) {
      try {
        l(e);
      } catch {
        // a listener's failure is its own business
      }
    }
  };
  const jobs = new JobStore(db);
  let transferService: TransferService | null = null;
  return {
    db,
    clock,
    pollMs: opts.pollIntervalMs ?? 15_000,
    workers: opts.workers,
    keepRuns: opts.keepRuns ?? 1000,
    hooks: opts.hooks,
    submitter: opts.submitter,
    locks: new JobLocks(db),
    jobs,
    runs: new RunStore(db, clock, emit, (id) => jobs.get(id)),
    state: new StateStore(join(dir, 'state')),
    listeners,
    active: new Map(),
    watchers: new Map(),
    cancelRequested: new Set(),
    closing: new AbortController(),
    wakers: new Set(),
    closed: false,
    emit,
    async transfer() {
      if (!transferService) {
        const t = opts.transfer;
        transferService = typeof t === 'function' ? await t() : t;
      }
      return transferService;
    },
  };
}
