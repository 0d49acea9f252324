/**
 * Verified move (off by default): once a run has ended, the local files that a task of it carried
 * are deleted when that task SUCCEEDED, the job verifies checksums, and the file's size and mtime
 * are still what the scan recorded (so a file rewritten after the scan is never deleted). Only
 * the files on the run's file list (run-files.ts) are considered: nothing else is touched, folders
 * stay. Every deletion, and every file kept for a reason, is a line of the run's log.
 */
import { lstatSync, unlinkSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { formatCount } from '../../../shared/format';
import { forEachRunFile } from './run-files';
import type { RunCtx } from './runs';
import type { SyncRuntime } from './runtime';

export interface MoveResult {
  readonly deleted: number;
  readonly kept: number;
}

/** Log lines about files kept are capped (deletions are all logged). */
const KEPT_LINES = 100;

function errText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ?? (e instanceof Error ? e.message : String(error));
}

/** Deletes what the run's succeeded, checksum-verified tasks carried; null when the job does not move. */
export function moveVerifiedFiles(rt: SyncRuntime, ctx: RunCtx): MoveResult | null {
  const job = rt.jobs.get(ctx.job.id) ?? ctx.job;
  if (!job.moveAfterVerify) return null;
  if (!job.verifyChecksum) {
    rt.runs.log(ctx, 'Verified move is on but checksum verification is off: no local file deleted.', 'WARNING');
    return null;
  }
  const verified = new Set(
    rt.runs
      .tasks(ctx.id)
      .filter((t) => t.status === 'SUCCEEDED' && t.task_id !== null)
      .map((t) => t.task_id as string),
  );
  if (verified.size === 0) return { deleted: 0, kept: 0 };
  const root = normalize(job.source.localPath);
  let deleted = 0;
  let kept = 0;
  const keep = (path: string, why: string): void => {
    kept++;
    if (kept <= KEPT_LINES) rt.runs.log(ctx, `Verified move: kept ${path}: ${why}.`, 'WARNING');
  };
  forEachRunFile(rt, ctx.id, job.id, null, (f, mtimeUs) => {
    if (!verified.has(f.taskId)) return;
    const full = normalize(join(root, f.path));
    if (isAbsolute(f.path) || !full.startsWith(root.endsWith(sep) ? root : root + sep)) return keep(f.path, 'outside the job folder');
    let st;
    try {
      st = lstatSync(full);
    } catch (error) {
      return keep(f.path, `cannot be checked (${errText(error)})`);
    }
    if (!st.isFile()) return keep(f.path, 'no longer a regular file');
    if (st.size !== f.size || Math.round(st.mtimeMs * 1000) !== mtimeUs) return keep(f.path, 'changed since it was sent');
    try {
      unlinkSync(full);
    } catch (error) {
      return keep(f.path, `cannot be deleted (${errText(error)})`);
    }
    deleted++;
    rt.runs.log(ctx, `Verified move: deleted ${f.path} (${f.size} bytes; task ${f.taskId} SUCCEEDED with checksum verification).`);
  });
  const more = kept > KEPT_LINES ? ` (the first ${KEPT_LINES} kept are named above)` : '';
  rt.runs.log(ctx, `Verified move: deleted ${formatCount(deleted, 'local file')}; kept ${formatCount(kept, 'file')}${more}.`, kept > 0 ? 'WARNING' : 'INFO');
  return { deleted, kept };
}
