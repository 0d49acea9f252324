import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codec } from './codec';
import { fingerprints } from './fingerprint';
import { makeDirCompare } from './scan-compare';
import { makeDirScan } from './scan-dir';
import { makeScanMemory } from './scan-memory';
import type { DirTask, RangeScan, WorkerInit } from './scan-types';

const require = createRequire(import.meta.url);
const compare = makeDirCompare(codec, fingerprints);
const ds = makeDirScan(codec, fingerprints, makeScanMemory(require), makeDirCompare);
const opts: WorkerInit = { type: 'init', policy: 'keep', include: [], exclude: [], mode: 'preview', sampleSize: 1_000_000, parts: 1, splitMin: 1_000_000 };

/** A file's fingerprint from a small id (ids repeat: equal fingerprints happen). */
const lo = (id: number): number => (Math.imul(id + 1, 2654435761) >>> 0) & 0xffffff00;
const hi = (id: number): number => id & 0xffff;

/** Which of the listed files `compare` calls changed (by id) and how many stored ones it found gone. */
function run(stored: readonly number[], listed: readonly number[]): { changed: number[]; removed: number } {
  const state = fingerprints.encodeRecord({ fileDigest: null, dirDigest: null, fps: Uint32Array.from(stored.flatMap((id) => [lo(id), hi(id)])) });
  const task: DirTask = { type: 'dir', id: 1, abs: '/job/d', rel: 'd', state, chain: null };
  const n = listed.length;
  const cols = makeScanMemory(require).columns(n);
  listed.forEach((id, i) => {
    cols.fileAt[i] = i;
    cols.fps[2 * i] = lo(id);
    cols.fps[2 * i + 1] = hi(id);
  });
  // a digest the record does not have: the fingerprints are compared one by one
  const scan: RangeScan = { n, fd0: 1, fd1: 2, dd0: 0, dd1: 0, subdirCount: 0, entries: n, failures: 0, plain: true, files: n, bytes: 0, subdirs: [], warnings: [], warningCount: 0, skippedLinks: 0 };
  const names = listed.map((id, i) => `${i}:${id}`);
  const result = compare(ds.blank(task), task, opts, names, scan, cols, 1_000_000);
  return { changed: result.sample.map((e) => Number(e.path.split(':')[1])), removed: result.removedCount };
}

/** `a` less `b`, as multisets. */
function less(a: readonly number[], b: readonly number[]): number[] {
  const left = new Map<number, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  const out: number[] = [];
  for (const x of a) {
    const c = left.get(x) ?? 0;
    if (c > 0) left.set(x, c - 1);
    else out.push(x);
  }
  return out;
}

/** A listing derived from a stored one: files added, removed, rewritten, moved, in runs. */
const editedArb = fc.array(fc.nat(40), { maxLength: 120 }).chain((stored) =>
  fc
    .array(fc.record({ at: fc.nat(200), op: fc.constantFrom('add', 'remove', 'rewrite', 'move', 'keep'), id: fc.nat(60) }), { maxLength: 30 })
    .map((edits) => {
      const listed = [...stored];
      for (const e of edits) {
        const i = listed.length === 0 ? 0 : e.at % listed.length;
        if (e.op === 'add') listed.splice(i, 0, e.id);
        else if (e.op === 'remove') listed.splice(i, 1);
        else if (e.op === 'rewrite' && listed.length > 0) listed[i] = e.id;
        else if (e.op === 'move' && listed.length > 0) listed.push(...listed.splice(i, 1));
      }
      return { stored, listed };
    }),
);

describe("a folder's files against its stored record", () => {
  // the walk in step is a shortcut: whatever the edits, it must find exactly what looking every
  // file up finds — the files whose fingerprints the record does not hold (as a multiset), in
  // listing order, and the stored ones left over
  it('finds the files not in the record and the stored ones gone, whatever was edited', () => {
    fc.assert(
      fc.property(fc.oneof(editedArb, fc.record({ stored: fc.array(fc.nat(40), { maxLength: 80 }), listed: fc.array(fc.nat(40), { maxLength: 80 }) })), ({ stored, listed }) => {
        const got = run(stored, listed);
        const expected = less(listed, stored);
        expect([...got.changed].sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
        expect(got.removed).toBe(less(stored, listed).length);
      }),
      { numRuns: 500 },
    );
  });

  it('finds the same past long runs of files added or removed, and when too far out of step to walk', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(5000), { minLength: 1000, maxLength: 3000 }),
        fc.array(fc.record({ at: fc.nat(3000), op: fc.constantFrom('add-run', 'remove-run', 'rewrite-run'), length: fc.integer({ min: 1, max: 600 }), id: fc.nat(5000) }), { maxLength: 6 }),
        fc.boolean(),
        (stored, edits, shuffle) => {
          let listed = [...stored];
          for (const e of edits) {
            const i = e.at % (listed.length + 1);
            const ids = Array.from({ length: e.length }, (_, k) => e.id + k);
            if (e.op === 'add-run') listed.splice(i, 0, ...ids);
            else if (e.op === 'remove-run') listed.splice(i, e.length);
            else listed.splice(i, e.length, ...ids.slice(0, Math.max(0, Math.min(e.length, listed.length - i))));
          }
          // shuffled: nothing is in step, the look-ahead's budget runs out
          if (shuffle) listed = [...listed].sort((a, b) => ((a * 2654435761) >>> 0) - ((b * 2654435761) >>> 0));
          const got = run(stored, listed);
          expect([...got.changed].sort((a, b) => a - b)).toEqual(less(listed, stored).sort((a, b) => a - b));
          expect(got.removed).toBe(less(stored, listed).length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('one file added, one rewritten and one removed in a long folder', () => {
    const stored = Array.from({ length: 60 }, (_, i) => i);
    const listed = [...stored];
    listed.splice(10, 0, 1000); // added
    listed[30] = 2000; // rewritten (stored 29 is gone)
    listed.splice(50, 1); // removed (stored 49)
    const got = run(stored, listed);
    expect(got.changed).toEqual([1000, 2000]);
    expect(got.removed).toBe(2);
  });
});
