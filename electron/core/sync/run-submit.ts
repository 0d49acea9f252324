/**
 * The run pipeline, step 2: create new empty folders at the destination, then submit what is
 * pending as one transfer split at the job's max items, through the one submit path. Resumable:
 * chunks already submitted are skipped, chunks with a recorded submission id are resubmitted
 * with it (Globus answers Duplicate; no task twice).
 */
import { formatCount } from '../../../shared/format';
import type { SyncRun } from '../../../shared/contract/syncs';
import { GlobusApiError, type TaskSubmitted, type TransferRequestPlain, type TransferService } from '../globus';
import { sleep } from '../kernel';
import { codec } from './codec';
import type { TaskSubmittedInfo } from './model';
import { joinPath, pendingChangesPage } from './pending';
import { finalizeRun } from './run-commit';
import { churnCollector } from './process-heap';
import { recordRunFiles, type RunFilesRow } from './run-files';
import type { RunCtx, TaskRow } from './runs';
import type { SyncRuntime } from './runtime';
import { autoLabel } from './schedule';

type PlainItem = TransferRequestPlain['items'][number];

export async function submitRun(rt: SyncRuntime, ctx: RunCtx): Promise<SyncRun> {
  const job = ctx.job;
  const label = ctx.label ?? rt.runs.uniqueLabel(job.id, autoLabel(rt.clock.now()));
  ctx.label = label;
  const s = ctx.stats;
  let transfer: TransferService;
  try {
    transfer = await rt.transfer();
  } catch (error) {
    const msg = `Cannot reach Globus: ${(error as Error).message}`;
    rt.runs.log(ctx, msg, 'ERROR');
    return rt.runs.save(ctx, 'submitting', msg);
  }
  if (job.createEmptyDirs) {
    const t0 = performance.now();
    await makeEmptyDirs(rt, ctx, transfer);
    s.phases.mkdirMs += Math.round(performance.now() - t0);
  }
  const t1 = performance.now();
  const max = rt.runs.maxItems(ctx.id, job);
  const total =
    (rt.db.prepare('SELECT COALESCE(SUM(CASE WHEN whole = 1 THEN 1 ELSE files END), 0) FROM pending_dirs WHERE run_id = ?').pluck().get(ctx.id) as number) ?? 0;
  const chunks = Math.ceil(total / max);
  const existing = new Map<number, TaskRow>(rt.runs.tasks(ctx.id).map((t) => [t.chunk, t]));
  const files = (rt.db.prepare('SELECT COALESCE(SUM(files), 0) FROM pending_dirs WHERE run_id = ?').pluck().get(ctx.id) as number) ?? 0;
  if (total > 0) {
    rt.runs.log(
      ctx,
      `Initiating transfer ${label} (${files} file(s)${total !== files ? ` as ${total} item(s), new folders whole` : ''}${chunks > 1 ? ` in ${chunks} tasks of at most ${max} items` : ''})...`,
    );
  }
  let items: PlainItem[] = [];
  let index = 0;
  let keepLinks = false;
  const flushChunk = async (chunk: number): Promise<void> => {
    const prior = existing.get(chunk);
    if (prior && prior.status !== 'pending') return;
    const chunkLabel = chunks > 1 ? `${label}_${chunk + 1}of${chunks}` : label;
    const chunkItems = items;
    const chunkKeepsLinks = keepLinks;
    items = [];
    keepLinks = false;
    await submitChunk(rt, ctx, { chunk, label: chunkLabel, items: chunkItems, keepLinks: chunkKeepsLinks, prior });
  };
  const pending = (chunk: number): boolean => {
    const prior = existing.get(chunk);
    return !prior || prior.status === 'pending';
  };
  let after: string | null = null;
  const state = rt.state.runsDb(job.id);
  let group = 0;
  // the file list's groups (a page of folders each) are written together, up to 8 groups or 1 MB
  // of lists at a time (run-files.ts): one transaction per group cost a third of a submit
  let groups: { group: number; rows: RunFilesRow[] }[] = [];
  let listed = 0;
  const churn = churnCollector();
  for (;;) {
    const page = pendingChangesPage(rt.db, ctx.id, after);
    if (page.length === 0) break;
    // the files this run sends, folder by folder (what the scan encoded)
    const sent: RunFilesRow[] = [];
    for (const row of page) {
      after = row.path;
      if (!row.changes) continue;
      if (row.whole === 1) {
        sent.push({ path: row.path, firstItem: index, whole: true, files: row.files, entries: row.changes });
        // one recursive item for a new folder of plain files (counts as one item)
        const chunk = Math.floor(index / max);
        if (pending(chunk)) {
          items.push({ sourcePath: joinPath(job.source.collectionPath, row.path), destinationPath: joinPath(job.destination.path, row.path), recursive: true });
        }
        index++;
        if (index % max === 0) {
          await flushChunk(chunk);
          rt.runs.progress(ctx, 'submit', index, total);
        }
        continue;
      }
      const e = codec.decode(row.changes);
      const first = index;
      for (let i = 0; i < e.names.length; i++) {
        const kind = e.kinds[i];
        if (kind === 2) continue;
        const chunk = Math.floor(index / max);
        if (pending(chunk)) {
          const rel = row.path === '' ? (e.names[i] as string) : `${row.path}/${e.names[i] as string}`;
          items.push({ sourcePath: joinPath(job.source.collectionPath, rel), destinationPath: joinPath(job.destination.path, rel) });
          if (kind === 1) keepLinks = true;
        }
        index++;
        if (index % max === 0) {
          await flushChunk(chunk);
          rt.runs.progress(ctx, 'submit', index, total);
        }
      }
      if (index > first) sent.push({ path: row.path, firstItem: first, whole: false, files: index - first, entries: row.changes });
    }
    groups.push({ group: group++, rows: sent });
    for (const r of sent) listed += r.entries.length;
    if (groups.length >= 8 || listed >= 1 << 20) {
      recordRunFiles(state, ctx.id, groups);
      churn.add(listed * 2); // the lists read back, and their copies written
      groups = [];
      listed = 0;
    }
  }
  recordRunFiles(state, ctx.id, groups);
  if (index % max !== 0) await flushChunk(Math.floor(index / max));
  s.phases.submitMs += Math.round(performance.now() - t1);
  const tasks = rt.runs.tasks(ctx.id).map((t) => t.status);
  if (tasks.length === 0 || tasks.every((t) => t === 'rejected')) {
    // nothing to wait for (only empty folders, or Globus refused everything)
    rt.runs.save(ctx, 'transferring');
    return finalizeRun(rt, ctx.id);
  }
  return rt.runs.save(ctx, 'transferring', `Submitted ${formatCount(tasks.filter((t) => t !== 'rejected').length, 'task')}`);
}

