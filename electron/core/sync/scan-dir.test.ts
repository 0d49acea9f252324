import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SyncSymlinkPolicy } from '../../../shared/contract/syncs';
import { codec } from './codec';
import { fingerprints } from './fingerprint';
import { makeDirCompare } from './scan-compare';
import { makeDirScan, type DirScan, type Rules } from './scan-dir';
import type { FsLike } from './scan-fs';
import { makeScanMemory } from './scan-memory';
import type { DirResult, DirTask, RangeScan, WorkerInit } from './scan-types';

const require = createRequire(import.meta.url);

/** One entry of an in-memory folder: what the listing says, what `lstat`/`stat` find, and faults. */
interface Entry {
  readonly name: string;
  /** The listing's type: 0 unknown, 1 file, 2 folder, 3 link, 5 special. */
  readonly type: number;
  /** What `lstat` finds: 'file' | 'dir' | 'link' | 'fifo'. */
  readonly is: 'file' | 'dir' | 'link' | 'fifo';
  /** What `stat` finds through a link. */
  readonly target: 'file' | 'dir' | 'fifo' | 'ENOENT' | 'ELOOP' | 'EACCES';
  readonly size: number;
  readonly mtimeMs: number;
  readonly lstatFault: 'EACCES' | 'ENOENT' | 'EIO' | null;
}

const MODE = { file: 0o100644, dir: 0o040755, link: 0o120777, fifo: 0o010644 } as const;

function memoryFs(root: string, entries: readonly Entry[]): FsLike {
  const byPath = new Map(entries.map((e) => [`${root}/${e.name}`, e]));
  const fail = (code: string): never => {
    throw Object.assign(new Error(`${code}: injected`), { code });
  };
  return {
    list: (p) => {
      if (p !== root) fail('ENOENT');
      // not in name order: the scan sorts
      const shuffled = [...entries].reverse();
      return { names: shuffled.map((e) => e.name), types: shuffled.map((e) => e.type) };
    },
    lstat: (p, out) => {
      const e = byPath.get(p) ?? fail('ENOENT');
      if (e.lstatFault) fail(e.lstatFault);
      out.set([MODE[e.is], e.size, e.mtimeMs, 1, e.name.length]);
    },
    stat: (p, out) => {
      if (p === root) {
        out.set([MODE.dir, 0, 0, 1, 999]);
        return;
      }
      const e = byPath.get(p) ?? fail('ENOENT');
      const t = e.is === 'link' ? e.target : e.is;
      if (t === 'ENOENT' || t === 'ELOOP' || t === 'EACCES') fail(t);
      else out.set([MODE[t], e.size, e.mtimeMs, 1, t === 'dir' ? 999 : e.name.length]);
    },
  };
}

const entryArb: fc.Arbitrary<Omit<Entry, 'name'>> = fc
  .record({
    is: fc.constantFrom('file', 'file', 'file', 'file', 'file', 'file', 'dir', 'link', 'fifo') as fc.Arbitrary<Entry['is']>,
    unknownType: fc.boolean(),
    target: fc.constantFrom('file', 'dir', 'fifo', 'ENOENT', 'ELOOP', 'EACCES') as fc.Arbitrary<Entry['target']>,
    size: fc.nat(1_000_000),
    mtimeMs: fc.integer({ min: -1_000_000, max: 4_000_000_000_000 }),
    lstatFault: fc.oneof({ arbitrary: fc.constant(null), weight: 15 }, { arbitrary: fc.constantFrom('EACCES', 'ENOENT', 'EIO') as fc.Arbitrary<'EACCES' | 'ENOENT' | 'EIO'>, weight: 1 }),
  })
  .map(({ is, unknownType, ...rest }) => ({ ...rest, is, type: unknownType ? 0 : { file: 1, dir: 2, link: 3, fifo: 5 }[is] }));

function scanner(): DirScan {
  return makeDirScan(codec, fingerprints, makeScanMemory(require), makeDirCompare);
}

function init(policy: SyncSymlinkPolicy, weak: boolean): WorkerInit {
  return { type: 'init', policy, include: [], exclude: [], mode: 'pending', sampleSize: 5, parts: 2, splitMin: 2, ...(weak ? { weak } : {}) };
}

const root = '/job';

/** The folder scanned whole, as a worker does below the split threshold. */
function scanWhole(ds: DirScan, fs: FsLike, task: DirTask, opts: WorkerInit, rules: Rules): DirResult {
  const result = ds.blank(task);
  const listing = ds.list(fs, task, opts, result);
  if (!listing) return result;
  return ds.finish(task, opts, listing.names, listing.chain, ds.range(fs, opts, rules, { ...task, chain: listing.chain }, listing.names, listing.types, 0, listing.names.length, 0), 5);
}

/**
 * The folder scanned in parts cut at `cuts`, as the workers do it: the owner's columns have room
 * for the whole folder; a part scanned by the owner goes straight into them at its first listing
 * index, a part scanned by another worker (a slice of the listing, its own columns) is placed
 * there when it comes back; parts come back in any order; the rows are closed up at the end.
 */
