/**
 * A dry run: what a run of the job would transfer now. Records nothing, needs no Globus. An
 * entry that cannot be read is a warning here as in a run; only the job's folder itself
 * (missing, unreadable) makes a preview throw.
 */
import type { SyncPreview } from '../../../shared/contract/syncs';
import { compareNames } from './codec';
import { MAX_WARNING_LINES } from './run-scan';
import type { SyncRuntime } from './runtime';
import { scanTree } from './scanner';

export async function previewJob(rt: SyncRuntime, idOrName: string, sampleSize = 50): Promise<SyncPreview> {
  const job = rt.jobs.require(idOrName);
  const folders = rt.state.folders(job.id);
  const sample: { path: string; size: number; mtime: string }[] = [];
  const warnings: string[] = [];
  const loops: string[] = [];
  let skipped = 0;
  let warningCount = 0;
  let emptyDirs = 0;
  let files = 0;
  let dirs = 0;
  let changedFiles = 0;
  let changedBytes = 0;
  const started = performance.now();
  let progressAt = 0;
  const totals = await scanTree({
    root: job.source.localPath,
    policy: job.symlinks,
    include: job.include,
    exclude: job.exclude,
    mode: 'preview',
    sampleSize,
    workers: rt.workers,
    signal: rt.closing.signal,
    ...(rt.hooks?.fsFaults ? { faults: rt.hooks.fsFaults } : {}),
    ...(rt.hooks?.weakFingerprints ? { weak: true } : {}),
    loadState: (rel) => folders.get(rel, false), // copied by the scan at once
    onDir: (r) => {
      files += r.files;
      dirs++;
      changedFiles += r.changedFiles;
      changedBytes += r.changedBytes;
      skipped += r.skippedLinks;
      warningCount += r.warningCount;
      if (r.isNew && r.empty && r.rel !== '') emptyDirs++;
      for (const s of r.sample) if (sample.length < sampleSize) sample.push({ path: s.path, size: s.size, mtime: new Date(s.mtime / 1000).toISOString() });
      for (const w of r.warnings) {
        if (w.kind === 'symlink-loop') loops.push(w.path);
        if (w.kind !== 'symlink-skipped' && warnings.length < MAX_WARNING_LINES) warnings.push(`${w.path}: ${w.detail}`);
      }
      const now = Date.now();
      if (now - progressAt > 100) {
        progressAt = now;
        rt.emit({ type: 'progress', jobId: job.id, runId: null, phase: 'scan', filesScanned: files, dirsScanned: dirs, changedFiles, changedBytes });
      }
    },
  });
  return {
    jobId: job.id,
    filesScanned: totals.files,
    dirsScanned: totals.dirs,
    changedFiles,
    changedBytes,
    emptyDirs: job.createEmptyDirs ? emptyDirs : 0,
    symlinksSkipped: skipped,
    symlinkLoops: loops,
    warnings: [...warnings].sort(compareNames),
    warningCount,
    sample: [...sample].sort((a, b) => compareNames(a.path, b.path)),
    scanMs: Math.round(performance.now() - started),
  };
}