interface Chunk {
  readonly chunk: number;
  readonly label: string;
  readonly items: readonly PlainItem[];
  /** Symlinks among the items arrive as links (symlink policy keep). */
  readonly keepLinks: boolean;
  readonly prior: TaskRow | undefined;
}

/** One task: its submission id recorded before submitting, up to 3 attempts, then recorded. */
async function submitChunk(rt: SyncRuntime, ctx: RunCtx, c: Chunk): Promise<void> {
  const job = ctx.job;
  const count = c.items.length;
  const submissionId = c.prior?.submission_id ?? (await rt.submitter.newSubmissionId());
  if (!c.prior) {
    // recorded before submitting: a crash after Globus accepted it resubmits with the same id (Duplicate, no second task)
    rt.db
      .prepare(`INSERT INTO run_tasks (run_id, chunk, submission_id, task_id, items, status, error) VALUES (?, ?, ?, NULL, ?, 'pending', NULL)`)
      .run(ctx.id, c.chunk, submissionId, count);
  }
  await rt.hooks?.beforeSubmit?.(c.chunk);
  const request: TransferRequestPlain = {
    source: job.source.collectionId,
    destination: job.destination.collectionId,
    submissionId,
    label: c.label,
    ...(job.syncLevel !== null ? { syncLevel: job.syncLevel } : {}),
    verifyChecksum: job.verifyChecksum,
    preserveTimestamp: job.preserveTimestamp,
    notify: job.notify,
    ...(c.keepLinks ? { recursiveSymlinks: 'keep' as const } : {}),
    items: c.items,
  };
  const send = (): Promise<TaskSubmitted> => rt.submitter.transfer(request, 'sync');
  let lastError: unknown = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const res = await send();
      rt.db.prepare(`UPDATE run_tasks SET task_id = ?, status = 'submitted', error = NULL WHERE run_id = ? AND chunk = ?`).run(res.taskId, ctx.id, c.chunk);
      rt.runs.log(ctx, `Submitted ${c.label}: task ${res.taskId} (${count} file(s))${res.code === 'Duplicate' ? ' (already accepted earlier)' : ''}.`);
      const info: TaskSubmittedInfo = { jobId: job.id, runId: ctx.id, taskId: res.taskId, submissionId, label: c.label, items: count };
      rt.emit({ type: 'task-submitted', info });
      await rt.hooks?.afterSubmit?.(c.chunk, res.taskId);
      return;
    } catch (error) {
      lastError = error;
      const permanent = error instanceof GlobusApiError && error.status >= 400 && error.status < 500 && error.status !== 429;
      if (permanent) break;
      await sleep(rt.clock, 500 * (attempt + 1), rt.closing.signal);
    }
  }
  const msg = lastError instanceof GlobusApiError ? `${lastError.code}: ${lastError.message}` : String((lastError as Error)?.message ?? lastError);
  rt.db.prepare(`UPDATE run_tasks SET status = 'rejected', error = ? WHERE run_id = ? AND chunk = ?`).run(msg, ctx.id, c.chunk);
  rt.runs.log(ctx, `Globus refused ${c.label}: ${msg}. Its ${count} file(s) stay pending for the next run.`, 'ERROR');
}

