/**
 * Compact encoding of one directory's children for the sync state: names sorted and
 * front-coded, mtimes (integer microseconds) and sizes delta + zigzag varint coded, each
 * column stored after the other, the whole deflated. About 4-6 bytes per file for a detector
 * folder of `name_00001.tif`-style files.
 *
 * `makeCodec` is self-contained on purpose (no outer references): the scan workers are
 * started from its source text, so the very same code runs in the workers and here.
 */
import * as zlib from 'node:zlib';

/** 0 = regular file, 1 = symbolic link kept as a link, 2 = directory. */
export type EntryKind = 0 | 1 | 2;

/** Columns of one directory's entries. Numbers must be integers in [0, 2^52) (sizes to 4 PiB; mtimes in µs to the year 2112): every zigzag delta then stays exact. */
export interface DirEntries {
  readonly names: string[];
  readonly kinds: number[];
  /** Integer microseconds since the epoch (0 for directories). */
  readonly mtimes: number[];
  readonly sizes: number[];
}

/**
 * The raw columns of an encoded list: name i is the first `prefixes[i]` characters of name
 * i-1 followed by `lengths[i]` characters of `suffixText` (after those of names 0..i-1).
 */
export interface DirColumns {
  readonly count: number;
  readonly kinds: number[];
  readonly prefixes: number[];
  /** In UTF-16 code units. */
  readonly lengths: number[];
  readonly suffixText: string;
  readonly mtimes: number[];
  readonly sizes: number[];
}

export interface Codec {
  /** Entries must be sorted by name (code-unit order, `compareNames`). */
  encode(entries: DirEntries): Buffer;
  decode(blob: Uint8Array): DirEntries;
  decodeColumns(blob: Uint8Array): DirColumns;
}

export function makeCodec(z: { deflateRawSync(b: Uint8Array, o?: object): Buffer; inflateRawSync(b: Uint8Array): Buffer }): Codec {
  const VERSION = 1;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  function encode(entries: DirEntries): Buffer {
    const n = entries.names.length;
    let buf = new Uint8Array(64 + n * 24);
    let pos = 0;
    function ensure(extra: number): void {
      if (pos + extra <= buf.length) return;
      let size = buf.length * 2;
      while (size < pos + extra) size *= 2;
      const next = new Uint8Array(size);
      next.set(buf.subarray(0, pos));
      buf = next;
    }
    function varint(value: number): void {
      ensure(10);
      let v = value;
      while (v >= 128) {
        buf[pos++] = (v % 128) + 128;
        v = Math.floor(v / 128);
      }
      buf[pos++] = v;
    }
    function zigzag(d: number): number {
      return d >= 0 ? d * 2 : -d * 2 - 1;
    }
    varint(VERSION);
    varint(n);
    for (let i = 0; i < n; i++) varint(entries.kinds[i] ?? 0);
    let prev = '';
    const suffixes: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      const name = entries.names[i] ?? '';
      const max = Math.min(prev.length, name.length);
      let p = 0;
      while (p < max && prev.charCodeAt(p) === name.charCodeAt(p)) p++;
      // never split a surrogate pair between prefix and suffix
      if (p > 0 && p < name.length) {
        const c = name.charCodeAt(p - 1);
        if (c >= 0xd800 && c <= 0xdbff) p--;
      }
      const suffix = encoder.encode(name.slice(p));
      varint(p);
      varint(suffix.length);
      suffixes.push(suffix);
      prev = name;
    }
    for (const s of suffixes) {
      ensure(s.length);
      buf.set(s, pos);
      pos += s.length;
    }
    let last = 0;
    for (let i = 0; i < n; i++) {
      const m = entries.mtimes[i] ?? 0;
      varint(zigzag(m - last));
      last = m;
    }
    last = 0;
    for (let i = 0; i < n; i++) {
      const s = entries.sizes[i] ?? 0;
      varint(zigzag(s - last));
      last = s;
    }
    return z.deflateRawSync(buf.subarray(0, pos), { level: 6 });
  }

  function decodeColumns(blob: Uint8Array): DirColumns {
    const buf = z.inflateRawSync(blob);
    let pos = 0;
    function varint(): number {
      let result = 0;
      let mul = 1;
      for (;;) {
        if (pos >= buf.length) throw new Error('sync state: truncated entry list');
        const b = buf[pos++] as number;
        result += (b & 127) * mul;
        if (b < 128) return result;
        mul *= 128;
      }
    }
    function unzigzag(v: number): number {
      return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
    }
    const version = varint();
    if (version !== VERSION) throw new Error(`sync state: unknown encoding version ${version}`);
    const n = varint();
    const kinds: number[] = new Array<number>(n);
    for (let i = 0; i < n; i++) kinds[i] = varint();
    const prefixes: number[] = new Array<number>(n);
    const lengths: number[] = new Array<number>(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      prefixes[i] = varint();
      const len = varint();
      lengths[i] = len;
      total += len;
    }
    const region = buf.subarray(pos, pos + total);
    pos += total;
    let ascii = true;
    for (let i = 0; i < region.length; i++) {
      if ((region[i] as number) >= 128) {
        ascii = false;
        break;
      }
    }
    let whole: string | null = null;
    let suffixes: string[] | null = null;
    if (ascii) {
      whole = decoder.decode(region);
    } else {
      // byte lengths differ from string lengths: decode suffix by suffix
      suffixes = new Array<string>(n);
      let off = 0;
      for (let i = 0; i < n; i++) {
        const len = lengths[i] as number;
        suffixes[i] = decoder.decode(region.subarray(off, off + len));
        off += len;
      }
      let acc = '';
      for (let i = 0; i < n; i++) {
        lengths[i] = (suffixes[i] as string).length;
        acc += suffixes[i] as string;
      }
      whole = acc;
    }
    const mtimes: number[] = new Array<number>(n);
    let last = 0;
    for (let i = 0; i < n; i++) {
      last += unzigzag(varint());
      mtimes[i] = last;
    }
    const sizes: number[] = new Array<number>(n);
    last = 0;
    for (let i = 0; i < n; i++) {
      last += unzigzag(varint());
      sizes[i] = last;
    }
    return { count: n, kinds, prefixes, lengths, suffixText: whole, mtimes, sizes };
  }

  function decode(blob: Uint8Array): DirEntries {
    const c = decodeColumns(blob);
    const names: string[] = new Array<string>(c.count);
    let prev = '';
    let off = 0;
    for (let i = 0; i < c.count; i++) {
      const len = c.lengths[i] as number;
      prev = prev.slice(0, c.prefixes[i]) + c.suffixText.slice(off, off + len);
      off += len;
      names[i] = prev;
    }
    return { names, kinds: c.kinds, mtimes: c.mtimes, sizes: c.sizes };
  }

  return { encode, decode, decodeColumns };
}

export const codec: Codec = makeCodec(zlib);

/** The one name order used everywhere (UTF-16 code units, like Array.prototype.sort). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts parallel entry columns by name. */
export function sortEntries(e: DirEntries): DirEntries {
  const order = e.names.map((_, i) => i).sort((a, b) => compareNames(e.names[a] as string, e.names[b] as string));
  return {
    names: order.map((i) => e.names[i] as string),
    kinds: order.map((i) => e.kinds[i] as number),
    mtimes: order.map((i) => e.mtimes[i] as number),
    sizes: order.map((i) => e.sizes[i] as number),
  };
}

export function emptyEntries(): DirEntries {
  return { names: [], kinds: [], mtimes: [], sizes: [] };
}
