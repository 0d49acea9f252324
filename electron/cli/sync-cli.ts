/**
 * `ferry sync …`: the app's sync engine from a shell, sharing the app's data folder (so a cron
 * line and the app never run one job twice at once: the job lock is in sync.db), with every
 * verb a person needs to manage jobs without the GUI (sync-verbs.ts) and exit statuses that tell
 * succeeded, failed, nothing to do and succeeded with warnings apart.
 */
import { assertNever } from '../../shared/assert-never';
import type { SyncJob } from '../../shared/contract/syncs';
import { createSubmitter, type TransferService } from '../core/globus';
import { previewOutcome, runOutcome, SyncEngine, SyncScheduler, worstOutcome, type SyncEvent, type SyncOutcome } from '../core/sync';
import { parseSyncArgs } from './sync-args';
import { CLEAR_LINE, SYNC_USAGE, previewText, progressText, runLine } from './sync-output';
import {
  addVerb,
  editVerb,
  exitFor,
  filesVerb,
  jobByFlag,
  listVerb,
  logVerb,
  pauseVerb,
  removeVerb,
  sampleFlag,
  syncExit,
  SyncUsageError,
  writeJson,
  type VerbContext,
  type Writer,
} from './sync-verbs';

export interface SyncCliDeps {
  readonly dataDir: string;
  /** Called only when Globus is needed (a preview or a list need no sign-in). */
  readonly transferService: () => TransferService | Promise<TransferService>;
  readonly stdout?: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly stderr?: { write(s: string): unknown };
  readonly pollIntervalMs?: number;
  readonly workers?: number;
  /** Ends `ferry sync run` without `--once` (default: SIGINT/SIGTERM). */
  readonly signal?: AbortSignal;
  /** Where a relative `--local-path` starts (default: the process's working folder). */
  readonly cwd?: string;
}

/**
 * The engine over the shell's Globus: the Transfer service is resolved the first time a run needs
 * it (the engine asks before every submission), and the one submit path uses that same service.
 */
function openEngine(deps: SyncCliDeps): SyncEngine {
  let resolved: TransferService | null = null;
  const transfer = async (): Promise<TransferService> => (resolved ??= await deps.transferService());
  const submitter = createSubmitter(() => {
    if (!resolved) throw new Error('Globus was not reached before submitting');
    return resolved;
  });
  return new SyncEngine({
    dataDir: deps.dataDir,
    transfer,
    submitter,
    pollIntervalMs: deps.pollIntervalMs ?? 10_000,
    workers: deps.workers,
  });
}

/**
 * Runs `ferry sync <verb> …` over the data folder in `deps` and returns the exit status
 * (SYNC_USAGE lists them: 0 succeeded, 1 failed, 2 usage error, 3 nothing to do, 4 succeeded
 * with warnings).
 */
export async function runSyncCli(argv: readonly string[], deps: SyncCliDeps): Promise<number> {
  const out = deps.stdout ?? process.stdout;
  const err = deps.stderr ?? process.stderr;
  const args = parseSyncArgs(argv);
  if (typeof args === 'string') {
    err.write(`ferry sync: ${args}\n${SYNC_USAGE}`);
    return syncExit.usage;
  }
  if (args.verb === 'help' || args.help) {
    out.write(SYNC_USAGE);
    return syncExit.succeeded;
  }
  const json = args.switches.has('--json');
  const tty = !json && out.isTTY === true;
  const engine = openEngine(deps);
  // core's clock never keeps a process alive by itself: this shell waits for its runs and schedules
  const keepAlive = setInterval(() => undefined, 1 << 30);
  let progressShown = false;
  const unsubscribe = engine.subscribe((e: SyncEvent) => {
    if (!tty) return;
    if (e.type === 'progress') {
      out.write(progressText(e));
      progressShown = true;
    } else if (e.type === 'log' && progressShown) {
      out.write(CLEAR_LINE);
      progressShown = false;
    }
  });
  const clearProgress = (): void => {
    if (progressShown) out.write(CLEAR_LINE);
    progressShown = false;
  };
  const c: VerbContext = { engine, args, out, err, json, cwd: deps.cwd ?? process.cwd() };
  try {
    switch (args.verb) {
      case 'list':
        return listVerb(c);
      case 'add':
        return addVerb(c);
      case 'edit':
        return editVerb(c);
      case 'remove':
        return removeVerb(c);
      case 'pause':
        return pauseVerb(c, true);
      case 'resume':
        return pauseVerb(c, false);
      case 'log':
        return await logVerb(c);
      case 'files':
        return filesVerb(c);
      case 'preview': {
        const job = jobByFlag(c) as SyncJob;
        const p = await engine.preview(job.id, sampleFlag(args));
        clearProgress();
        if (json) writeJson(out, p);
        else out.write(previewText(job, p));
        return exitFor(previewOutcome(p));
      }
      case 'run': {
        const all = args.switches.has('--all');
        if (all === args.values.has('--job')) throw new SyncUsageError('ferry sync run: give either --job NAME or --all');
        const jobs = all ? engine.listJobs().filter((j) => j.enabled) : [jobByFlag(c) as SyncJob];
        if (!args.switches.has('--once')) return await daemon(engine, jobs, deps, out, err);
        await engine.checkPendingRuns();
        const outcomes: SyncOutcome[] = [];
        for (const job of jobs) {
          const run = await engine.runJob(job.id, { trigger: 'cli', until: args.switches.has('--no-wait') ? 'submitted' : 'completed' });
          clearProgress();
          const final = engine.getRun(run.id) ?? run;
          outcomes.push(runOutcome(final));
          out.write(json ? `${JSON.stringify(final)}\n` : `${runLine(final)}\n`);
        }
        return exitFor(worstOutcome(outcomes));
      }
      default:
        return assertNever(args.verb, 'sync verb');
    }
  } catch (error) {
    clearProgress();
    err.write(`ferry sync: ${(error as Error).message}\n`);
    if (error instanceof SyncUsageError) {
      err.write(`(see: ferry sync ${args.verb} --help)\n`);
      return syncExit.usage;
    }
    return syncExit.failed;
  } finally {
    unsubscribe();
    await engine.close();
    clearInterval(keepAlive);
  }
}
/** `ferry sync run` without `--once`: the jobs on their schedules until stopped. */
async function daemon(engine: SyncEngine, jobs: readonly SyncJob[], deps: SyncCliDeps, out: Writer, err: Writer): Promise<number> {
  const wanted = new Set(jobs.map((j) => j.id));
  const scheduler = new SyncScheduler(engine, {
    filter: (job) => wanted.has(job.id),
    onError: (id, e) => err.write(`job ${id}: ${(e as Error).message}\n`),
    onWarning: (id, message) => err.write(`job ${id}: ${message}\n`),
  });
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  if (deps.signal) deps.signal.addEventListener('abort', onSignal, { once: true });
  else {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  const unsubscribe = engine.subscribe((e) => {
    if (e.type === 'run' && wanted.has(e.run.jobId) && e.run.endedAt) out.write(`${runLine(e.run)}\n`);
  });
  out.write(`Running ${jobs.length} job(s) on their schedules; Ctrl-C to stop.\n`);
  await engine.checkPendingRuns();
  scheduler.start();
  await new Promise<void>((resolve) => {
    if (stop.signal.aborted) resolve();
    stop.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  scheduler.stop();
  unsubscribe();
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  return 0;
}