/** mkdir for every new empty folder (and, on a first run, the destination folder itself). */
async function makeEmptyDirs(rt: SyncRuntime, ctx: RunCtx, transfer: TransferService): Promise<void> {
  const job = ctx.job;
  const empties = rt.db
    .prepare('SELECT path FROM pending_dirs WHERE run_id = ? AND new_dir = 1 AND empty = 1 AND mkdir_ok = 0 ORDER BY path')
    .pluck()
    .all(ctx.id) as string[];
  if (empties.length === 0) return;
  rt.runs.log(ctx, 'Attempting to create empty directories..');
  rt.runs.progress(ctx, 'mkdir');
  const isNew = rt.db.prepare('SELECT new_dir FROM pending_dirs WHERE run_id = ? AND path = ?').pluck();
  const made = new Set<string>();
  let failures = 0;
  if (isNew.get(ctx.id, '') === 1) {
    // a first run: the destination folder itself may not exist yet (Globus mkdir is not recursive)
    const parts = job.destination.path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      try {
        await transfer.mkdir(job.destination.collectionId, `/${parts.slice(0, i).join('/')}`);
      } catch {
        // exists, or not ours to create: the next mkdir says what matters
      }
    }
    made.add('');
  }
  for (const rel of empties) {
    const parts = rel === '' ? [''] : rel.split('/').map((_, i, all) => all.slice(0, i + 1).join('/'));
    let ok = true;
    for (const p of parts) {
      if (made.has(p)) continue;
      if (p !== rel && isNew.get(ctx.id, p) !== 1) continue; // exists on the source side already: created by earlier runs
      const dest = joinPath(job.destination.path, p);
      try {
        await transfer.mkdir(job.destination.collectionId, dest);
        made.add(p);
      } catch (error) {
        if (error instanceof GlobusApiError && /Exists/i.test(error.code)) {
          made.add(p);
          continue;
        }
        ok = false;
        failures++;
        rt.runs.log(ctx, `Could not create ${dest}: ${(error as Error).message}`, 'WARNING');
        break;
      }
    }
    if (ok) rt.db.prepare('UPDATE pending_dirs SET mkdir_ok = 1 WHERE run_id = ? AND path = ?').run(ctx.id, rel);
  }
  rt.runs.log(ctx, `Created ${empties.length - failures} empty director${empties.length - failures === 1 ? 'y' : 'ies'}.`);
}
