/** Helpers shared by this folder's tests (not exported from index.ts). */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncFinishedStatuses, type SyncRun } from '../../../../shared/contract/syncs';
import type { SyncEngine } from '../engine';
import type { SyncJobInput } from '../model';
import type { ScanOptions } from '../scanner';

export interface Sandbox {
  readonly root: string;
  readonly src: string;
  readonly dst: string;
  readonly data: string;
  cleanup(): void;
}

export function makeSandbox(prefix = 'ferry-sync-'): Sandbox {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const src = join(root, 'src');
  const dst = join(root, 'dst');
  const data = join(root, 'data');
  for (const d of [src, dst, data]) mkdirSync(d, { recursive: true });
  return { root, src, dst, data, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

let tick = 1_600_000_000;

/** Writes a file with a distinct mtime (seconds apart, like a detector). */
export function writeFile(path: string, content: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  tick += 3;
  utimesSync(path, tick, tick);
}

/** Builds `dirs` folders of `files` files each under `root`. */
export function buildTree(root: string, dirs: number, files: number): string[] {
  const made: string[] = [];
  for (let d = 0; d < dirs; d++) {
    for (let f = 0; f < files; f++) {
      const rel = `run_${d}/img_${String(f).padStart(4, '0')}.tif`;
      writeFile(join(root, rel), `d${d}f${f}`);
      made.push(rel);
    }
  }
  return made;
}

export function jobInput(s: Sandbox, extra: Partial<SyncJobInput> = {}): SyncJobInput {
  return {
    name: 'detector',
    source: { collectionId: 'SRC', localPath: s.src, collectionPath: '/' },
    destination: { collectionId: 'DST', path: '/backup' },
    schedule: { kind: 'manual' },
    ...extra,
  };
}

/** Every file below `dir` (relative, sorted). */
export function listFiles(dir: string, base = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, base), { withFileTypes: true })) {
    const rel = base ? `${base}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}

export function isDir(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** Bounded polling of a condition (no fixed sleeps). */
export async function waitUntil(cond: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The next ended run of the engine that `match` accepts (waits for its events); fails after `ms`. */
export function nextEndedRun(engine: SyncEngine, match: (r: SyncRun) => boolean, ms = 15_000): Promise<SyncRun> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('no such run within the deadline'));
    }, ms);
    const off = engine.subscribe((e) => {
      if (e.type === 'run' && syncFinishedStatuses.includes(e.run.status) && match(e.run)) {
        clearTimeout(timer);
        off();
        resolve(e.run);
      }
    });
  });
}

/**
 * Options of a scan of `root` as a run makes them (keep links, no rules, pending mode, two
 * workers, no stored state, results dropped), with `extra` over them.
 */
export function scanOptionsFor(root: string, extra: Partial<ScanOptions> = {}): ScanOptions {
  return { root, policy: 'keep', include: [], exclude: [], mode: 'pending', sampleSize: 5, workers: 2, loadState: () => null, onDir: () => undefined, ...extra };
}
