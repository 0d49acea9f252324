/**
 * Sync change detection on a tree shaped like globus_auto's detector folder (seed 002): 720
 * run folders of 1,791 `.tif` files (1,289,344 files), sparse 4 MB files written a few seconds
 * apart. Compared, in the same run, with `find DIR -printf '%T@ %s %p\n' > /dev/null`:
 *   (a) full scan + diff against the state, no changes      goal <= 1.0x find
 *   (b) state on disk                                        goal <= 10 MB
 *   (c) peak RSS of the whole run (the process running it)   goal <= 200 MB
 *   (d) incremental run with 600 changed files vs (a)        goal <= 1.1x
 *       (480 new files: half appended to the newest folder, half in a new one; 120 rewritten, spread)
 *   (e) first run (empty state) vs find                      goal <= 2x
 * FERRY_BENCH_FILES scales the tree (default: the full 1,289,344); the tree is removed after.
 * Runs go through the whole engine (scan, pending record, submit, commit) with a Transfer
 * service that accepts at once and moves nothing, so Globus' own time is not measured.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, futimesSync, mkdirSync, mkdtempSync, openSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ChildCommand, ChildDoneReply, ChildRunReply } from './sync-scan-child';
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


export async function run(): Promise<readonly BenchResult[]> {
  const files = Math.max(1, Number(process.env.FERRY_BENCH_FILES ?? FULL));
  const work = mkdtempSync(join(tmpdir(), 'ferry-bench-sync-'));
  const root = join(work, 'xmasdata', '2018');
  try {
    const tb = performance.now();
    const tree = buildTree(root, files);
    const buildS = (performance.now() - tb) / 1000;
    timeFind(root); // warm the cache for both sides
    const child = await startChild(root, join(work, 'data'));
    try {
      // (e) first run: empty state, everything is new (scan + pending + submit + commit)
      const findE = timeFind(root);
      const first = await child.run('first');
      const firstMs = first.ms;
      if (first.status !== 'succeeded' || first.changedFiles !== files) throw new Error(`first run: ${first.status} ${first.changedFiles}`);
      const stateBytes = first.stateBytes;

      // (a) no changes: interleaved with find, medians of 3
      const findA: number[] = [];
      const scanA: number[] = [];
      for (let i = 0; i < 3; i++) {
        findA.push(timeFind(root));
        const r = await child.run('nochange');
        scanA.push(r.ms);
        if (r.status !== 'no_changes') throw new Error(`no-change run: ${r.status}`);
      }

      // (d) 600 changed files (the seed's five-minute average) as a detector makes them: 240 new
      // files appended to the newest folder, 240 in a new folder, and 120 rewritten files spread
      // over 120 folders (reprocessing); 3 trials, each against fresh changes (an odd count, so the median is a real middle value)
      const scanD: number[] = [];
      const findD: number[] = [];
      const phasesD: string[] = [];
      const changed = 600;
      let now = 1_600_000_000;
      const newest = tree.paths(files - 1).replace(/\/[^/]*$/, '');
      for (let trial = 0; trial < 3; trial++) {
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
        const r = await child.run('incremental');
        scanD.push(r.ms);
        const p = r.phases;
        phasesD.push(`scan ${(p.scanMs / 1000).toFixed(2)} + submit ${(p.submitMs / 1000).toFixed(2)} + commit ${(p.commitMs / 1000).toFixed(2)} s`);
        if (r.changedFiles !== changed) throw new Error(`incremental run saw ${r.changedFiles} changes, not ${changed}`);
      }
      const done = await child.finish();
      const stateAfter = done.stateBytes;
      const rssMb = done.maxRssMb;
      const baselineMb = done.startRssMb;

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
          detail: `${rssMb.toFixed(0)} MB max RSS of the process that ran every sync run (engine, SQLite, both scan workers; bundled like the ferry CLI, no tsx); it started at ${baselineMb.toFixed(0)} MB`,
        },
        {
          name: 'sync-scan (d) incremental, 600 changed / (a)',
          ratio: d / a,
          goal: '<= 1.1',
          detail: `${(d / 1000).toFixed(2)} s (median of 3 runs of scan, submit, commit; 480 new + 120 rewritten files; ${phasesD.join(' / ')}) vs (a) ${(a / 1000).toFixed(2)} s; find meanwhile ${(median(findD) / 1000).toFixed(2)} s`,
        },
        {
          name: 'sync-scan (e) first run, empty state / find',
          ratio: firstMs / findE,
          goal: '<= 2.0',
          detail: `${(firstMs / 1000).toFixed(2)} s (scan ${(first.phases.scanMs / 1000).toFixed(2)} s, submit ${(first.phases.submitMs / 1000).toFixed(2)} s in ${first.tasks} task(s), commit ${(first.phases.commitMs / 1000).toFixed(2)} s) vs find ${(findE / 1000).toFixed(2)} s`,
        },
      ];
    } finally {
      child.kill();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Bundles bench/sync-scan-child.ts (as the CLI is bundled) and starts it with IPC. */
async function startChild(root: string, dataDir: string) {
  const here = dirname(fileURLToPath(import.meta.url));
  const outfile = join(here, '..', '.tmp', 'bench', 'sync-scan-child.mjs');
  await build({ entryPoints: [join(here, 'sync-scan-child.ts')], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'warning' });
  const proc: ChildProcess = fork(outfile, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
  const next = <T>(): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: unknown) => {
        proc.off('exit', onExit);
        const e = (m as { error?: string }).error;
        if (e) reject(new Error(`sync bench child: ${e}`));
        else resolve(m as T);
      };
      const onExit = (code: number | null) => {
        proc.off('message', onMessage);
        reject(new Error(`sync bench child exited with ${code}`));
      };
      proc.once('message', onMessage);
      proc.once('exit', onExit);
    });
  const ready = next<{ ready: true }>();
  proc.send({ start: { root, dataDir } });
  await ready;
  return {
    run: (command: Exclude<ChildCommand, 'done'>) => {
      const reply = next<ChildRunReply>();
      proc.send({ command });
      return reply;
    },
    finish: () => {
      const reply = next<ChildDoneReply>();
      proc.send({ command: 'done' });
      return reply;
    },
    kill: () => {
      if (proc.exitCode === null) proc.kill();
    },
  };
}
