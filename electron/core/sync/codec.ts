/**
 * Compact encoding of one directory's children for the sync state: names sorted and
 * front-coded, mtimes (integer microseconds) and sizes delta + zigzag varint coded, column
 * after column, deflated (names and numbers apart). About 4-6 bytes per file for a detector
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

/** What `encode` takes: a directory's entries, or a scan's columns (typed arrays) as they are. */
export interface EntryColumns {
  readonly names: readonly string[];
  readonly kinds: ArrayLike<number>;
  readonly mtimes: ArrayLike<number>;
  readonly sizes: ArrayLike<number>;
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

/** The numeric columns of an encoded list, with its (untouched) name section. */
export interface DirStats {
  readonly count: number;
  readonly kinds: number[];
  readonly mtimes: number[];
  readonly sizes: number[];
  /** The encoded name section, reusable as is when only numbers change. */
  readonly names: Uint8Array;
  /** The name section is stored as is (not deflated). */
  readonly namesRaw: boolean;
}

export type PackMode = 'deflate' | 'auto';

export interface Codec {
  /**
   * Entries must be sorted by name (code-unit order, `compareNames`). `pack`: `deflate` (the
   * default) deflates every section of 256 bytes or more; `auto` only when the names repeat
   * (names that do not are stored as they are, at a fraction of the time). Read back the same
   * way either way.
   */
  encode(entries: EntryColumns, pack?: PackMode): Buffer;
  decode(blob: Uint8Array): DirEntries;
  decodeColumns(blob: Uint8Array): DirColumns;
  /** Only the numbers (no name is decoded). */
  decodeStats(blob: Uint8Array): DirStats;
  /** A blob from an unchanged name section and new numbers (same count, same order). */
  encodeStats(stats: DirStats): Buffer;
}

/**
 * Layout: u32 (LE) length of the name section, the name section, the number section; each
 * section deflated on its own, so a commit that only changes mtimes and sizes of known names
 * re-encodes the numbers and copies the names. A section of fewer than `RAW_MAX` bytes is
 * stored as is (bit 31 of the u32: names raw, bit 30: numbers raw): deflating a folder of two
 * files costs more time (zlib sets up a 256 KB state per call) and more bytes than it saves.
 *   names   = varint version, varint n, n x (varint shared-prefix length, varint suffix bytes), suffix bytes
 *   numbers = varint n, n x varint kind, n x zigzag-varint mtime delta, n x zigzag-varint size delta
 */
export function makeCodec(z: { deflateRawSync(b: Uint8Array, o?: object): Buffer; inflateRawSync(b: Uint8Array): Buffer }): Codec {
  const VERSION = 2;
  const LEVEL = 4;
  const RAW_MAX = 256;
  const NAMES_RAW = 0x80000000;
  const NUMBERS_RAW = 0x40000000;
  const LENGTH = 0x3fffffff;
  function pack(b: Uint8Array, deflate = true): { bytes: Uint8Array; raw: boolean } {
    // a raw section is a view: `join` copies it into the blob anyway
    if (!deflate || b.length < RAW_MAX) return { bytes: b, raw: true };
    const packed = z.deflateRawSync(b, { level: LEVEL });
    return packed.length < b.length ? { bytes: packed, raw: false } : { bytes: b, raw: true };
  }
  function unpack(b: Uint8Array, raw: boolean): Uint8Array {
    return raw ? b : z.inflateRawSync(b);
  }
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  interface Out {
    buf: Uint8Array;
    pos: number;
  }
  function out(size: number): Out {
    return { buf: new Uint8Array(Math.max(64, size)), pos: 0 };
  }
  function ensure(o: Out, extra: number): void {
    if (o.pos + extra <= o.buf.length) return;
    let size = o.buf.length * 2;
    while (size < o.pos + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(o.buf.subarray(0, o.pos));
    o.buf = next;
  }
  function varint(o: Out, value: number): void {
    ensure(o, 10);
    let v = value;
    while (v >= 128) {
      o.buf[o.pos++] = (v % 128) + 128;
      v = Math.floor(v / 128);
    }
    o.buf[o.pos++] = v;
  }
  function zigzag(d: number): number {
    return d >= 0 ? d * 2 : -d * 2 - 1;
  }
  function unzigzag(v: number): number {
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  function encodeNumbers(n: number, kinds: ArrayLike<number>, mtimes: ArrayLike<number>, sizes: ArrayLike<number>, deflate = true): { bytes: Uint8Array; raw: boolean } {
    const o = out(n * 8 + 16);
    varint(o, n);
    for (let i = 0; i < n; i++) varint(o, kinds[i] ?? 0);
    let last = 0;
    for (let i = 0; i < n; i++) {
      const m = mtimes[i] ?? 0;
      varint(o, zigzag(m - last));
      last = m;
    }
    last = 0;
    for (let i = 0; i < n; i++) {
      const v = sizes[i] ?? 0;
      varint(o, zigzag(v - last));
      last = v;
    }
    return pack(o.buf.subarray(0, o.pos), deflate);
  }

  /** The blob: its name section (`names`, then `more` when given: a raw section in two pieces), then the numbers. */
  function join(names: Uint8Array, namesRaw: boolean, numbers: { bytes: Uint8Array; raw: boolean }, more?: Uint8Array): Buffer {
    const nameBytes = names.length + (more?.length ?? 0);
    const blob = Buffer.allocUnsafe(4 + nameBytes + numbers.bytes.length);
    blob.writeUInt32LE((nameBytes | (namesRaw ? NAMES_RAW : 0) | (numbers.raw ? NUMBERS_RAW : 0)) >>> 0, 0);
    blob.set(names, 4);
    if (more) blob.set(more, 4 + names.length);
    blob.set(numbers.bytes, 4 + nameBytes);
    return blob;
  }

  function encode(entries: EntryColumns, mode: PackMode = 'deflate'): Buffer {
    const n = entries.names.length;
    const head = out(n * 4 + 16);
    // room for every name as ASCII at once (growing by doubling held up to twice the names)
    let ascii = 0;
    for (let i = 0; i < n; i++) ascii += (entries.names[i] ?? '').length;
    const tail = out(ascii + 16);
    varint(head, VERSION);
    varint(head, n);
    let prev = '';
    let shared = 0;
    let chars = 0;
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
      shared += p;
      chars += name.length;
      let ascii = true;
      for (let j = p; j < name.length; j++) {
        if (name.charCodeAt(j) >= 128) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        const len = name.length - p;
        ensure(tail, len);
        for (let j = p; j < name.length; j++) tail.buf[tail.pos++] = name.charCodeAt(j);
        varint(head, p);
        varint(head, len);
      } else {
        const bytes = encoder.encode(name.slice(p));
        ensure(tail, bytes.length);
        tail.buf.set(bytes, tail.pos);
        tail.pos += bytes.length;
        varint(head, p);
        varint(head, bytes.length);
      }
      prev = name;
    }
    // `auto`: deflate when the names repeat (front coding took half their characters: detector
    // names); names that do not repeat shrink by a few percent for the time of a whole scan
    const deflate = mode === 'deflate' || shared * 2 >= chars;
    const numbers = encodeNumbers(n, entries.kinds, entries.mtimes, entries.sizes, deflate);
    if (!deflate || head.pos + tail.pos < RAW_MAX) {
      // stored as they are: the two pieces go straight into the blob (no third copy the names' size)
      return join(head.buf.subarray(0, head.pos), true, numbers, tail.buf.subarray(0, tail.pos));
    }
    ensure(head, tail.pos);
    head.buf.set(tail.buf.subarray(0, tail.pos), head.pos);
    head.pos += tail.pos;
    const names = pack(head.buf.subarray(0, head.pos), deflate);
    return join(names.bytes, names.raw, numbers);
  }

  function sections(blob: Uint8Array): { names: Uint8Array; numbers: Uint8Array; namesRaw: boolean; numbersRaw: boolean } {
    if (blob.length < 4) throw new Error('sync state: truncated entry list');
    const word = ((blob[0] as number) | ((blob[1] as number) << 8) | ((blob[2] as number) << 16) | ((blob[3] as number) << 24)) >>> 0;
    const len = word & LENGTH;
    if (4 + len > blob.length) throw new Error('sync state: truncated entry list');
    return { names: blob.subarray(4, 4 + len), numbers: blob.subarray(4 + len), namesRaw: (word & NAMES_RAW) !== 0, numbersRaw: (word & NUMBERS_RAW) !== 0 };
  }

  function reader(buf: Uint8Array): { next(): number; pos: number } {
    const r = {
      pos: 0,
      next(): number {
        let result = 0;
        let mul = 1;
        for (;;) {
          if (r.pos >= buf.length) throw new Error('sync state: truncated entry list');
          const b = buf[r.pos++] as number;
          result += (b & 127) * mul;
          if (b < 128) return result;
          mul *= 128;
        }
      },
    };
    return r;
  }

  function decodeNumbers(section: Uint8Array, raw: boolean): { count: number; kinds: number[]; mtimes: number[]; sizes: number[] } {
    const r = reader(unpack(section, raw));
    const n = r.next();
    const kinds: number[] = new Array<number>(n);
    for (let i = 0; i < n; i++) kinds[i] = r.next();
    const mtimes: number[] = new Array<number>(n);
    let last = 0;
    for (let i = 0; i < n; i++) {
      last += unzigzag(r.next());
      mtimes[i] = last;
    }
    const sizes: number[] = new Array<number>(n);
    last = 0;
    for (let i = 0; i < n; i++) {
      last += unzigzag(r.next());
      sizes[i] = last;
    }
    return { count: n, kinds, mtimes, sizes };
  }

  function decodeColumns(blob: Uint8Array): DirColumns {
    const sec = sections(blob);
    const buf = unpack(sec.names, sec.namesRaw);
    const r = reader(buf);
    const version = r.next();
    if (version !== VERSION) throw new Error(`sync state: unknown encoding version ${version}`);
    const n = r.next();
    const prefixes: number[] = new Array<number>(n);
    const lengths: number[] = new Array<number>(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      prefixes[i] = r.next();
      const len = r.next();
      lengths[i] = len;
      total += len;
    }
    const region = buf.subarray(r.pos, r.pos + total);
    let ascii = true;
    for (let i = 0; i < region.length; i++) {
      if ((region[i] as number) >= 128) {
        ascii = false;
        break;
      }
    }
    let suffixText = '';
    if (ascii) {
      suffixText = decoder.decode(region);
    } else {
      // byte lengths differ from string lengths: decode suffix by suffix
      let off = 0;
      const parts: string[] = [];
      for (let i = 0; i < n; i++) {
        const len = lengths[i] as number;
        const part = decoder.decode(region.subarray(off, off + len));
        off += len;
        lengths[i] = part.length;
        parts.push(part);
      }
      suffixText = parts.join('');
    }
    const nums = decodeNumbers(sec.numbers, sec.numbersRaw);
    if (nums.count !== n) throw new Error('sync state: name and number sections disagree');
    return { count: n, kinds: nums.kinds, prefixes, lengths, suffixText, mtimes: nums.mtimes, sizes: nums.sizes };
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

  function decodeStats(blob: Uint8Array): DirStats {
    const sec = sections(blob);
    return { ...decodeNumbers(sec.numbers, sec.numbersRaw), names: sec.names, namesRaw: sec.namesRaw };
  }

  function encodeStats(stats: DirStats): Buffer {
    return join(stats.names, stats.namesRaw, encodeNumbers(stats.count, stats.kinds, stats.mtimes, stats.sizes));
  }

  return { encode, decode, decodeColumns, decodeStats, encodeStats };
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
