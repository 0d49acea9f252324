/**
 * The run pipeline, last step: what the succeeded tasks carried (and removals, new folders) goes
 * into the job's state, the pending record is dropped and the run ends. The state of a file
 * changes only when the task that carried it SUCCEEDED.
 */
import { formatCount } from '../../../shared/format';
import { crc32 } from 'node:zlib';
import { syncFinishedStatuses, type SyncRun, type SyncRunStatus } from '../../../shared/contract/syncs';
import { codec, emptyEntries, type DirEntries } from './codec';
import { dropPending, pendingPage, subtreeRange } from './pending';
import { dropRunFiles } from './run-files';
import { withWarnings } from './run-scan';
import type { SyncRuntime } from './runtime';
import { moveVerifiedFiles } from './verified-move';

export const CANCELED = { status: 'canceled', message: 'Canceled; files not transferred stay pending for the next run.' } as const;

/**
 * Applies what the succeeded tasks carried to the state, drops the pending record and ends the
 * run. Idempotent and guarded: a second caller finds the run already ended and does nothing.
 */
export function finalizeRun(rt: SyncRuntime, runId: string, forcedStatus?: { status: SyncRunStatus; message: string }): SyncRun {
  const forced = forcedStatus ?? (rt.cancelRequested.has(runId) ? CANCELED : undefined);
  const ctx = rt.runs.ctx(runId);
  if (!ctx) return rt.runs.current(runId);
  const tasks = rt.runs.tasks(runId);
  const succeeded = new Set(tasks.filter((t) => t.status === 'SUCCEEDED').map((t) => t.chunk));
  const failed = tasks.filter((t) => t.status !== 'SUCCEEDED');
  let status: SyncRunStatus;
  let message: string;
  if (forced) {
    status = forced.status;
    message = forced.message;
  } else if (tasks.length === 0) {
    status = 'succeeded';
    message = ctx.stats.emptyDirs ? `Created ${ctx.stats.emptyDirs} empty folder(s); no files to transfer.` : 'Nothing to transfer.';
  } else if (failed.length === 0) {
    status = 'succeeded';
    message = `Transferred ${formatCount(ctx.stats.changedFiles, 'file')} in ${formatCount(tasks.length, 'task')}.`;
  } else if (succeeded.size > 0) {
    status = 'partial';
    message = `${failed.length} of ${formatCount(tasks.length, 'task')} did not succeed; their files stay pending for the next run.`;
  } else {
    status = 'failed';
    message = 'The transfer did not succeed; its files stay pending for the next run.';
  }
  if (!forced) message = withWarnings(message, ctx.stats.warnings, status === 'succeeded');
  const t0 = performance.now();
  const done = commitRun(rt, runId, status, message, succeeded);
  if (!done) return rt.runs.current(runId);
  ctx.stats.phases.commitMs = Math.round(performance.now() - t0);
  rt.db.prepare('UPDATE runs SET stats = json_set(stats, \'$.phases.commitMs\', ?) WHERE id = ?').run(ctx.stats.phases.commitMs, runId);
  const fresh = rt.runs.ctx(runId) ?? ctx;
  rt.runs.log(fresh, status === 'succeeded' || status === 'no_changes' ? 'Saving changes.' : `Saving what succeeded. ${message}`, status === 'failed' ? 'ERROR' : 'INFO');
  if (!forced && succeeded.size > 0) {
    try {
      moveVerifiedFiles(rt, fresh);
    } catch (error) {
      rt.runs.log(fresh, `Verified move stopped: ${error instanceof Error ? error.message : String(error)}`, 'ERROR');
    }
  }
  const run = rt.runs.current(runId);
  rt.emit({ type: 'run', run });
  dropRunFiles(rt.state.db(ctx.job.id), rt.runs.prune(ctx.job.id, rt.keepRuns));
  return run;
}

