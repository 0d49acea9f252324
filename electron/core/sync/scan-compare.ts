/**
 * The second half of one folder's scan (scan-dir.ts): its files (in the worker's columns, from
 * one range or several parts combined) compared with the folder's stored record
 * (fingerprint.ts): the digests first, the fingerprints only when the file digest differs; and
 * what changed, encoded for the pending record.
 *
 * `makeDirCompare` is self-contained on purpose (no outer references): the scan workers are
 * started from its source text.
 */
import type { Codec } from './codec';
import type { Fingerprints } from './fingerprint';
import type { MutableResult } from './scan-dir';
import type { Columns } from './scan-memory';
import type { DirResult, DirTask, RangeScan, WorkerInit } from './scan-types';

export type DirCompare = (result: MutableResult, task: DirTask, opts: WorkerInit, listed: readonly string[], scan: RangeScan, cols: Columns, sampleLeft: number) => DirResult;

export function makeDirCompare(codec: Codec, fpx: Fingerprints): DirCompare {
  /** Open-addressing table of the stored fingerprints `keys` (indexes): index + 1 per slot, 0 = empty. */
  function tableOf(lo: (k: number) => number, keys: readonly number[]): { slots: Uint32Array; mask: number } {
    let size = 16;
    while (size < keys.length * 2) size *= 2;
    const slots = new Uint32Array(size);
    const mask = size - 1;
    for (const k of keys) {
      let s = lo(k) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = k + 1;
    }
    return { slots, mask };
  }

  const h = new Uint32Array(4);
  /** How far the in-step comparison looks ahead for where a folder's files and its record meet again. */
  const AHEAD = 4096;

  function compare(result: MutableResult, task: DirTask, opts: WorkerInit, listed: readonly string[], scan: RangeScan, cols: Columns, sampleLeft: number): DirResult {
    const { n, fd0, fd1, dd0, dd1, subdirCount, entries, failures } = scan;
    const { fileAt, kinds, mtimes, sizes, fps } = cols;
    result.subdirs = scan.subdirs;
    result.warnings = scan.warnings;
    result.warningCount = scan.warningCount;
    result.skippedLinks = scan.skippedLinks;
    result.files = scan.files;
    result.bytes = scan.bytes;
    // a folder whose every entry failed is not empty: it is not created empty at the destination
    result.empty = entries === 0 && failures === 0;
    result.whole = result.isNew && scan.plain && entries > 0;

    const fileDigest: [number, number] | null = n >= fpx.DIGEST_MIN ? [fd0, fd1] : null;
    const dirDigest: [number, number] | null = subdirCount > 0 ? [dd0, dd1] : null;
    // the digests first: the fingerprints are read only when the files' digest differs
    const old = task.state ? fpx.decodeRecord(task.state, false) : null;
    /** Indexes (in the file columns) of the files that changed. */
    let changed: number[] | null = null;
    let unmatched = 0;
    let keep: Uint32Array | null = null;
    const sameFileDigest = old !== null && (old.fileDigest === null ? fileDigest === null : fileDigest !== null && old.fileDigest[0] === fd0 && old.fileDigest[1] === fd1);
    if (old === null) {
      changed = null; // all of them
    } else if (sameFileDigest && old.fileDigest !== null && failures === 0 && old.count === n) {
      changed = []; // the digest of every file's name, size and mtime is the stored one
    } else {
      changed = [];
      // the stored fingerprints are read where they are (no two arrays the folder's size)
      const rec = old;
      const blob = task.state as Uint8Array;
      const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
      const width = rec.width;
      const base = blob.length - rec.count * width;
      const narrow = width === 6;
      const loAt = (k: number): number => dv.getUint32(base + k * width, true);
      const hiAt = (k: number): number => (narrow ? dv.getUint16(base + k * width + 4, true) : dv.getUint32(base + k * width + 4, true));
      const seen = new Uint8Array(rec.count);
      const same = (i: number, k: number): boolean => loAt(k) === fps[2 * i] && hiAt(k) === (narrow ? (fps[2 * i + 1] as number) & 0xffff : fps[2 * i + 1]);
      // a record is in the order its folder was listed, and most files are where they were: walk
      // both in step, past files added, removed or rewritten; only the files left over are
      // looked up, among the stored ones left over. Equal fingerprints are interchangeable, so
      // this finds what looking every file up finds (a folder of 400,000 files with 1,000
      // changes: no table of 400,000)
      const missed: number[] = [];
      let j = 0;
      // out of step, look ahead (up to AHEAD entries on either side) for where the two meet
      // again: past a run of files added (the bench appends 250 in a row) or of stored ones
      // removed. The look-ahead has a budget; once spent, the rest is looked up.
      let budget = 16 * n + 65_536;
      let i = 0;
      while (i < n) {
        if (j < rec.count && same(i, j)) {
          seen[j++] = 1;
          i++;
          continue;
        }
        if (j >= rec.count) {
          for (; i < n; i++) missed.push(i); // past the record's end: all added
          break;
        }
        let added = 0;
        let removed = 0;
        const reach = Math.min(AHEAD, budget, Math.max(n - i, rec.count - j));
        for (let d = 1; d <= reach; d++) {
          if (i + d < n && j < rec.count && same(i + d, j)) {
            added = d;
            break;
          }
          if (j + d < rec.count && same(i, j + d)) {
            removed = d;
            break;
          }
        }
        budget -= reach;
        if (added > 0) {
          for (let a = 0; a < added; a++) missed.push(i + a); // added (or rewritten)
          i += added;
        } else if (removed > 0) {
          j += removed; // the stored ones before it were removed or rewritten
        } else if (budget <= 0) {
          for (; i < n; i++) missed.push(i); // too far out of step: the rest is looked up
        } else {
          missed.push(i); // rewritten
          i++;
          j++;
        }
      }
      if (missed.length > 0) {
        const rest: number[] = [];
        for (let k = 0; k < rec.count; k++) if (seen[k] === 0) rest.push(k);
        const { slots, mask } = tableOf(loAt, rest);
        for (const i of missed) {
          const lo = fps[2 * i] as number;
          const hi = narrow ? (fps[2 * i + 1] as number) & 0xffff : (fps[2 * i + 1] as number);
          let s = lo & mask;
          let found = -1;
          for (;;) {
            const k = slots[s] as number;
            if (k === 0) break;
            if (loAt(k - 1) === lo && hiAt(k - 1) === hi && seen[k - 1] === 0) {
              found = k - 1;
              break;
            }
            s = (s + 1) & mask;
          }
          if (found < 0) changed.push(i);
          else seen[found] = 1;
        }
      }
      for (let k = 0; k < old.count; k++) if (seen[k] === 0) unmatched++;
      if (unmatched === 0 && failures === 0 && old.fileDigest !== null) {
        // every stored file is still here: the files that matched must sum to the stored digest.
        // If they do not, a changed file took the fingerprint of its old self (or of another
        // stored file): a collision. Nothing is guessed: the whole folder is sent again.
        // The matched files' sum is the folder's less the changed files' (hashed again: they are
        // few, and no column of every file's digest hash is kept for them)
        let m0 = fd0;
        let m1 = fd1;
        for (const i of changed) {
          fpx.hash(listed[fileAt[i] as number] as string, kinds[i] as number, sizes[i] as number, mtimes[i] as number, opts.weak === true, h, 0);
          m0 = (m0 - (h[2] as number)) >>> 0;
          m1 = (m1 - (h[3] as number)) >>> 0;
        }
        if (m0 !== old.fileDigest[0] || m1 !== old.fileDigest[1]) {
          result.collision = true;
          changed = null;
        }
      }
      if (failures > 0 && unmatched > 0) {
        // the stored fingerprints of entries that could not be read stay as they are
        keep = new Uint32Array(unmatched * 2);
        let j = 0;
        for (let k = 0; k < old.count; k++) {
          if (seen[k] !== 0) continue;
          keep[j++] = loAt(k);
          keep[j++] = hiAt(k);
        }
      }
    }
    const changedCount = changed === null ? n : changed.length;
    result.dirsChanged = old !== null && (old.dirDigest === null ? dirDigest !== null : dirDigest === null || old.dirDigest[0] !== dd0 || old.dirDigest[1] !== dd1);
    result.removedCount = failures > 0 ? Math.max(0, unmatched - failures) : unmatched;
    result.write = old === null || changedCount > 0 || result.dirsChanged || (failures === 0 && (unmatched > 0 || !sameFileDigest || old.count !== n));
    const prefix = task.rel === '' ? '' : `${task.rel}/`;
    for (let c = 0; c < changedCount; c++) {
      const i = changed === null ? c : (changed[c] as number);
      const size = sizes[i] as number;
      result.changedFiles++;
      result.changedBytes += size;
      if (result.sample.length < sampleLeft) result.sample.push({ path: prefix + (listed[fileAt[i] as number] as string), size, mtime: mtimes[i] as number });
    }
    if (opts.mode === 'pending' && result.write) {
      if (changedCount > 0) {
        // every file changed (a first run): the columns go as they are, not copied into arrays
        const pick = (col: Uint8Array | Float64Array): ArrayLike<number> => {
          if (changed === null) return col.subarray(0, changedCount);
          const out = new Array<number>(changedCount);
          for (let c = 0; c < changedCount; c++) out[c] = col[changed[c] as number] as number;
          return out;
        };
        const names = new Array<string>(changedCount);
        for (let c = 0; c < changedCount; c++) names[c] = listed[fileAt[changed === null ? c : (changed[c] as number)] as number] as string;
        // `auto`: a first run encodes every file, and deflating names that do not repeat cost as
        // much as the rest of its scan for a few percent; the run's file list keeps these bytes
        result.changes = codec.encode({ names, kinds: pick(kinds), mtimes: pick(mtimes), sizes: pick(sizes) }, 'auto');
      }
      result.fps = new Uint8Array(fps.buffer.slice(0, n * 8));
      if (keep) result.keep = new Uint8Array(keep.buffer);
      result.digests = fpx.encodeRecord({ fileDigest: failures === 0 ? fileDigest : null, dirDigest, fps: new Uint32Array(0) });
    }
    return result;
  }

  return compare;
}
