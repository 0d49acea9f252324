/**
 * A job's folder records (fingerprint.ts) in chunks: one SQLite row (`chunks`) holds up to
 * `MAX_FOLDERS` folders adjacent in path order — their paths front-coded in a small deflated
 * header, their records one after another — so a tree of tiny folders does not pay a database row
 * and a full path per folder. A chunk covers the paths from its key up to the next chunk's key.
 *
 * Reads and writes go through a small cache of chunks (`cacheSize`), so memory is bounded by a
 * few chunks (and the largest folder's record), never by the tree.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { SqliteDatabase } from '../store';

const MAX_FOLDERS = 4096;
const MAX_BYTES = 256 << 10;

/** Path order of the store: Unicode code points (what SQLite's byte order of UTF-8 text is). */
export function comparePaths(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x = x <= 0xdfff ? x + 0x2000 : x - 0x800;
    if (y >= 0xd800) y = y <= 0xdfff ? y + 0x2000 : y - 0x800;
    return x - y;
  }
  return a.length - b.length;
}

interface Chunk {
  key: string;
  /** Key of the next chunk (null: the last one), as loaded. */
  next: string | null;
  paths: string[];
  recs: Uint8Array[];
  bytes: number;
  dirty: boolean;
  used: number;
  /** path -> index in `paths`, built by the first `get` (null once the chunk changes). */
  index?: Map<string, number> | null;
  /**
   * The head as stored, while the paths and their records' lengths are as loaded: a run that
   * rewrites records in place (files touched, not added) writes it back without deflating the
   * chunk's 4,096 paths again.
   */
  head?: Uint8Array | null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function encodeHead(c: Chunk): Buffer {
  const out: number[] = [];
  const varint = (value: number): void => {
    let v = value;
    while (v >= 128) {
      out.push((v % 128) + 128);
      v = Math.floor(v / 128);
    }
    out.push(v);
  };
  varint(c.paths.length);
  let prev = '';
  for (let i = 0; i < c.paths.length; i++) {
    const path = c.paths[i] as string;
    const max = Math.min(prev.length, path.length);
    let p = 0;
    while (p < max && prev.charCodeAt(p) === path.charCodeAt(p)) p++;
    if (p > 0 && p < path.length) {
      const ch = path.charCodeAt(p - 1);
      if (ch >= 0xd800 && ch <= 0xdbff) p--;
    }
    const bytes = encoder.encode(path.slice(p));
    varint(p);
    varint(bytes.length);
    for (const b of bytes) out.push(b);
    varint((c.recs[i] as Uint8Array).length);
    prev = path;
  }
  return deflateRawSync(Uint8Array.from(out), { level: 4 });
}

function decodeChunk(key: string, next: string | null, head: Uint8Array, body: Uint8Array): Chunk {
  const buf = inflateRawSync(head);
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (;;) {
      if (pos >= buf.length) throw new Error('sync state: truncated chunk');
      const b = buf[pos++] as number;
      result += (b & 127) * mul;
      if (b < 128) return result;
      mul *= 128;
    }
  };
  const n = varint();
  const paths: string[] = [];
  const recs: Uint8Array[] = [];
  let prev = '';
  let off = 0;
  for (let i = 0; i < n; i++) {
    const p = varint();
    const len = varint();
    const path = prev.slice(0, p) + decoder.decode(buf.subarray(pos, pos + len));
    pos += len;
    const size = varint();
    if (off + size > body.length) throw new Error('sync state: truncated chunk');
    paths.push(path);
    recs.push(body.subarray(off, off + size));
    off += size;
    prev = path;
  }
  return { key, next, paths, recs, bytes: off, dirty: false, used: 0, head };
}