/** The state transaction; returns false when another caller already ended the run. */
export function commitRun(rt: SyncRuntime, runId: string, status: SyncRunStatus, message: string, succeeded: ReadonlySet<number> = new Set()): boolean {
  const ctx = rt.runs.ctx(runId);
  if (!ctx) return false;
  const job = ctx.job;
  const state = rt.state.db(job.id);
  const max = rt.runs.maxItems(runId, job);
  const getDir = state.prepare('SELECT entries FROM dirs WHERE path = ?').pluck();
  const putDir = state.prepare('INSERT INTO dirs (path, entries) VALUES (?, ?) ON CONFLICT (path) DO UPDATE SET entries = excluded.entries');
  const dropDir = state.prepare('DELETE FROM dirs WHERE path = ?');
  const dropBelow = state.prepare('DELETE FROM dirs WHERE path >= ? AND path < ?');
  const ok = rt.db
    .transaction((): boolean => {
      const current = rt.db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(runId) as SyncRunStatus | undefined;
      if (current === undefined || syncFinishedStatuses.includes(current)) return false;
      state.transaction(() => {
        let index = 0;
        let after: string | null = null;
        for (;;) {
          const page = pendingPage(rt.db, runId, after, false);
          if (page.length === 0) break;
          for (const row of page) {
            after = row.path;
            const changes = row.changes ? codec.decode(row.changes) : emptyEntries();
            const keep: number[] = [];
            const wholeOk = row.whole === 1 && succeeded.has(Math.floor(index / max));
            if (row.whole === 1) index++;
            for (let i = 0; i < changes.names.length; i++) {
              if (row.whole === 1) {
                if (wholeOk) keep.push(i);
                continue;
              }
              if (changes.kinds[i] === 2) {
                keep.push(i);
                continue;
              }
              if (succeeded.has(Math.floor(index / max))) keep.push(i);
              index++;
            }
            const removed = row.removed ? codec.decode(row.removed).names : [];
            const wantRow = row.new_dir === 0 || keep.length > 0 || (row.empty === 1 && row.mkdir_ok === 1);
            if (!wantRow && removed.length === 0) continue;
            const blob = getDir.get(row.path) as Buffer | undefined;
            const all = keep.length === changes.names.length;
            // 1. a folder seen for the first time, everything carried: the scan's encoding is the state
            if (!blob && removed.length === 0 && all && row.changes) {
              putDir.run(row.path, row.changes);
              continue;
            }
            // 2. only known names changed, against the very state the scan saw: patch the numbers
            const oldIdx = row.old_idx ? new Int32Array(row.old_idx.buffer.slice(row.old_idx.byteOffset, row.old_idx.byteOffset + row.old_idx.byteLength)) : null;
            if (blob && removed.length === 0 && oldIdx && row.old_crc !== null && crc32(blob) === row.old_crc && keep.every((i) => (oldIdx[i] ?? -1) >= 0)) {
              const st = codec.decodeStats(blob);
              for (const i of keep) {
                const at = oldIdx[i] as number;
                st.kinds[at] = changes.kinds[i] as number;
                st.mtimes[at] = changes.mtimes[i] as number;
                st.sizes[at] = changes.sizes[i] as number;
              }
              putDir.run(row.path, codec.encodeStats(st));
              continue;
            }
            // 3. a linear merge of three sorted lists: old state, carried changes, removed names
            const old = blob ? codec.decode(blob) : emptyEntries();
            if (!blob && !wantRow) continue;
            const next: DirEntries = { names: [], kinds: [], mtimes: [], sizes: [] };
            const push = (src: DirEntries, i: number): void => {
              next.names.push(src.names[i] as string);
              next.kinds.push(src.kinds[i] as number);
              next.mtimes.push(src.mtimes[i] as number);
              next.sizes.push(src.sizes[i] as number);
            };
            let i = 0;
            let j = 0;
            let k = 0;
            while (i < old.names.length || j < keep.length) {
              const on = old.names[i];
              const cj = keep[j];
              const cn = cj === undefined ? undefined : changes.names[cj];
              if (on !== undefined && (cn === undefined || on < cn)) {
                while (k < removed.length && (removed[k] as string) < on) k++;
                if (removed[k] === on) {
                  if (old.kinds[i] === 2) {
                    const rel = row.path === '' ? on : `${row.path}/${on}`;
                    dropDir.run(rel);
                    dropBelow.run(...subtreeRange(rel));
                  }
                } else push(old, i);
                i++;
              } else {
                push(changes, cj as number);
                if (on !== undefined && on === cn) i++;
                j++;
              }
            }
            putDir.run(row.path, codec.encode(next));
          }
        }
      })();
      dropPending(rt.db, runId);
      rt.db
        .prepare('UPDATE runs SET status = ?, message = ?, ended_at = ? WHERE id = ?')
        .run(status, message, new Date(rt.clock.now()).toISOString(), runId);
      return true;
    })
    .immediate();
  if (ok) {
    try {
      state.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // another reader holds the WAL: it is checkpointed later
    }
    const run = rt.runs.get(runId);
    if (run) rt.emit({ type: 'run', run });
  }
  return ok;
}
