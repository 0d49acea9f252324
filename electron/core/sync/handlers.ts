import type { TaskEnded } from '../../../shared/activity';
import type { AccountStatus } from '../../../shared/account';
import { assertNever } from '../../../shared/assert-never';
import type { SyncJobSummary, SyncProgress, SyncRun, syncsInvoke } from '../../../shared/contract/syncs';
import type { GlobusAuth, Submitter, TransferService } from '../globus';
import { AppError, type Capability, type EventBus } from '../kernel';
import { createSyncEngine, SyncJobNameTakenError, SyncJobNotFoundError, type SyncEngine } from './engine';
import { checkLocalFolder, draftToInput } from './job-draft';
import type { SyncEvent } from './model';
import { SyncScheduler } from './scheduler';

export type SyncsChannel = keyof typeof syncsInvoke;

export interface SyncsCapabilityOptions {
  /** How often a run asks Globus about its tasks. Default: FERRY_SYNC_POLL_MS, else 15 s. */
  readonly pollIntervalMs?: number;
  /** Scan worker threads (tests: 1). */
  readonly workers?: number;
  /** Least time between two `syncs:changed` events. Default 250 ms. */
  readonly throttleMs?: number;
  /** Least time between two `syncs:progress` events of one job. Default 250 ms. */
  readonly progressThrottleMs?: number;
  /** How often the summaries are compared with what was last sent (runs `ferry sync` made in
   * another process, next-run times). Default 30 s. */
  readonly refreshMs?: number;
}

export interface SyncsCapability extends Capability<SyncsChannel> {
  dispose(): Promise<void>;
  /** The engine (for other capabilities and tests). */
  readonly engine: SyncEngine;
  /** True while scheduled runs may fire (signed in). */
  schedulerRunning(): boolean;
}

const signInFirst = 'Sign in to Globus (Account) to run a sync job; previews work without signing in.';

/** What this capability needs from the composition root. */
export interface SyncsDeps {
  /** Where this run keeps databases and state (the data-folder setting at start). */
  readonly stateDir: string;
  readonly bus: EventBus;
  readonly auth: GlobusAuth;
  /** Polls the runs' tasks, creates empty folders, cancels. */
  readonly transfer: TransferService;
  /** The one submit path: runs submit through it (origin `sync`); whoever listens records them. */
  readonly submitter: Submitter;
  readonly env: NodeJS.ProcessEnv;
  /** When Activity sees a sync task end, runs waiting on their tasks poll at once (not in 15 s). */
  readonly activity?: { onTaskEnded(listener: (ended: TaskEnded) => void): () => void };
}

/**
 * Wires the `syncs:*` channels to one sync engine at `<stateDir>/sync`. Scheduled runs fire only
 * while the account is signed in: signed out, the scheduler stops (a due run is not lost; it
 * fires as soon as the person signs in again, and unfinished runs are picked up then). Every
 * task a run submits goes through the submitter, which announces it (Activity records it there).
 */
