/**
 * `ferry sync …`: the app's sync engine from a shell, sharing the app's data folder (so a cron
 * line and the app never run one job twice at once: the job lock is in sync.db).
 */
import { createSubmitter, type TransferService } from '../core/globus';
import { SyncEngine, SyncScheduler, type SyncEvent } from '../core/sync';
import type { SyncJob } from '../../shared/contract/syncs';
import { CLEAR_LINE, SYNC_USAGE, previewText, progressText, runLine, summaryText } from './sync-output';

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
}

type Writer = { write(s: string): unknown };

interface Parsed {
  readonly command: string;
  readonly flags: ReadonlyMap<string, string | true>;
}

function parse(argv: readonly string[]): Parsed | string {
  const args = argv[0] === 'sync' ? argv.slice(1) : [...argv];
  const command = args.shift();
  if (!command) return 'missing command';
  const flags = new Map<string, string | true>();
  const withValue = new Set(['--job', '--sample', '--run']);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('--')) return `unexpected argument "${a}"`;
    const eq = a.indexOf('=');
    if (eq > 0) {
      flags.set(a.slice(0, eq), a.slice(eq + 1));
      continue;
    }
    if (withValue.has(a)) {
      const v = args[++i];
      if (v === undefined) return `${a} needs a value`;
      flags.set(a, v);
    } else flags.set(a, true);
  }
  return { command, flags };
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

export async function runSyncCli(argv: readonly string[], deps: SyncCliDeps): Promise<number> {
  const out = deps.stdout ?? process.stdout;
  const err = deps.stderr ?? process.stderr;
  const parsed = parse(argv);
  if (typeof parsed === 'string' || parsed.command === 'help' || parsed.flags.has('--help')) {
    if (typeof parsed === 'string') err.write(`ferry sync: ${parsed}\n`);
    (typeof parsed === 'string' ? err : out).write(SYNC_USAGE);
    return typeof parsed === 'string' ? 2 : 0;
  }
  const { command, flags } = parsed;
  const json = flags.has('--json');
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
  try {
    const jobByFlag = (): SyncJob | null => {
      const name = flags.get('--job');
      if (typeof name !== 'string') {
        err.write('ferry sync: --job NAME is required\n');
        return null;
      }
      const job = engine.getJob(name);
      if (!job) err.write(`ferry sync: no job named "${name}" (see: ferry sync list)\n`);
      return job ?? null;
    };
    switch (command) {
      case 'list': {
        const summaries = engine.summaries();
        out.write(json ? `${JSON.stringify(summaries, null, 2)}\n` : summaryText(summaries));
        return 0;
      }
      case 'preview': {
        const job = jobByFlag();
        if (!job) return 2;
        const sample = Number(flags.get('--sample') ?? 20);
        const p = await engine.preview(job.id, Number.isFinite(sample) && sample >= 0 ? sample : 20);
        clearProgress();
        out.write(json ? `${JSON.stringify(p, null, 2)}\n` : previewText(job, p));
        return 0;
      }
      case 'log': {
        const job = jobByFlag();
        if (!job) return 2;
        const runId = flags.get('--run');
        const run = typeof runId === 'string' ? engine.getRun(runId) : engine.listRuns(job.id, 1)[0];
        if (!run) {
          err.write('ferry sync: no such run\n');
          return 2;
        }
        out.write(await engine.exportRunLog(run.id));
        return 0;
      }
      case 'run': {
        const all = flags.has('--all');
        if (all === flags.has('--job')) {
          err.write('ferry sync run: give either --job NAME or --all\n');
          err.write(SYNC_USAGE);
          return 2;
        }
        const jobs = all ? engine.listJobs().filter((j) => j.enabled) : [jobByFlag()];
        if (jobs.some((j) => j === null)) return 2;
        const selected = jobs as SyncJob[];
        if (!flags.has('--once')) return await daemon(engine, selected, deps, out, err);
        await engine.checkPendingRuns();
        let failed = false;
        for (const job of selected) {
          const run = await engine.runJob(job.id, { trigger: 'cli', until: flags.has('--no-wait') ? 'submitted' : 'completed' });
          clearProgress();
          const final = engine.getRun(run.id) ?? run;
          if (final.status === 'failed' || final.status === 'partial') failed = true;
          out.write(json ? `${JSON.stringify(final)}\n` : `${runLine(final)}\n`);
        }
        return failed ? 1 : 0;
      }
      default:
        err.write(`ferry sync: unknown command "${command}"\n`);
        err.write(SYNC_USAGE);
        return 2;
    }
  } catch (error) {
    clearProgress();
    err.write(`ferry sync: ${(error as Error).message}\n`);
    return 1;
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
