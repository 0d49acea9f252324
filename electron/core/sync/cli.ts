/**
 * `ferry sync …`: the same engine from a shell, sharing the app's data folder (so a cron line
 * and the app never run one job twice at once: the job lock is in sync.db).
 */
import type { TransferService } from '../globus';
import { SyncEngine } from './engine';
import type { SyncEvent, SyncJob, SyncRun } from './model';
import { SyncScheduler } from './scheduler';

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

const USAGE = `Usage:
  ferry sync list [--json]
  ferry sync run (--job NAME | --all) [--once] [--no-wait] [--json]
      --once     run each job once and exit (for cron); without it, run jobs on their schedules until stopped
      --no-wait  exit once the transfer is submitted; the next run (or the app) records its outcome
  ferry sync preview --job NAME [--sample N] [--json]
  ferry sync log --job NAME [--run RUN_ID]
Exit status: 0 done (including "no changes" and "skipped: already running"), 1 a run failed, 2 usage error.
`;

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

function fmtBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

function schedule(job: SyncJob): string {
  const s = job.schedule;
  return s.kind === 'manual' ? 'manual' : s.kind === 'interval' ? `every ${s.minutes} min` : `cron "${s.expression}"`;
}

function runLine(run: SyncRun): string {
  const s = run.stats;
  const tasks = run.tasks.filter((t) => t.taskId).map((t) => t.taskId);
  return (
    `${run.jobName}: ${run.status}${run.label ? ` ${run.label}` : ''} — ${s.filesScanned} scanned, ${s.changedFiles} changed (${fmtBytes(s.changedBytes)})` +
    (tasks.length ? `, task(s) ${tasks.join(', ')}` : '') +
    (run.message ? `. ${run.message}` : '')
  );
}

export async function runSyncCli(argv: readonly string[], deps: SyncCliDeps): Promise<number> {
  const out = deps.stdout ?? process.stdout;
  const err = deps.stderr ?? process.stderr;
  const parsed = parse(argv);
  if (typeof parsed === 'string' || parsed.command === 'help' || parsed.flags.has('--help')) {
    if (typeof parsed === 'string') err.write(`ferry sync: ${parsed}\n`);
    (typeof parsed === 'string' ? err : out).write(USAGE);
    return typeof parsed === 'string' ? 2 : 0;
  }
  const { command, flags } = parsed;
  const json = flags.has('--json');
  const tty = !json && out.isTTY === true;
  const engine = new SyncEngine({
    dataDir: deps.dataDir,
    transfer: deps.transferService,
    pollIntervalMs: deps.pollIntervalMs ?? 10_000,
    workers: deps.workers,
  });
  let progressShown = false;
  const unsubscribe = engine.subscribe((e: SyncEvent) => {
    if (!tty) return;
    if (e.type === 'progress') {
      const what =
        e.phase === 'scan'
          ? `scanning: ${e.filesScanned.toLocaleString()} files in ${e.dirsScanned.toLocaleString()} folders, ${e.changedFiles.toLocaleString()} changed`
          : e.phase === 'submit'
            ? `submitting: ${e.done ?? 0}/${e.total ?? 0} files`
            : e.phase === 'transfer'
              ? 'waiting for Globus…'
              : `${e.phase}…`;
      out.write(`\r\x1b[K${what}`);
      progressShown = true;
    } else if (e.type === 'log' && progressShown) {
      out.write('\r\x1b[K');
      progressShown = false;
    }
  });
  const clearProgress = (): void => {
    if (progressShown) out.write('\r\x1b[K');
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
        if (json) {
          out.write(`${JSON.stringify(summaries, null, 2)}\n`);
          return 0;
        }
        if (summaries.length === 0) {
          out.write('No sync jobs yet.\n');
          return 0;
        }
        for (const s of summaries) {
          const state = !s.job.enabled ? 'disabled' : s.job.paused ? 'paused' : s.running ? 'running' : 'enabled';
          out.write(
            `${s.job.name}\t${state}\t${schedule(s.job)}\tnext: ${s.nextRunAt ?? '—'}\tlast: ${
              s.lastRun ? `${s.lastRun.status} ${s.lastRun.startedAt} (${s.lastRun.stats.changedFiles} changed)` : 'never'
            }\n\t${s.job.source.localPath} -> ${s.job.destination.collectionId}:${s.job.destination.path}\n`,
          );
        }
        return 0;
      }
      case 'preview': {
        const job = jobByFlag();
        if (!job) return 2;
        const sample = Number(flags.get('--sample') ?? 20);
        const p = await engine.preview(job.id, Number.isFinite(sample) && sample >= 0 ? sample : 20);
        clearProgress();
        if (json) {
          out.write(`${JSON.stringify(p, null, 2)}\n`);
          return 0;
        }
        out.write(
          `${job.name}: ${p.changedFiles} of ${p.filesScanned} file(s) would be transferred (${fmtBytes(p.changedBytes)})` +
            `${p.emptyDirs ? `, ${p.emptyDirs} empty folder(s) created` : ''}; scanned ${p.dirsScanned} folder(s) in ${(p.scanMs / 1000).toFixed(1)} s.\n`,
        );
        for (const s of p.sample) out.write(`  ${s.path}\t${fmtBytes(s.size)}\t${s.mtime}\n`);
        if (p.changedFiles > p.sample.length) out.write(`  … and ${p.changedFiles - p.sample.length} more\n`);
        if (p.symlinksSkipped) out.write(`${p.symlinksSkipped} symlink(s) skipped (policy: skip)\n`);
        for (const l of p.symlinkLoops) out.write(`symlink loop not followed: ${l}\n`);
        for (const w of p.warnings) out.write(`warning: ${w}\n`);
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
          err.write(USAGE);
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
        err.write(USAGE);
        return 2;
    }
  } catch (error) {
    clearProgress();
    err.write(`ferry sync: ${(error as Error).message}\n`);
    return 1;
  } finally {
    unsubscribe();
    await engine.close();
  }
}

async function daemon(
  engine: SyncEngine,
  jobs: readonly SyncJob[],
  deps: SyncCliDeps,
  out: { write(s: string): unknown },
  err: { write(s: string): unknown },
): Promise<number> {
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
