/** What `ferry sync` prints: usage, job lists, previews, run lines and terminal progress. */
import type { SyncJob, SyncJobSummary, SyncPreview, SyncProgress, SyncRun, SyncRunFile } from '../../shared/contract/syncs';

export const SYNC_USAGE = `Usage: ferry sync VERB [flags] [--data-dir DIR]
Jobs live in the app's data folder (the same database the app uses; --data-dir as for ferry serve).
A job is named by --job NAME (or its id). Every verb takes --json for machine-readable output.

  ferry sync list [--json]
  ferry sync add --name NAME --local-path DIR --source-collection ID --source-path PATH
                 --dest-collection ID --dest-path PATH [job settings] [--json]
  ferry sync edit --job NAME [job settings] [--name NEW] [--clear-include] [--clear-exclude] [--json]
  ferry sync remove --job NAME --yes [--json]      deletes the job, its history and its state
  ferry sync pause --job NAME [--json]             no scheduled runs until resumed
  ferry sync resume --job NAME [--json]
  ferry sync preview --job NAME [--sample N] [--json]
  ferry sync run (--job NAME | --all) [--once] [--no-wait] [--json]
      --once     run each job once and exit (for cron); without it, run jobs on their schedules until stopped
      --no-wait  exit once the transfer is submitted; the next run (or the app) records its outcome
  ferry sync log (--job NAME | --run RUN_ID) [--json]          --job: its latest run
  ferry sync files (--run RUN_ID | --job NAME) [--search TEXT] [--offset N] [--limit N] [--csv | --json]
      the files a run sent (path, size, mtime, task id); --job: its latest run that sent files

Job settings (add: defaults shown; edit: only what is given changes):
  --local-path DIR              the folder on this machine that is scanned
  --source-path PATH            that folder as the source collection sees it (/...)
  --every MINUTES | --cron EXPR | --manual | --watch QUIET_SECONDS [--full-scan MINUTES]
                                schedule (default: --every 15); --watch: a run when the folder has been
                                quiet that long, and a full scan every --full-scan minutes (default 60)
  --include GLOB, --exclude GLOB   repeatable; *.tif matches names, a/b/** paths
  --symlinks skip|follow|keep   (default skip)
  --sync-level none|0|1|2|3     Globus sync level (default none: send what changed here)
  --max-items N                 items per Globus task (default 25000)
  --[no-]empty-dirs  --enabled|--disabled  --[no-]verify-checksum  --[no-]preserve-timestamp  --[no-]notify
  --[no-]move-after-verify      delete local files once a checksum-verified task carried them (needs
                                --verify-checksum; only files unchanged since; each deletion logged)

Exit status:
  0  succeeded (run, preview with something to send, and every job command)
  1  failed (a run failed or partly failed, Globus unreachable or not signed in, an error)
  2  usage error (unknown verb or flag, a bad value, no such job or run)
  3  nothing to do (no changes; skipped because another run of the job is under way;
     log, files: the job has no such run yet)
  4  succeeded with warnings (entries that could not be read were skipped; they are tried again next run)
  With --all, the worst outcome wins: 1, then 4, then 0, then 3.
`;

/** Clears the progress line on a terminal. */
export const CLEAR_LINE = '\r\x1b[K';

export function fmtBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

function scheduleText(job: SyncJob): string {
  const s = job.schedule;
  if (s.kind === 'watch') return `watch (quiet ${s.quietSeconds} s, full scan every ${s.fullScanMinutes} min)`;
  return s.kind === 'manual' ? 'manual' : s.kind === 'interval' ? `every ${s.minutes} min` : `cron "${s.expression}"`;
}

/** `succeeded`, `succeeded with 2 warnings`, `no_changes with 1 warning`. */
export function statusText(run: SyncRun): string {
  const w = run.stats.warnings;
  if (w === 0) return run.status;
  return `${run.status} with ${w} warning${w === 1 ? '' : 's'}`;
}