function scanInParts(ds: DirScan, fs: FsLike, task: DirTask, opts: WorkerInit, rules: Rules, cuts: readonly number[]): DirResult {
  const result = ds.blank(task);
  const listing = ds.list(fs, task, opts, result);
  if (!listing) return result;
  const count = listing.names.length;
  const points = [...new Set([0, ...cuts.map((c) => Math.floor((c * count) / 1000)), count])].sort((a, b) => a - b);
  const cols = makeScanMemory(require).columns(count);
  const where = { ...task, chain: listing.chain };
  const ranges: { from: number; to: number; index: number }[] = [];
  for (let i = 0; i + 1 < points.length || ranges.length === 0; i++) ranges.push({ from: points[i] ?? 0, to: points[i + 1] ?? count, index: ranges.length });
  const parts: { from: number; scan: RangeScan }[] = [];
  // back in an order the cuts pick (the last first when their count is odd)
  const order = cuts.length % 2 === 1 ? [...ranges].reverse() : ranges;
  for (const { from, to, index } of order) {
    const byOwner = (index + cuts.length) % 2 === 0;
    if (byOwner) {
      parts[index] = { from, scan: ds.totals(ds.range(fs, opts, rules, where, listing.names, listing.types, from, to, 0, ds.at(cols, from))) };
    } else {
      const scan = ds.part(fs, opts, rules, where, listing.names.slice(from, to), listing.types.slice(from, to), 0, to - from, from);
      ds.place(cols, from, scan);
      parts[index] = { from, scan: ds.totals(scan) };
    }
  }
  return ds.finish(task, opts, listing.names, listing.chain, ds.gather(cols, parts), 5, cols);
}

/** The record a commit of everything stores for a result (run-commit.ts, every task succeeded). */
function recordOf(r: DirResult): Uint8Array {
  const d = r.digests ? fingerprints.decodeRecord(r.digests) : null;
  const fps = r.fps ? new Uint32Array(new Uint8Array(r.fps).buffer) : new Uint32Array(0);
  return fingerprints.encodeRecord({ fileDigest: d?.fileDigest ?? null, dirDigest: d?.dirDigest ?? null, fps });
}

describe('a folder scanned in parts', () => {
  it('gives exactly what it gives scanned whole (digests, changes, fingerprints, warnings), whatever the split points', () => {
    const name = fc.stringMatching(/^[a-zé😀 ._-]{1,12}$/u);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(name, entryArb), { minLength: 0, maxLength: 90, size: 'max', selector: ([n]) => n }),
        // split points, as fractions of the listing (per mille)
        fc.array(fc.nat(1000), { maxLength: 5 }),
        fc.constantFrom('skip', 'keep', 'follow') as fc.Arbitrary<SyncSymlinkPolicy>,
        fc.constantFrom('none', 'earlier', 'same') as fc.Arbitrary<'none' | 'earlier' | 'same'>,
        fc.boolean(),
        fc.array(fc.nat(89), { maxLength: 10 }),
        (rows, cuts, policy, stored, weak, touched) => {
          const entries: Entry[] = rows.map(([n, e]) => ({ name: n, ...e }));
          const opts = init(policy, weak);
          const rules: Rules = { include: [], exclude: [] };
          const fs = memoryFs(root, entries);
          let state: Uint8Array | null = null;
          if (stored !== 'none') {
            // the folder as a run saw it before: the same, or with some files rewritten since
            const before = stored === 'same' ? entries : entries.map((e, i) => (touched.includes(i) ? { ...e, size: e.size + 1 } : e));
            const first = scanWhole(scanner(), memoryFs(root, before), { type: 'dir', id: 1, abs: root, rel: 'sub', state: null, chain: policy === 'follow' ? [] : null }, opts, rules);
            state = recordOf(first);
          }
          const task: DirTask = { type: 'dir', id: 7, abs: root, rel: 'sub', state, chain: policy === 'follow' ? [] : null };
          const whole = scanWhole(scanner(), fs, task, opts, rules);
          const inParts = scanInParts(scanner(), fs, task, opts, rules, cuts);
          expect(inParts).toEqual(whole);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps at most 50 warnings, the first ones in listing order, and counts them all', () => {
    const entries: Entry[] = Array.from({ length: 120 }, (_, i) => ({ name: `f${String(i).padStart(3, '0')}`, type: 1, is: 'file' as const, target: 'file' as const, size: i, mtimeMs: 1000, lstatFault: i % 2 === 0 ? ('EIO' as const) : null }));
    const fs = memoryFs(root, entries);
    const opts = init('skip', false);
    const task: DirTask = { type: 'dir', id: 7, abs: root, rel: '', state: null, chain: null };
    const rules: Rules = { include: [], exclude: [] };
    const whole = scanWhole(scanner(), fs, task, opts, rules);
    const inParts = scanInParts(scanner(), fs, task, opts, rules, [250, 258, 750]);
    expect(inParts).toEqual(whole);
    expect(whole.warningCount).toBe(60);
    expect(whole.warnings.map((w) => w.path)).toEqual(entries.filter((_, i) => i % 2 === 0).slice(0, 50).map((e) => e.name));
    expect(whole.changedFiles).toBe(60);
  });
});