/** First index in sorted `paths` whose path is >= `p`. */
function lowerBound(paths: readonly string[], p: string): number {
  let lo = 0;
  let hi = paths.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (comparePaths(paths[mid] as string, p) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class FolderStore {
  private readonly cache: Chunk[] = [];
  /** The chunk used last (most lookups fall in it again). */
  private last: Chunk | null = null;
  private tick = 0;
  /**
   * The first chunk's key as last read (null: no chunk; undefined: to be read again once the
   * chunks changed): a folder below it has no record, and a first run asks that of every folder.
   */
  private firstKey: string | null | undefined = undefined;
  private readonly qFloor;
  private readonly qFirstKey;
  private readonly qFirst;
  private readonly qNext;
  private readonly qPut;
  private readonly qDel;

  constructor(
    db: SqliteDatabase,
    private readonly cacheSize = 8,
    /** When a chunk is split in two (tests make them small). */
    private readonly limits: { readonly folders: number; readonly bytes: number } = { folders: MAX_FOLDERS, bytes: MAX_BYTES },
  ) {
    this.qFloor = db.prepare('SELECT first, head, body FROM chunks WHERE first <= ? ORDER BY first DESC LIMIT 1');
    this.qFirst = db.prepare('SELECT first, head, body FROM chunks ORDER BY first LIMIT 1');
    this.qFirstKey = db.prepare('SELECT first FROM chunks ORDER BY first LIMIT 1').pluck();
    this.qNext = db.prepare('SELECT first FROM chunks WHERE first > ? ORDER BY first LIMIT 1').pluck();
    this.qPut = db.prepare('INSERT OR REPLACE INTO chunks (first, head, body) VALUES (?, ?, ?)');
    this.qDel = db.prepare('DELETE FROM chunks WHERE first = ?');
  }

  /**
   * The record of the folder `path` ('' = the job's folder), or null when it has none: a copy
   * with its own buffer (a view into the chunk would take the whole chunk along when posted to
   * a worker), or with `copy` false a view, valid until the store next changes.
   */
  get(path: string, copy = true): Uint8Array | null {
    const c = this.chunkFor(path, false);
    if (!c) return null;
    // a scan asks for every folder of a chunk: index it once (dropped when the chunk changes)
    c.index ??= new Map(c.paths.map((p, i) => [p, i]));
    const i = c.index.get(path);
    if (i === undefined) return null;
    const rec = c.recs[i] as Uint8Array;
    return copy ? rec.slice() : rec;
  }

  /** Names of the folders with a record directly below `path` (or only deeper: a folder below counts). */
  children(path: string): string[] {
    const prefix = path === '' ? '' : `${path}/`;
    const names = new Set<string>();
    let key = path === '' ? '\u0000' : prefix;
    for (;;) {
      const at = this.seek(key);
      if (!at) break;
      const p = at.chunk.paths[at.index] as string;
      if (!p.startsWith(prefix)) break;
      const rest = p.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash < 0) {
        names.add(rest);
        key = `${p}\u0000`; // the next sibling (`name b` comes before `name/…`)
      } else {
        const name = rest.slice(0, slash);
        names.add(name);
        key = `${prefix}${name}0`; // past the whole subtree of `name`
      }
    }
    return [...names];
  }

  /** Stores the folder's record; `rec` itself is kept when it is its whole buffer: do not change it after. */
  put(path: string, rec: Uint8Array): void {
    this.firstKey = undefined;
    const c = this.chunkFor(path, true) as Chunk;
    const i = lowerBound(c.paths, path);
    // a big record is kept as it is when it is (all but a few bytes of) its own buffer: the caller
    // gives it up (a view into a bigger buffer is copied, or the chunk would keep the bigger
    // buffer). A small one is copied: reading `.buffer` of a small typed array would move it off
    // V8's heap, one allocation per folder on a tree of tiny folders.
    const copy = rec.byteLength >= 4096 && rec.byteOffset === 0 && rec.buffer.byteLength - rec.byteLength <= 16 ? rec : new Uint8Array(rec);
    if (c.paths[i] === path) {
      const was = (c.recs[i] as Uint8Array).length;
      if (copy.length !== was) c.head = null;
      c.bytes += copy.length - was;
      c.recs[i] = copy;
    } else {
      c.paths.splice(i, 0, path);
      c.recs.splice(i, 0, copy);
      c.bytes += copy.length;
      c.head = null;
    }
    c.dirty = true;
    c.index = null;
    if (c.paths.length > this.limits.folders || (c.bytes > this.limits.bytes && c.paths.length > 1)) this.split(c);
  }

  /** Drops the folder's record and every record below it. */
  dropTree(path: string): void {
    this.firstKey = undefined;
    this.dropOne(path);
    const lo = `${path}/`;
    const hi = `${path}0`;
    for (;;) {
      const at = this.seek(lo);
      if (!at) return;
      const c = at.chunk;
      let j = at.index;
      while (j < c.paths.length && comparePaths(c.paths[j] as string, hi) < 0) j++;
      if (j === at.index) return;
      for (let k = at.index; k < j; k++) c.bytes -= (c.recs[k] as Uint8Array).length;
      c.paths.splice(at.index, j - at.index);
      c.recs.splice(at.index, j - at.index);
      c.dirty = true;
      c.index = null;
      c.head = null;
      if (c.paths.length === 0) this.flush(); // an empty chunk's row goes; the cache is rebuilt
    }
  }

  /** Writes every changed chunk. */
  flush(): void {
    this.writeDirty();
  }

  /** Writes changed chunks, so that the database answers for them (a removed one clears the cache). */
  private writeDirty(): void {
    let removed = false;
    for (const c of this.cache) {
      if (!c.dirty) continue;
      if (c.paths.length === 0) {
        this.qDel.run(c.key);
        removed = true;
      } else {
        // a chunk of one record (a big folder's) is written from it, not from a copy
        const only = c.recs.length === 1 ? (c.recs[0] as Uint8Array) : null;
        this.qPut.run(c.key, c.head ?? encodeHead(c), only ?? Buffer.concat(c.recs));
      }
      c.dirty = false;
    }
    // a removed chunk widens its neighbour's range: forget what the cache knew of ranges
    if (removed) this.cache.length = 0;
  }

  private dropOne(path: string): void {
    this.firstKey = undefined;
    const c = this.chunkFor(path, false);
    if (!c) return;
    const i = lowerBound(c.paths, path);
    if (c.paths[i] !== path) return;
    c.bytes -= (c.recs[i] as Uint8Array).length;
    c.paths.splice(i, 1);
    c.recs.splice(i, 1);
    c.dirty = true;
    c.index = null;
    c.head = null;
    if (c.paths.length === 0) this.flush();
  }

  /** The first record at or after `key`: its chunk and index. */
  private seek(key: string): { chunk: Chunk; index: number } | null {
    let c = this.chunkFor(key, false) ?? this.firstChunk();
    while (c) {
      const i = lowerBound(c.paths, key);
      if (i < c.paths.length) return { chunk: c, index: i };
      if (c.next === null) return null;
      c = this.load(c.next);
    }
    return null;
  }

  private firstChunk(): Chunk | null {
    this.writeDirty();
    const row = this.qFirst.get() as { first: string; head: Buffer; body: Buffer } | undefined;
    return row ? this.remember(row.first, row.head, row.body) : null;
  }

  private load(key: string): Chunk | null {
    for (const c of this.cache) if (c.key === key) return this.touch(c);
    this.writeDirty();
    const row = this.qFloor.get(key) as { first: string; head: Buffer; body: Buffer } | undefined;
    return row ? this.remember(row.first, row.head, row.body) : null;
  }

  /** The chunk whose range holds `path`; with `create`, one is made (or widened) when none does. */
  private chunkFor(path: string, create: boolean): Chunk | null {
    const last = this.last;
    if (last && comparePaths(last.key, path) <= 0 && (last.next === null || comparePaths(path, last.next) < 0) && this.cache.includes(last)) return this.touch(last);
    for (const c of this.cache) {
      if (comparePaths(c.key, path) <= 0 && (c.next === null || comparePaths(path, c.next) < 0)) return this.touch(c);
    }
    this.writeDirty();
    if (!create) {
      if (this.firstKey === undefined) this.firstKey = (this.qFirstKey.get() as string | undefined) ?? null;
      if (this.firstKey === null || comparePaths(path, this.firstKey) < 0) return null;
    }
    const row = this.qFloor.get(path) as { first: string; head: Buffer; body: Buffer } | undefined;
    if (row) return this.remember(row.first, row.head, row.body);
    if (!create) return null;
    this.firstKey = undefined;
    const first = this.firstChunk();
    if (first) {
      // below every chunk: the first chunk now starts here (its row is rewritten under that key)
      this.qDel.run(first.key);
      first.key = path;
      first.dirty = true;
      return first;
    }
    const fresh: Chunk = { key: path, next: null, paths: [], recs: [], bytes: 0, dirty: true, used: ++this.tick };
    this.add(fresh);
    return fresh;
  }

  private remember(key: string, head: Uint8Array, body: Uint8Array): Chunk {
    for (const cached of this.cache) if (cached.key === key) return this.touch(cached);
    const next = (this.qNext.get(key) as string | undefined) ?? null;
    const c = decodeChunk(key, next, head, body);
    c.used = ++this.tick;
    this.add(c);
    return c;
  }

  private add(c: Chunk): void {
    this.cache.push(c);
    if (this.cache.length <= this.cacheSize) return;
    let oldest = 0;
    for (let i = 1; i < this.cache.length; i++) if ((this.cache[i] as Chunk).used < (this.cache[oldest] as Chunk).used) oldest = i;
    const victim = this.cache[oldest] as Chunk;
    if (victim === c) return;
    if (victim.dirty) {
      if (victim.paths.length === 0) {
        this.qDel.run(victim.key);
        this.cache.length = 0;
        this.cache.push(c);
        return;
      }
      this.qPut.run(victim.key, encodeHead(victim), Buffer.concat(victim.recs));
    }
    this.cache.splice(oldest, 1);
  }

  private touch(c: Chunk): Chunk {
    this.last = c;
    c.used = ++this.tick;
    return c;
  }

  private split(c: Chunk): void {
    const mid = c.paths.length >>> 1;
    const paths = c.paths.splice(mid);
    const recs = c.recs.splice(mid);
    let bytes = 0;
    for (const r of recs) bytes += r.length;
    c.bytes -= bytes;
    c.head = null;
    const right: Chunk = { key: paths[0] as string, next: c.next, paths, recs, bytes, dirty: true, used: ++this.tick };
    c.next = right.key;
    this.add(right);
  }
}
