/** What `ferry sync` prints: usage, job lists, previews, run lines and terminal progress. */
import type { SyncJob, SyncJobSummary, SyncPreview, SyncProgress, SyncRun } from '../../shared/contract/syncs';

export const SYNC_USAGE = `Usage:
  ferry sync list [--json]
  ferry sync run (--job NAME | --all) [--once] [--no-wait] [--json]
      --once     run each job once and exit (for cron); without it, run jobs on their schedules until stopped
      --no-wait  exit once the transfer is submitted; the next run (or the app) records its outcome
  ferry sync preview --job NAME [--sample N] [--json]
  ferry sync log --job NAME [--run RUN_ID]
Exit status: 0 done (including "no changes" and "skipped: already running"), 1 a run failed, 2 usage error.
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
  return s.kind === 'manual' ? 'manual' : s.kind === 'interval' ? `every ${s.minutes} min` : `cron "${s.expression}"`;
}

/** One line per ended run: status, label, counts, tasks, message. */
export function runLine(run: SyncRun): string {
  const s = run.stats;
  const tasks = run.tasks.filter((t) => t.taskId).map((t) => t.taskId);
  return (
    `${run.jobName}: ${run.status}${run.label ? ` ${run.label}` : ''} — ${s.filesScanned} scanned, ${s.changedFiles} changed (${fmtBytes(s.changedBytes)})` +
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
  return text;
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
