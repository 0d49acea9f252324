/**
 * The run pipeline, step 1: scan the job's folder and diff it against the job's state. What
 * changed (and what is gone) goes to `pending_dirs`; nothing is marked until the commit.
 */
import type { SyncRun } from '../../../shared/contract/syncs';
import { dropPending } from './pending';
import type { RunCtx } from './runs';
import type { SyncRuntime } from './runtime';
import { ScanAbortedError, scanTree } from './scanner';
import type { DirResult } from './scan-types';
import { codec, compareNames, type DirEntries } from './codec';
import { churnCollector } from './process-heap';

/** Folders the state knows below `r` that its listing no longer has (names, sorted), or null. */
function goneFolders(known: readonly string[], r: DirResult): DirEntries | null {
  if (known.length === 0) return null;
  const listed = new Set(r.subdirs);
  const names = known.filter((n) => !listed.has(n)).sort(compareNames);
  if (names.length === 0) return null;
  return { names, kinds: names.map(() => 2), mtimes: names.map(() => 0), sizes: names.map(() => 0) };
}

const SAMPLE = 10;
export const MAX_WARNING_LINES = 100;

/** `1 warning`, `3 warnings`. */
export function warningsText(n: number): string {
  return `${n} warning${n === 1 ? '' : 's'}`;
}

/** A run's closing message with its warnings, if any: `…; succeeded with 3 warnings (see the log).` */
export function withWarnings(message: string, warnings: number, ok: boolean): string {
  if (warnings === 0) return message;
  const base = message.replace(/\.$/, '');
  return `${base}; ${ok ? 'succeeded with ' : ''}${warningsText(warnings)} (see the log): what could not be read is tried again next run.`;
}

