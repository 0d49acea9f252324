/**
 * Sync change detection on a tree shaped like globus_auto's detector folder (seed 002): 720
 * run folders of 1,791 `.tif` files (1,289,344 files), sparse 4 MB files written a few seconds
 * apart. Compared, in the same run, with `find DIR -printf '%T@ %s %p\n' > /dev/null`:
 *   (a) full scan + diff against the state, no changes      goal <= 1.0x find
 *   (b) state on disk                                        goal <= 10 MB
 *   (c) peak RSS of the whole run                            goal <= 200 MB
 *   (d) incremental run with 600 changed files vs (a)        goal <= 1.1x
 *       (480 new files: half appended to the newest folder, half in a new one; 120 rewritten, spread)
 *   (e) first run (empty state) vs find                      goal <= 2x
 * FERRY_BENCH_FILES scales the tree (default: the full 1,289,344); the tree is removed after.
 * Runs go through the whole engine (scan, pending record, submit, commit) with a Transfer
 * service that accepts at once and moves nothing, so Globus' own time is not measured.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, ftruncateSync, futimesSync, mkdirSync, mkdtempSync, openSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskDocument } from '../shared/globus-types';
import type { TransferService } from '../electron/core/globus';
import { SyncEngine } from '../electron/core/sync';
import type { BenchResult } from './types';

const FULL = 1_289_344;
const PER_DIR = 1_791;

function buildTree(root: string, files: number): { dirs: number; paths: (i: number) => string } {
  const dirs = Math.max(1, Math.ceil(files / PER_DIR));
  let t = 1_537_000_000; // September 2018, like the seed's log
  const dirName = (d: number): string => `redacted_Sep2018_${String(d).padStart(3, '0')}_YAGline9test`;
  const fileName = (f: number): string => `YAGline9test_${String(f + 1).padStart(5, '0')}.tif`;
  let made = 0;
  for (let d = 0; d < dirs && made < files; d++) {
    const dir = join(root, dirName(d));
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < PER_DIR && made < files; f++, made++) {
      t += 1 + Math.random() * 3; // a few seconds apart, sub-second parts like a real detector
      const fd = openSync(join(dir, fileName(f)), 'w');
      ftruncateSync(fd, 4_000_000 + (f % 5) * 4096); // sparse: size without the disk
      futimesSync(fd, t, t);
      closeSync(fd);
    }
  }
  return { dirs, paths: (i) => join(root, dirName(Math.floor(i / PER_DIR)), fileName(i % PER_DIR)) };
}

function timeFind(root: string): number {
  const t0 = performance.now();
  execFileSync('sh', ['-c', `find "$1" -printf '%T@ %s %p\\n' > /dev/null`, 'sh', root]);
  return performance.now() - t0;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

/** Accepts every submission at once; tasks report SUCCEEDED; nothing moves. */
function instantTransfer(): TransferService {
  const tasks = new Map<string, TaskDocument>();
  const fail = (): never => {
    throw new Error('not used by the bench');
  };
  return {
    getSubmissionId: async () => randomUUID(),
    submitTransfer: async (doc) => {
      const id = randomUUID();
      tasks.set(id, {
        task_id: id,
        type: 'TRANSFER',
        status: 'SUCCEEDED',
        label: doc.label ?? null,
        nice_status: null,
        source_endpoint_id: doc.source_endpoint,
        destination_endpoint_id: doc.destination_endpoint,
        request_time: new Date().toISOString(),
        completion_time: new Date().toISOString(),
        deadline: new Date().toISOString(),
        files: doc.DATA.length,
        directories: 0,
        files_transferred: doc.DATA.length,
        files_skipped: 0,
        bytes_transferred: 0,
        effective_bytes_per_second: 0,
        faults: 0,
        subtasks_total: doc.DATA.length,
        subtasks_pending: 0,
        subtasks_retrying: 0,
        subtasks_succeeded: doc.DATA.length,
        subtasks_failed: 0,
        subtasks_canceled: 0,
        subtasks_expired: 0,
        sync_level: null,
      });
      return { task_id: id, submission_id: doc.submission_id, code: 'Accepted' };
    },
    getTask: async (id) => tasks.get(id) ?? fail(),
    mkdir: async () => ({ code: 'DirectoryCreated', message: '' }),
    submitDelete: fail,
    listTasks: fail,
    cancelTask: fail,
    taskEvents: fail,
    successfulTransfers: fail,
    skippedErrors: fail,
    getCollection: fail,
    searchCollections: fail,
    ls: fail,
    rename: fail,
  };
}

