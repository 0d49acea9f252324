/**
 * The change-detection state of one folder (state format 3): a fixed-size fingerprint per file
 * and two digests of the folder's listing, instead of the names, sizes and mtimes themselves.
 *
 * - `fp(e)`: 64 bits from (name, kind, size, mtime) — stored per file (6 bytes in folders of at
 *   most 4 files, else 8). A file is unchanged when its fingerprint is among its folder's.
 * - file digest: the sum (per 32-bit lane) of a second, differently finalised 64-bit hash of every
 *   file of the folder — stored for folders of 8 files or more. Equal digests: the folder's files
 *   are unchanged and no fingerprint is looked up. A digest that differs while every fingerprint
 *   matches (and none is missing) can only be a fingerprint collision: the scan then sends the
 *   whole folder (see docs/syncs.md, "Fingerprints and collisions").
 * - folder digest: the same sum over the names of the subfolders (present when there are some):
 *   when it differs, the engine looks for subfolders that are gone.
 *
 * `makeFingerprints` is self-contained on purpose (no outer references): the scan workers are
 * started from its source text, so the very same code runs in the workers and here.
 */

/** One folder's stored state, decoded. */
export interface FolderRecord {
  /** Bytes per fingerprint: 6 or 8. */
  readonly width: number;
  /** Low and high 32 bits of the file digest, or null when not stored. */
  readonly fileDigest: readonly [number, number] | null;
  readonly dirDigest: readonly [number, number] | null;
  readonly count: number;
  /** Fingerprints as stored: `lo[i]`, `hi[i]` (hi masked to 16 bits when width is 6). */
  readonly lo: Uint32Array;
  readonly hi: Uint32Array;
}

export interface RecordInput {
  readonly fileDigest: readonly [number, number] | null;
  readonly dirDigest: readonly [number, number] | null;
  /** Full 64-bit fingerprints, lo/hi interleaved (8 bytes each, as `Fingerprints.fingerprint` writes them). */
  readonly fps: Uint32Array;
}

export interface Fingerprints {
  /** Writes fp lo, fp hi, digest-hash lo, digest-hash hi of one entry into `out[at..at+3]`. `weak`: the fingerprint ignores size and mtime (tests: forces collisions). */
  hash(name: string, kind: number, size: number, mtime: number, weak: boolean, out: Uint32Array, at: number): void;
  encodeRecord(input: RecordInput): Uint8Array;
  /** `fps` false: the digests and the count only (`lo`, `hi` left empty). */
  decodeRecord(blob: Uint8Array, fps?: boolean): FolderRecord;
  /** Width used for a folder of `n` files. */
  widthFor(n: number): number;
  /** Smallest number of files whose folder stores a file digest. */
  readonly DIGEST_MIN: number;
}