export function createSyncsCapability(deps: SyncsDeps, options: SyncsCapabilityOptions = {}): SyncsCapability {
  const pollFromEnv = Number(deps.env.FERRY_SYNC_POLL_MS);
  const pollIntervalMs = options.pollIntervalMs ?? (Number.isFinite(pollFromEnv) && pollFromEnv > 0 ? pollFromEnv : undefined);
  const engine: SyncEngine = createSyncEngine({
    dataDir: deps.stateDir,
    transfer: deps.transfer,
    submitter: deps.submitter,
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
  });
  const scheduler = new SyncScheduler(engine, {
    onError: (jobId, error) => console.error(`sync job ${jobId}: a scheduled run failed unexpectedly`, error),
    onWarning: (jobId, message) => console.warn(`sync job ${jobId}: ${message}`),
  });

  const throttleMs = options.throttleMs ?? 250;
  const progressMs = options.progressThrottleMs ?? 250;
  let disposed = false;
  let scheduling = false;
  let changedTimer: ReturnType<typeof setTimeout> | undefined;
  let lastChanged = 0;
  let lastSent = '';
  /** Per job: when its last progress went out (and in which phase), the latest one held back, its timer. */
  const progress = new Map<string, { at: number; phase: string; held: SyncProgress | null; timer: ReturnType<typeof setTimeout> | undefined }>();

  const summaries = (): readonly SyncJobSummary[] => engine.summaries();

  const changedSoon = (): void => {
    if (disposed || changedTimer !== undefined) return;
    const wait = Math.max(0, lastChanged + throttleMs - Date.now());
    changedTimer = setTimeout(() => {
      changedTimer = undefined;
      if (disposed) return;
      lastChanged = Date.now();
      const now = summaries();
      lastSent = JSON.stringify(now);
      deps.bus.emit('syncs:changed', now);
    }, wait);
  };

  // another process (`ferry sync run` from cron) shares the database: notice its runs
  const refresh = setInterval(() => {
    if (disposed || changedTimer !== undefined) return;
    if (JSON.stringify(summaries()) !== lastSent) changedSoon();
  }, options.refreshMs ?? 30_000);
  refresh.unref?.();

  /** A change of phase goes out at once; within a phase, a few per second (the latest wins). */
  const sendProgress = (p: SyncProgress): void => {
    if (disposed) return;
    const now = Date.now();
    const slot = progress.get(p.jobId);
    if (!slot || slot.phase !== p.phase || (slot.timer === undefined && now - slot.at >= progressMs)) {
      if (slot?.timer !== undefined) clearTimeout(slot.timer);
      progress.set(p.jobId, { at: now, phase: p.phase, held: null, timer: undefined });
      deps.bus.emit('syncs:progress', p);
      return;
    }
    slot.held = p;
    if (slot.timer !== undefined) return;
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      if (disposed || !slot.held) return;
      slot.at = Date.now();
      const held = slot.held;
      slot.held = null;
      deps.bus.emit('syncs:progress', held);
    }, Math.max(0, slot.at + progressMs - now));
  };

  const flushProgress = (jobId: string): void => {
    const slot = progress.get(jobId);
    if (!slot) return;
    if (slot.timer !== undefined) clearTimeout(slot.timer);
    if (slot.held && !disposed) deps.bus.emit('syncs:progress', slot.held);
    progress.delete(jobId);
  };

  const onEngineEvent = (e: SyncEvent): void => {
    switch (e.type) {
      case 'progress': {
        const { type: _type, ...rest } = e;
        sendProgress(rest);
        return;
      }
      case 'run':
        if (e.run.status !== 'scanning') flushProgress(e.run.jobId);
        if (!disposed) deps.bus.emit('syncs:run', e.run);
        changedSoon();
        return;
      case 'job':
      case 'job-deleted':
        changedSoon();
        return;
      case 'log':
      case 'task-submitted':
        return;
      default:
        assertNever(e, 'sync event');
    }
  };

  const follow = (account: AccountStatus): void => {
    if (disposed) return;
    if (account.state === 'signed-in' && !scheduling) {
      scheduling = true;
      // runs a previous session left unfinished first (they need Globus), then the schedule
      void engine
        .checkPendingRuns()
        .catch((error: unknown) => console.error('sync: unfinished runs could not be checked', error))
        .then(() => {
          if (scheduling && !disposed) scheduler.start();
          changedSoon();
        });
    } else if ((account.state === 'signed-out' || account.state === 'expired') && scheduling) {
      scheduling = false;
      scheduler.stop();
      changedSoon();
    }
  };

  const offs: (() => void)[] = [
    engine.subscribe(onEngineEvent),
    deps.auth.onStatus(follow),
    ...(deps.activity ? [deps.activity.onTaskEnded((ended) => ended.row.origin === 'sync' && engine.nudge())] : []),
  ];
  follow(deps.auth.status());

  const requireSignedIn = (): void => {
    if (deps.auth.status().state !== 'signed-in') throw new AppError('unauthorized', 'SignedOut', signInFirst);
  };

  const requireJob = (jobId: string) => {
    const job = engine.getJob(jobId);
    if (!job) throw new AppError('not-found', 'NotFound', `No sync job with id "${jobId}"; it may have been deleted. Reload the list.`);
    return job;
  };

  const known = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof SyncJobNotFoundError) throw new AppError('not-found', 'NotFound', `${error.message}; it may have been deleted. Reload the list.`);
      if (error instanceof SyncJobNameTakenError) throw new AppError('refused', 'InvalidInput', `${error.message}; choose another name.`);
      throw error;
    }
  };

  return {
    engine,
    schedulerRunning: () => scheduling,
    handlers: {
      'syncs:list': async () => summaries(),
      'syncs:create': async (draft) => {
        checkLocalFolder(draft.source.localPath);
        return known(() => engine.createJob(draftToInput(draft)));
      },
      'syncs:update': async (jobId, draft) => {
        checkLocalFolder(draft.source.localPath);
        return known(() => engine.updateJob(jobId, draftToInput(draft)));
      },
      'syncs:delete': async (jobId) => {
        known(() => engine.deleteJob(jobId));
        return { deleted: true };
      },
      'syncs:preview': async (jobId) => {
        checkLocalFolder(requireJob(jobId).source.localPath);
        return engine.preview(jobId);
      },
      'syncs:run-now': async (jobId) => {
        const job = requireJob(jobId);
        requireSignedIn();
        return startRun(engine, job.id);
      },
      'syncs:cancel-run': async (runId) => {
        const run = engine.getRun(runId);
        if (!run) throw new AppError('not-found', 'NotFound', `No sync run with id "${runId}".`);
        if (run.status === 'transferring') requireSignedIn();
        return engine.cancelRun(runId);
      },
      'syncs:pause': async (jobId) => known(() => engine.pauseJob(jobId)),
      'syncs:resume': async (jobId) => known(() => engine.resumeJob(jobId)),
      'syncs:list-runs': async (jobId, limit) => {
        return engine.listRuns(requireJob(jobId).id, limit ?? 50);
      },
      'syncs:run-log': async (runId) => {
        if (!engine.getRun(runId)) throw new AppError('not-found', 'NotFound', `No sync run with id "${runId}".`);
        return { runId, lines: engine.runLog(runId) };
      },
      'syncs:export-run-log': async (runId) => {
        const run = engine.getRun(runId);
        if (!run) throw new AppError('not-found', 'NotFound', `No sync run with id "${runId}".`);
        const text = await engine.exportRunLog(runId);
        return { fileName: logFileName(run), text };
      },
      'syncs:run-files': async (runId, query) => {
        if (!engine.getRun(runId)) throw new AppError('not-found', 'NotFound', `No sync run with id "${runId}".`);
        return engine.runFiles(runId, query);
      },
    },
    async dispose() {
      disposed = true;
      scheduling = false;
      if (changedTimer !== undefined) clearTimeout(changedTimer);
      clearInterval(refresh);
      for (const slot of progress.values()) if (slot.timer !== undefined) clearTimeout(slot.timer);
      progress.clear();
      for (const off of offs) off();
      scheduler.stop();
      await engine.close();
    },
  };
}

/**
 * Starts a run and answers with it as soon as it is recorded (scanning, or skipped with its
 * reason); the scan and the submission go on in the background and report through events.
 */
function startRun(engine: SyncEngine, jobId: string): Promise<SyncRun> {
  return new Promise<SyncRun>((resolve, reject) => {
    let settled = false;
    const off = engine.subscribe((e) => {
      if (settled || e.type !== 'run' || e.run.jobId !== jobId) return;
      settled = true;
      off();
      resolve(e.run);
    });
    engine.runJob(jobId, { trigger: 'manual' }).then(
      (run) => {
        if (settled) return;
        settled = true;
        off();
        resolve(run);
      },
      (error: unknown) => {
        if (!settled) {
          settled = true;
          off();
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        console.error(`sync job ${jobId}: run failed`, error);
      },
    );
  });
}

function logFileName(run: SyncRun): string {
  const safe = run.jobName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'sync';
  return `${safe}-${run.label ?? run.startedAt.slice(0, 19).replace(/[:T]/g, '-')}.log`;
}