export async function run(): Promise<readonly BenchResult[]> {
  const files = Math.max(1, Number(process.env.FERRY_BENCH_FILES ?? FULL));
  const work = mkdtempSync(join(tmpdir(), 'ferry-bench-sync-'));
  const root = join(work, 'xmasdata', '2018');
  try {
    const tb = performance.now();
    const tree = buildTree(root, files);
    const buildS = (performance.now() - tb) / 1000;
    timeFind(root); // warm the cache for both sides
    const baselineMb = process.memoryUsage().rss / 1e6;
    const engine = new SyncEngine({ dataDir: join(work, 'data'), transfer: instantTransfer(), pollIntervalMs: 1 });
    try {
      const job = engine.createJob({
        name: 'bench',
        source: { collectionId: randomUUID(), localPath: root, collectionPath: '/xmasdata/2018' },
        destination: { collectionId: randomUUID(), path: '/clusterfs/xmas/xmas-storage/2018' },
        schedule: { kind: 'manual' },
        maxItemsPerTransfer: 25_000,
      });

      // (e) first run: empty state, everything is new (scan + pending + submit + commit)
      const findE = timeFind(root);
      let t0 = performance.now();
      const first = await engine.runJobToCompletion(job.id);
      const firstMs = performance.now() - t0;
      if (first.status !== 'succeeded' || first.stats.changedFiles !== files) throw new Error(`first run: ${first.status} ${first.stats.changedFiles}`);
      const stateBytes = engine.stateSize(job.id);

      // (a) no changes: interleaved with find, medians of 3
      const findA: number[] = [];
      const scanA: number[] = [];
      for (let i = 0; i < 3; i++) {
        findA.push(timeFind(root));
        t0 = performance.now();
        const r = await engine.runJobToCompletion(job.id);
        scanA.push(performance.now() - t0);
        if (r.status !== 'no_changes') throw new Error(`no-change run: ${r.status}`);
      }

      // (d) 600 changed files (the seed's five-minute average) as a detector makes them: 240 new
      // files appended to the newest folder, 240 in a new folder, and 120 rewritten files spread
      // over 120 folders (reprocessing); 2 trials, each against fresh changes
      const scanD: number[] = [];
      const findD: number[] = [];
      const phasesD: string[] = [];
      const changed = 600;
      let now = 1_600_000_000;
      const newest = tree.paths(files - 1).replace(/\/[^/]*$/, '');
      for (let trial = 0; trial < 2; trial++) {
        const fresh = join(root, `redacted_Sep2018_new${trial}_YAGline9test`);
        mkdirSync(fresh);
        for (let k = 0; k < 480; k++) {
          now += 2;
          const fd = openSync(k < 240 ? join(newest, `appended_${trial}_${k}.tif`) : join(fresh, `YAGline9test_${String(k).padStart(5, '0')}.tif`), 'w');
          ftruncateSync(fd, 4_000_000);
          futimesSync(fd, now, now);
          closeSync(fd);
        }
        for (let k = 0; k < 120; k++) {
          const i = Math.floor(((k + 0.5 + trial * 0.25) * files) / 120) % files;
          now += 2;
          utimesSync(tree.paths(i), now, now);
        }
        findD.push(timeFind(root));
        t0 = performance.now();
        const r = await engine.runJobToCompletion(job.id);
        scanD.push(performance.now() - t0);
        const p = r.stats.phases;
        phasesD.push(`scan ${(p.scanMs / 1000).toFixed(2)} + submit ${(p.submitMs / 1000).toFixed(2)} + commit ${(p.commitMs / 1000).toFixed(2)} s`);
        if (r.stats.changedFiles !== changed) throw new Error(`incremental run saw ${r.stats.changedFiles} changes, not ${changed}`);
      }
      const stateAfter = engine.stateSize(job.id);
      const rssMb = process.resourceUsage().maxRSS / 1024;

      const a = median(scanA);
      const fa = median(findA);
      const d = median(scanD);
      const shape = `${files.toLocaleString('en-US')} files in ${tree.dirs} folders (built in ${buildS.toFixed(0)} s)`;
      return [
        {
          name: 'sync-scan (a) full scan+diff, no changes / find',
          ratio: a / fa,
          goal: '<= 1.0',
          detail: `${(a / 1000).toFixed(2)} s vs find ${(fa / 1000).toFixed(2)} s (medians of 3, interleaved); ${shape}`,
        },
        {
          name: 'sync-scan (b) state on disk (MB)',
          ratio: stateAfter / 1e6,
          goal: '<= 10',
          detail: `${(stateAfter / 1e6).toFixed(2)} MB after all runs (${(stateBytes / 1e6).toFixed(2)} MB after the first) = ${(stateAfter / files).toFixed(1)} bytes/file; globus_auto: 78 MB`,
        },
        {
          name: 'sync-scan (c) peak RSS of the whole run (MB)',
          ratio: rssMb,
          goal: '<= 200',
          detail: `${rssMb.toFixed(0)} MB max RSS of this process (runner, tree building, every run, both scan workers); it held ${baselineMb.toFixed(0)} MB (node + tsx + modules) before the first run`,
        },
        {
          name: 'sync-scan (d) incremental, 600 changed / (a)',
          ratio: d / a,
          goal: '<= 1.1',
          detail: `${(d / 1000).toFixed(2)} s (median of 2 runs of scan, submit, commit; 480 new + 120 rewritten files; ${phasesD.join(' / ')}) vs (a) ${(a / 1000).toFixed(2)} s; find meanwhile ${(median(findD) / 1000).toFixed(2)} s`,
        },
        {
          name: 'sync-scan (e) first run, empty state / find',
          ratio: firstMs / findE,
          goal: '<= 2.0',
          detail: `${(firstMs / 1000).toFixed(2)} s (scan ${(first.stats.phases.scanMs / 1000).toFixed(2)} s, submit ${(first.stats.phases.submitMs / 1000).toFixed(2)} s in ${first.tasks.length} task(s), commit ${(first.stats.phases.commitMs / 1000).toFixed(2)} s) vs find ${(findE / 1000).toFixed(2)} s`,
        },
      ];
    } finally {
      await engine.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