export function makeFingerprints(): Fingerprints {
  const DIGEST_MIN = 8;
  function fmix(h0: number): number {
    let h = h0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
  }
  function hash(name: string, kind: number, size: number, mtime: number, weak: boolean, out: Uint32Array, at: number): void {
    // two independent 32-bit lanes over the name's UTF-16 code units
    let a = 0x243f6a88 ^ name.length;
    let b = 0x85a308d3 ^ Math.imul(name.length, 0x9e3779b1);
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      a ^= a >>> 15;
      b = Math.imul(b + c, 0x9e3779b1);
      b ^= b >>> 13;
    }
    const sLo = size >>> 0;
    const sHi = Math.floor(size / 4294967296) >>> 0;
    const mLo = mtime >>> 0;
    const mHi = Math.floor(mtime / 4294967296) >>> 0;
    // fingerprint: name lanes, kind, size, mtime
    let x = a ^ Math.imul(kind + 1, 0x27d4eb2f);
    let y = b ^ Math.imul(kind + 1, 0x165667b1);
    if (!weak) {
      x = Math.imul(x ^ sLo, 0xcc9e2d51) ^ mHi;
      y = Math.imul(y ^ mLo, 0x1b873593) ^ sHi;
      x = Math.imul(x ^ (y >>> 7), 0x85ebca6b) ^ mLo;
      y = Math.imul(y ^ (x >>> 11), 0xc2b2ae35) ^ sLo;
    }
    out[at] = fmix(x ^ Math.imul(y, 0x9e3779b1));
    out[at + 1] = fmix(y ^ Math.imul(x, 0x7feb352d));
    // the digest's hash: the same inputs, other constants and another order (never weak)
    let u = b ^ Math.imul(kind + 7, 0x61c88647);
    let v = a ^ Math.imul(kind + 7, 0x2c1b3c6d);
    u = Math.imul(u ^ mLo, 0x297a2d39) ^ sHi;
    v = Math.imul(v ^ sLo, 0x68e31da4) ^ mHi;
    u = Math.imul(u ^ (v >>> 9), 0x5bd1e995) ^ sLo;
    v = Math.imul(v ^ (u >>> 5), 0xb492b66f) ^ mLo;
    out[at + 2] = fmix(u ^ Math.imul(v, 0x3c6ef372));
    out[at + 3] = fmix(v ^ Math.imul(u, 0xa54ff53a));
  }

  function widthFor(n: number): number {
    return n <= 4 ? 6 : 8;
  }

  function encodeRecord(input: RecordInput): Uint8Array {
    const n = input.fps.length / 2;
    const width = widthFor(n);
    const head = 1 + (input.fileDigest ? 8 : 0) + (input.dirDigest ? 8 : 0) + 5;
    const buf = new Uint8Array(head + n * width);
    const dv = new DataView(buf.buffer);
    let pos = 0;
    buf[pos++] = (input.fileDigest ? 1 : 0) | (input.dirDigest ? 2 : 0) | (width === 6 ? 4 : 0);
    for (const d of [input.fileDigest, input.dirDigest]) {
      if (!d) continue;
      dv.setUint32(pos, d[0] >>> 0, true);
      dv.setUint32(pos + 4, d[1] >>> 0, true);
      pos += 8;
    }
    let v = n;
    while (v >= 128) {
      buf[pos++] = (v % 128) + 128;
      v = Math.floor(v / 128);
    }
    buf[pos++] = v;
    for (let i = 0; i < n; i++) {
      dv.setUint32(pos, input.fps[2 * i] as number, true);
      const hi = input.fps[2 * i + 1] as number;
      if (width === 8) dv.setUint32(pos + 4, hi, true);
      else dv.setUint16(pos + 4, hi & 0xffff, true);
      pos += width;
    }
    return buf.subarray(0, pos);
  }

  function decodeRecord(blob: Uint8Array, withFps = true): FolderRecord {
    if (blob.length < 2) throw new Error('sync state: truncated folder record');
    const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    let pos = 0;
    const flags = blob[pos++] as number;
    if (flags > 7) throw new Error(`sync state: unknown folder record flags ${flags}`);
    const width = flags & 4 ? 6 : 8;
    let fileDigest: [number, number] | null = null;
    let dirDigest: [number, number] | null = null;
    if (flags & 1) {
      fileDigest = [dv.getUint32(pos, true), dv.getUint32(pos + 4, true)];
      pos += 8;
    }
    if (flags & 2) {
      dirDigest = [dv.getUint32(pos, true), dv.getUint32(pos + 4, true)];
      pos += 8;
    }
    let n = 0;
    let mul = 1;
    for (;;) {
      if (pos >= blob.length) throw new Error('sync state: truncated folder record');
      const byte = blob[pos++] as number;
      n += (byte & 127) * mul;
      if (byte < 128) break;
      mul *= 128;
    }
    if (pos + n * width !== blob.length) throw new Error('sync state: folder record of the wrong length');
    if (!withFps) return { width, fileDigest, dirDigest, count: n, lo: new Uint32Array(0), hi: new Uint32Array(0) };
    const lo = new Uint32Array(n);
    const hi = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      lo[i] = dv.getUint32(pos, true);
      hi[i] = width === 8 ? dv.getUint32(pos + 4, true) : dv.getUint16(pos + 4, true);
      pos += width;
    }
    return { width, fileDigest, dirDigest, count: n, lo, hi };
  }

  return { hash, encodeRecord, decodeRecord, widthFor, DIGEST_MIN };
}

export const fingerprints: Fingerprints = makeFingerprints();

/** The record of a folder whose entries are known in full (kind 2: subfolders), e.g. a state of format 2. */
export function recordOfEntries(
  entries: { readonly names: readonly string[]; readonly kinds: readonly number[]; readonly mtimes: readonly number[]; readonly sizes: readonly number[] },
  weak = false,
): Uint8Array {
  const out = new Uint32Array(4);
  const fps: number[] = [];
  const file: [number, number] = [0, 0];
  const dir: [number, number] = [0, 0];
  let files = 0;
  let dirs = 0;
  for (let i = 0; i < entries.names.length; i++) {
    const kind = entries.kinds[i] as number;
    const name = entries.names[i] as string;
    if (kind === 2) {
      fingerprints.hash(name, 2, 0, 0, false, out, 0);
      dir[0] = (dir[0] + (out[2] as number)) >>> 0;
      dir[1] = (dir[1] + (out[3] as number)) >>> 0;
      dirs++;
      continue;
    }
    fingerprints.hash(name, kind, entries.sizes[i] as number, entries.mtimes[i] as number, weak, out, 0);
    fps.push(out[0] as number, out[1] as number);
    file[0] = (file[0] + (out[2] as number)) >>> 0;
    file[1] = (file[1] + (out[3] as number)) >>> 0;
    files++;
  }
  return fingerprints.encodeRecord({
    fileDigest: files >= fingerprints.DIGEST_MIN ? file : null,
    dirDigest: dirs > 0 ? dir : null,
    fps: Uint32Array.from(fps),
  });
}