/** One line per ended run: status, label, counts, tasks, message. */
export function runLine(run: SyncRun): string {
  const s = run.stats;
  const tasks = run.tasks.filter((t) => t.taskId).map((t) => t.taskId);
  return (
    `${run.jobName}: ${statusText(run)}${run.label ? ` ${run.label}` : ''} — ${s.filesScanned} scanned, ${s.changedFiles} changed (${fmtBytes(s.changedBytes)})` +
    (tasks.length ? `, task(s) ${tasks.join(', ')}` : '') +
    (run.message ? `. ${run.message}` : '')
  );
}

/** `ferry sync list`: two lines per job. */
export function summaryText(summaries: readonly SyncJobSummary[]): string {
  if (summaries.length === 0) return 'No sync jobs yet.\n';
  return summaries
    .map((s) => {
      const state = !s.job.enabled ? 'disabled' : s.job.paused ? 'paused' : s.running ? 'running' : 'enabled';
      const last = s.lastRun ? `${s.lastRun.status} ${s.lastRun.startedAt} (${s.lastRun.stats.changedFiles} changed)` : 'never';
      return (
        `${s.job.name}\t${state}\t${scheduleText(s.job)}\tnext: ${s.nextRunAt ?? '—'}\tlast: ${last}\n` +
        `\t${s.job.source.localPath} -> ${s.job.destination.collectionId}:${s.job.destination.path}\n`
      );
    })
    .join('');
}

/** `ferry sync preview`: the totals, the sample, what was skipped and warned about. */
export function previewText(job: SyncJob, p: SyncPreview): string {
  let text =
    `${job.name}: ${p.changedFiles} of ${p.filesScanned} file(s) would be transferred (${fmtBytes(p.changedBytes)})` +
    `${p.emptyDirs ? `, ${p.emptyDirs} empty folder(s) created` : ''}; scanned ${p.dirsScanned} folder(s) in ${(p.scanMs / 1000).toFixed(1)} s.\n`;
  for (const s of p.sample) text += `  ${s.path}\t${fmtBytes(s.size)}\t${s.mtime}\n`;
  if (p.changedFiles > p.sample.length) text += `  … and ${p.changedFiles - p.sample.length} more\n`;
  if (p.symlinksSkipped) text += `${p.symlinksSkipped} symlink(s) skipped (policy: skip)\n`;
  for (const l of p.symlinkLoops) text += `symlink loop not followed: ${l}\n`;
  for (const w of p.warnings) text += `warning: ${w}\n`;
  if (p.warningCount > p.warnings.length) text += `… and ${p.warningCount - p.warnings.length} more warning(s)\n`;
  return text;
}

/** `ferry sync add|edit|pause|resume`: what the job is now, in two lines. */
export function jobText(verb: string, job: SyncJob): string {
  const state = !job.enabled ? 'disabled' : job.paused ? 'paused' : 'enabled';
  return (
    `${verb} sync job "${job.name}" (${job.id}): ${state}, ${scheduleText(job)}, symlinks ${job.symlinks}\n` +
    `\t${job.source.localPath} (${job.source.collectionId}:${job.source.collectionPath}) -> ${job.destination.collectionId}:${job.destination.path}\n`
  );
}

/** `ferry sync files`: one tab-separated line per file. */
export function fileLine(f: SyncRunFile): string {
  return `${f.path}\t${f.size}\t${f.mtime}\t${f.taskId}\n`;
}

/** The progress line shown (and overwritten) on a terminal. */
export function progressText(e: SyncProgress): string {
  const what =
    e.phase === 'scan'
      ? `scanning: ${e.filesScanned.toLocaleString()} files in ${e.dirsScanned.toLocaleString()} folders, ${e.changedFiles.toLocaleString()} changed`
      : e.phase === 'submit'
        ? `submitting: ${e.done ?? 0}/${e.total ?? 0} files`
        : e.phase === 'transfer'
          ? 'waiting for Globus…'
          : `${e.phase}…`;
  return `${CLEAR_LINE}${what}`;
}
