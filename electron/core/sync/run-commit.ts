/**
 * The run pipeline, last step: what the succeeded tasks carried (and removals, new folders) goes
 * into the job's state, the pending record is dropped and the run ends. The state of a file
 * changes only when the task that carried it SUCCEEDED.
 */
import { bigRun, churnCollector, collectGarbage } from './process-heap';
import { formatCount } from '../../../shared/format';
import { syncFinishedStatuses, type SyncRun, type SyncRunStatus } from '../../../shared/contract/syncs';
import { codec, emptyEntries, type DirEntries } from './codec';
import { fingerprints, type FolderRecord } from './fingerprint';
import type { FolderStore } from './folder-store';
import { dropPending, pendingChanges, pendingPage, type PendingRow } from './pending';
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
  const runs = rt.state.runsDb(ctx.job.id);
  dropRunFiles(runs, rt.runs.prune(ctx.job.id, rt.keepRuns));
  try {
    runs.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // a reader holds the WAL: it is checkpointed later
  }
  return run;
}

/** The state transaction; returns false when another caller already ended the run. */
export function commitRun(rt: SyncRuntime, runId: string, status: SyncRunStatus, message: string, succeeded: ReadonlySet<number> = new Set()): boolean {
  const ctx = rt.runs.ctx(runId);
  if (!ctx) return false;
  if (bigRun(ctx.stats)) collectGarbage();
  const job = ctx.job;
  const state = rt.state.db(job.id);
  const max = rt.runs.maxItems(runId, job);
  const folders = rt.state.folders(job.id);
  const weak = rt.hooks?.weakFingerprints === true;
  const ok = rt.db
    .transaction((): boolean => {
      const current = rt.db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(runId) as SyncRunStatus | undefined;
      if (current === undefined || syncFinishedStatuses.includes(current)) return false;
      state.transaction(() => {
        let index = 0;
        let after: string | null = null;
        const churn = churnCollector();
        for (;;) {
          const page = pendingPage(rt.db, runId, after);
          if (page.length === 0) break;
          for (const row of page) {
            after = row.path;
            churn.add(2 * (row.fps?.length ?? 0)); // read back, and the record made of them
            if (row.fmt === 2 && (row.whole === 1 || row.files > 0)) {
              // the common case: every task that carried the folder's files succeeded; its
              // changes need not be decoded (they are files only, `files` of them)
              const first = index;
              const items = row.whole === 1 ? 1 : row.files;
              let all = true;
              for (let c = Math.floor(first / max); c <= Math.floor((first + items - 1) / max); c++) {
                if (!succeeded.has(c)) {
                  all = false;
                  break;
                }
              }
              if (all) {
                index += items;
                commitFolder(folders, row, null, null, true, row.files, weak);
                continue;
              }
            }
            const blob = row.has_changes ? pendingChanges(rt.db, runId, row.path) : null;
            const changes = blob ? codec.decode(blob) : emptyEntries();
            // which changed entries a succeeded task carried (in the order submitRun numbered them)
            const carried = new Uint8Array(changes.names.length);
            let carriedCount = 0;
            const wholeOk = row.whole === 1 && succeeded.has(Math.floor(index / max));
            if (row.whole === 1) index++;
            for (let i = 0; i < changes.names.length; i++) {
              if (changes.kinds[i] === 2) continue; // format 1 listed new subfolders
              const ok = row.whole === 1 ? wholeOk : succeeded.has(Math.floor(index / max));
              if (row.whole !== 1) index++;
              if (ok) {
                carried[i] = 1;
                carriedCount++;
              }
            }
            const files = changes.kinds.filter((k) => k !== 2).length;
            if (row.fmt === 2) commitFolder(folders, row, changes, carried, carriedCount === files, carriedCount, weak);
            else commitLegacyFolder(folders, row, changes, carried, carriedCount, weak);
          }
        }
        folders.flush();
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
      // chunks rewritten by this commit left their old pages free: give them back to the disk
      state.pragma('incremental_vacuum');
      state.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // another reader holds the WAL: it is checkpointed later
    }
    const run = rt.runs.get(runId);
    if (run) rt.emit({ type: 'run', run });
  }
  return ok;
}

function child(path: string, name: string): string {
  return path === '' ? name : `${path}/${name}`;
}

/** Full 64-bit fingerprints (lo, hi) of the changed entries `pick` selects. */
function fingerprintsOf(changes: DirEntries, pick: (i: number) => boolean, weak: boolean): Uint32Array {
  const out: number[] = [];
  const h = new Uint32Array(4);
  for (let i = 0; i < changes.names.length; i++) {
    if (changes.kinds[i] === 2 || !pick(i)) continue;
    fingerprints.hash(changes.names[i] as string, changes.kinds[i] as number, changes.sizes[i] as number, changes.mtimes[i] as number, weak, h, 0);
    out.push(h[0] as number, h[1] as number);
  }
  return Uint32Array.from(out);
}

/** The fingerprints of a pending row, read in place when aligned (a big folder's are megabytes). */
function u32(b: Uint8Array): Uint32Array {
  if (b.byteOffset % 4 === 0) return new Uint32Array(b.buffer, b.byteOffset, b.length >>> 2);
  const copy = new Uint8Array(b);
  return new Uint32Array(copy.buffer, 0, copy.length >>> 2);
}

/**
 * A folder scanned in format 3: its new record is the listing's fingerprints, minus those of
 * changed files no succeeded task carried (so they are found changed again), plus the stored
 * ones kept for entries that could not be read. The file digest is kept only when the record
 * is exactly the listing.
 */
function commitFolder(folders: FolderStore, row: PendingRow, changes: DirEntries | null, carried: Uint8Array | null, all: boolean, carriedCount: number, weak: boolean): void {
  const digests = row.digests ? fingerprints.decodeRecord(row.digests) : null;
  for (const name of row.gone ? codec.decode(row.gone).names : []) folders.dropTree(child(row.path, name));
  const wantRow = row.new_dir === 0 || carriedCount > 0 || digests?.dirDigest != null || (row.empty === 1 && row.mkdir_ok === 1);
  if (!wantRow) return;
  let fps = row.fps ? u32(row.fps) : new Uint32Array(0);
  if (!all && changes && carried) {
    const drop = fingerprintsOf(changes, (i) => carried[i] === 0, weak);
    const skip = new Set<string>();
    for (let i = 0; i < drop.length; i += 2) skip.add(`${drop[i]}:${drop[i + 1]}`);
    const kept = new Uint32Array(fps.length);
    let k = 0;
    for (let i = 0; i < fps.length; i += 2) {
      const key = `${fps[i]}:${fps[i + 1]}`;
      if (skip.has(key)) {
        skip.delete(key);
        continue;
      }
      kept[k++] = fps[i] as number;
      kept[k++] = fps[i + 1] as number;
    }
    fps = kept.subarray(0, k);
  }
  const keep = row.keep ? u32(row.keep) : null;
  if (keep) {
    const merged = new Uint32Array(fps.length + keep.length);
    merged.set(fps);
    merged.set(keep, fps.length);
    fps = merged;
  }
  const exact = all && !keep;
  folders.put(row.path, fingerprints.encodeRecord({ fileDigest: exact ? (digests?.fileDigest ?? null) : null, dirDigest: digests?.dirDigest ?? null, fps }));
}

/**
 * A folder a run scanned before the upgrade to format 3 (its commit comes after it): what its
 * tasks carried is added to the converted record; gone names drop their folders. Stale
 * fingerprints of rewritten or removed files stay until the folder's next scan drops them.
 */
function commitLegacyFolder(folders: FolderStore, row: PendingRow, changes: DirEntries, carried: Uint8Array, carriedCount: number, weak: boolean): void {
  for (const name of row.removed ? codec.decode(row.removed).names : []) folders.dropTree(child(row.path, name));
  const hasDirs = changes.kinds.some((k) => k === 2);
  const blob = folders.get(row.path);
  if (!blob && !(carriedCount > 0 || hasDirs || (row.new_dir === 1 && row.empty === 1 && row.mkdir_ok === 1))) return;
  const old: FolderRecord | null = blob ? fingerprints.decodeRecord(blob) : null;
  const added = fingerprintsOf(changes, (i) => carried[i] === 1, weak);
  const n = old ? old.count : 0;
  const fps = new Uint32Array(n * 2 + added.length);
  for (let i = 0; i < n; i++) {
    fps[2 * i] = (old as FolderRecord).lo[i] as number;
    fps[2 * i + 1] = (old as FolderRecord).hi[i] as number;
  }
  fps.set(added, n * 2);
  folders.put(row.path, fingerprints.encodeRecord({ fileDigest: null, dirDigest: old?.dirDigest ?? (hasDirs ? [0, 0] : null), fps }));
}