/** Scans into `pending_dirs`; returns the ended run when the scan stopped or failed, else null. */
export async function scanRun(rt: SyncRuntime, ctx: RunCtx, signal: AbortSignal): Promise<SyncRun | null> {
  const job = ctx.job;
  rt.runs.log(ctx, 'Scanning directory..');
  const t0 = performance.now();
  const folders = rt.state.folders(job.id);
  const insert = rt.db.prepare(
    `INSERT INTO pending_dirs (run_id, path, new_dir, empty, whole, files, bytes, changes, removed, old_idx, old_crc, mkdir_ok, fmt, fps, keep, gone, digests)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, 0, 2, ?, ?, ?, ?)`,
  );
  // a whole new folder goes as one recursive item, unless globs pick files inside it or it may
  // be reached through a followed link (Globus would not follow links inside a recursive item)
  const wholeOk = job.include.length === 0 && job.exclude.length === 0 && job.symlinks !== 'follow';
  let batch: { r: DirResult; gone: Uint8Array | null }[] = [];
  let batchBytes = 0;
  const churn = churnCollector();
  const flush = rt.db.transaction((rows: { r: DirResult; gone: Uint8Array | null }[]) => {
    for (const { r, gone } of rows) {
      insert.run(ctx.id, r.rel, r.isNew ? 1 : 0, r.empty ? 1 : 0, r.whole && wholeOk ? 1 : 0, r.changedFiles, r.changedBytes, r.changes, r.fps, r.keep, gone, r.digests);
    }
  });
  const s = ctx.stats;
  let logged = 0;
  let progressAt = 0;
  const skippedLinks: string[] = [];
  try {
    await scanTree({
      root: job.source.localPath,
      policy: job.symlinks,
      include: job.include,
      exclude: job.exclude,
      mode: 'pending',
      sampleSize: SAMPLE,
      workers: rt.workers,
      signal: AbortSignal.any([signal, rt.closing.signal]),
      ...(rt.hooks?.fsFaults ? { faults: rt.hooks.fsFaults } : {}),
      ...(rt.hooks?.weakFingerprints ? { weak: true } : {}),
      loadState: (rel) => folders.get(rel, false), // copied by the scan at once
      onDir: (r) => {
        s.dirsScanned++;
        s.filesScanned += r.files;
        s.bytesScanned += r.bytes;
        s.changedFiles += r.changedFiles;
        s.changedBytes += r.changedBytes;
        s.removedEntries += r.removedCount;
        s.symlinksSkipped += r.skippedLinks;
        if (r.isNew && r.empty && r.rel !== '' && job.createEmptyDirs) s.emptyDirs++;
        for (const x of r.sample) if (s.sample.length < SAMPLE) s.sample.push(x.path);
        s.warnings += r.warningCount;
        for (const w of r.warnings) {
          if (w.kind === 'symlink-skipped') {
            if (skippedLinks.length < 5) skippedLinks.push(w.path);
            continue;
          }
          if (w.kind === 'symlink-loop' && s.symlinkLoops.length < 100) s.symlinkLoops.push(w.path);
          if (logged < MAX_WARNING_LINES) {
            rt.runs.log(ctx, `${w.path}: ${w.detail}`, 'WARNING');
            logged++;
          }
        }
        if (r.collision) rt.runs.log(ctx, `${r.rel || '.'}: two fingerprints collided (the folder's digest differs while every file matched): all ${r.changedFiles} file(s) of the folder are sent again.`, 'WARNING');
        const gone = r.dirsChanged && !r.unreadable ? goneFolders(folders.children(r.rel), r) : null;
        if (gone) s.removedEntries += gone.names.length;
        if (!r.unreadable && r.write) {
          batch.push({ r, gone: gone ? codec.encode(gone) : null });
          batchBytes += (r.changes?.length ?? 0) + (r.fps?.length ?? 0);
          if (batch.length >= 256) {
            flush(batch);
            batch = [];
            churn.add(batchBytes);
            batchBytes = 0;
          }
        }
        const now = Date.now();
        if (now - progressAt > 100) {
          progressAt = now;
          rt.runs.progress(ctx, 'scan');
        }
        return rt.hooks?.afterDir?.(s.dirsScanned);
      },
    });
    flush(batch);
    batch = [];
  } catch (error) {
    dropPending(rt.db, ctx.id);
    s.phases.scanMs = Math.round(performance.now() - t0);
    if (error instanceof ScanAbortedError) {
      rt.runs.log(ctx, 'Scan stopped (job paused, deleted or app closing); nothing was marked as transferred.', 'WARNING');
      return rt.runs.save(ctx, 'canceled', 'Stopped during the scan');
    }
    const msg = (error as Error).message;
    rt.runs.log(ctx, `Scan failed: ${msg}`, 'ERROR');
    return rt.runs.save(ctx, 'failed', `Scan failed: ${msg}`);
  }
  s.phases.scanMs = Math.round(performance.now() - t0);
  if (s.warnings > logged) rt.runs.log(ctx, `... and ${s.warnings - logged} more warning(s)`, 'WARNING');
  if (s.warnings > 0) {
    rt.runs.log(ctx, `${warningsText(s.warnings)}: the entries named above were skipped and are not marked as sent; the next run scans them again.`, 'WARNING');
  }
  if (s.symlinksSkipped > 0) {
    rt.runs.log(ctx, `Skipped ${s.symlinksSkipped} symlink(s) (symlink policy: skip), e.g. ${skippedLinks.join(', ')}`, 'WARNING');
  }
  rt.runs.log(ctx, 'Checking for additions or changes..');
  rt.runs.log(
    ctx,
    `Scanned ${s.filesScanned} file(s) in ${s.dirsScanned} folder(s) in ${(s.phases.scanMs / 1000).toFixed(1)} s: ` +
      `${s.changedFiles} added or changed (${s.changedBytes} bytes)` +
      (s.emptyDirs ? `, ${s.emptyDirs} new empty folder(s)` : '') +
      (s.removedEntries ? `, ${s.removedEntries} gone since last time` : '') +
      (s.warnings ? `, ${warningsText(s.warnings)}` : '') +
      '.',
  );
  rt.runs.progress(ctx, 'scan');
  return null;
}
