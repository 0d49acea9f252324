/**
 * One folder's scan, inside a scan worker (scan-worker.ts): its listing, the per-entry work over
 * a range of it (`lstat`, fingerprint, digests) and the comparison of the whole with the folder's
 * stored record (fingerprint.ts). A big folder's ranges are scanned by several workers and
 * combined: the digests are sums and everything else goes in listing order, so a folder scanned
 * in parts gives exactly what it gives scanned whole (scan-dir.test.ts).
 *
 * `makeDirScan` is self-contained on purpose (no outer references): the scan workers are started
 * from its source text.
 */
import type { Codec } from './codec';
import type { makeDirCompare } from './scan-compare';
import type { Fingerprints } from './fingerprint';
import type { FsLike } from './scan-fs';
import type { Columns, ScanMemory } from './scan-memory';
import type { DirResult, DirTask, PartScan, RangeScan, SampleEntry, ScanWarning, WorkerInit } from './scan-types';

/** A result while its folder is scanned. */
export type MutableResult = { -readonly [K in keyof DirResult]: DirResult[K] } & {
  subdirs: string[];
  sample: SampleEntry[];
  warnings: ScanWarning[];
};

/** A folder's listing in name order, and the `dev:ino` chain its subfolders carry (follow policy). */
export interface SortedListing {
  readonly names: string[];
  readonly types: number[];
  readonly chain: string[] | null;
}

export interface Rules {
  readonly include: readonly { re: RegExp; base: boolean }[];
  readonly exclude: readonly { re: RegExp; base: boolean }[];
}

export interface DirScan {
  blank(task: DirTask): MutableResult;
  /** A folder that could not be scanned at all (a bug, a corrupt record): skipped with a warning. */
  unscannable(task: DirTask, error: unknown): DirResult;
  /** The listing, sorted; null when the folder cannot be listed (`result` then says why). */
  list(fs: FsLike, task: DirTask, opts: WorkerInit, result: MutableResult): SortedListing | null;
  /**
   * Scans entries `[from, to)` of `names`/`types` into the scratch columns (from index 0);
   * `offset` is the position of `names[0]` in the folder's listing.
   */
  range(fs: FsLike, opts: WorkerInit, rules: Rules, where: { readonly abs: string; readonly rel: string; readonly chain: readonly string[] | null }, names: readonly string[], types: ArrayLike<number>, from: number, to: number, offset: number, into?: Columns): RangeScan;
  /** As `range`, into columns of its own, exactly as long as the range (to send to the folder's owner). */
  part(fs: FsLike, opts: WorkerInit, rules: Rules, where: { readonly abs: string; readonly rel: string; readonly chain: readonly string[] | null }, names: readonly string[], types: ArrayLike<number>, from: number, to: number, offset: number): PartScan;
  /** Views of `cols` from file row `row` on (a part scanned in place). */
  at(cols: Columns, row: number): Columns;
  /** Copies a part's rows into `cols` from row `row` (its first listing index: no other part's rows reach there). */
  place(cols: Columns, row: number, part: PartScan): void;
  /** A part's totals without its columns (they can go). */
  totals(scan: RangeScan): RangeScan;
  /**
   * The parts of a folder (in listing order, each part's rows placed at its first listing index
   * in `cols`) as one range: the rows closed up from row 0, the totals summed.
   */
  gather(cols: Columns, parts: readonly { readonly from: number; readonly scan: RangeScan }[]): RangeScan;
  /** Compares the folder's files (in `into`, default the scratch columns) with its stored record. */
  finish(task: DirTask, opts: WorkerInit, names: readonly string[], chain: readonly string[] | null, scan: RangeScan, sampleLeft: number, into?: Columns): DirResult;
  /** Drops the scratch columns (a scan is over). */
  reset(): void;
  reason(error: unknown): string;
}

export function makeDirScan(codec: Codec, fpx: Fingerprints, memory: ScanMemory, makeCompare: typeof makeDirCompare): DirScan {
  const compare = makeCompare(codec, fpx);
  const MAX_WARNINGS = 50;
  /** Scratch columns longer than this are dropped once their folder is done. */
  const BIG_COLUMNS = 65536;
  /** One entry's numbers from `fs.lstat`/`fs.stat`: mode, size, mtimeMs, dev, ino. */
  const st = new Float64Array(5);
  const h = new Uint32Array(4);
  let cols: Columns = memory.columns(0);

  function grow(count: number): Columns {
    if (count > cols.fileAt.length) cols = memory.columns(count);
    return cols;
  }

  function matches(rules: readonly { re: RegExp; base: boolean }[], rel: string, name: string): boolean {
    for (const r of rules) if (r.re.test(r.base ? name : rel)) return true;
    return false;
  }

  function codeOf(error: unknown): string {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : '';
  }

  /** Why a filesystem call failed, in a few words and without the path (the warning names it). */
  function reason(error: unknown): string {
    const code = codeOf(error);
    switch (code) {
      case 'EACCES':
      case 'EPERM':
        return `${code}: permission denied`;
      case 'ELOOP':
        return 'ELOOP: too many levels of symbolic links';
      case 'ENOENT':
        return 'ENOENT: it vanished while it was being scanned';
      case 'ENAMETOOLONG':
        return 'ENAMETOOLONG: path too long';
      case 'EIO':
        return 'EIO: input/output error';
      case 'ENOTDIR':
        return 'ENOTDIR: it is no longer a folder';
      default: {
        // Node's text is `CODE: what, syscall 'path'`: keep `CODE: what`
        const text = String((error as { message?: unknown } | null)?.message ?? error).split('\n')[0] ?? '';
        return text.replace(/, \w+ '.*$/, '').slice(0, 200) || 'unknown error';
      }
    }
  }

  function blank(task: DirTask): MutableResult {
    return {
      type: 'dir' as const,
      id: task.id,
      rel: task.rel,
      subdirs: [],
      chain: null,
      changes: null,
      write: false,
      fps: null,
      keep: null,
      digests: null,
      dirsChanged: false,
      collision: false,
      changedFiles: 0,
      changedBytes: 0,
      removedCount: 0,
      files: 0,
      bytes: 0,
      isNew: task.state === null,
      empty: false,
      whole: false,
      unreadable: false,
      sample: [],
      warnings: [],
      warningCount: 0,
      skippedLinks: 0,
    };
  }

  function unscannable(task: DirTask, error: unknown): DirResult {
    const r = blank(task);
    return {
      ...r,
      unreadable: true,
      warningCount: 1,
      warnings: [{ kind: 'unreadable', path: task.rel || '.', detail: `could not be scanned (${reason(error)}); skipped, retried next run`, reason: reason(error) }],
    };
  }

  function list(fs: FsLike, task: DirTask, opts: WorkerInit, result: MutableResult): SortedListing | null {
    let chain: string[] | null = null;
    if (opts.policy === 'follow') {
      chain = [...(task.chain ?? [])];
      try {
        fs.stat(task.abs, st);
        chain.push(`${st[3] as number}:${st[4] as number}`);
      } catch {
        // the listing below says what is wrong with this folder
      }
    }
    let listing;
    try {
      listing = fs.list(task.abs);
    } catch (error) {
      result.unreadable = true;
      const why = reason(error);
      result.warningCount++;
      result.warnings.push({ kind: 'unreadable', path: task.rel || '.', detail: `cannot be read (${why}); skipped, retried next run`, reason: why });
      return null;
    }
    const { names, types } = listing;
    const count = names.length;
    // changes are encoded in name order (libuv does not promise one; check, sort if not)
    for (let i = 1; i < count; i++) {
      if ((names[i - 1] as string) > (names[i] as string)) {
        const order = names.map((_, k) => k).sort((x, y) => ((names[x] as string) < (names[y] as string) ? -1 : (names[x] as string) > (names[y] as string) ? 1 : 0));
        // applied in place, cycle by cycle (no second pair of arrays the folder's size)
        for (let a = 0; a < count; a++) {
          if (order[a] === a) continue;
          const name0 = names[a] as string;
          const type0 = types[a] as number;
          let j = a;
          for (;;) {
            const k = order[j] as number;
            order[j] = j;
            if (k === a) {
              names[j] = name0;
              types[j] = type0;
              break;
            }
            names[j] = names[k] as string;
            types[j] = types[k] as number;
            j = k;
          }
        }
        break;
      }
    }
    return { names, types, chain };
  }

  function range(
    fs: FsLike,
    opts: WorkerInit,
    rules: Rules,
    where: { readonly abs: string; readonly rel: string; readonly chain: readonly string[] | null },
    listed: readonly string[],
    types: ArrayLike<number>,
    from: number,
    to: number,
    offset: number,
    into?: Columns,
  ): RangeScan {
    const { include, exclude } = rules;
    const out: RangeScan = {
      n: 0,
      fd0: 0,
      fd1: 0,
      dd0: 0,
      dd1: 0,
      subdirCount: 0,
      entries: 0,
      failures: 0,
      plain: true,
      files: 0,
      bytes: 0,
      subdirs: [],
      warnings: [],
      warningCount: 0,
      skippedLinks: 0,
    };
    const warnings = out.warnings;
    const warn = (w: ScanWarning): void => {
      if (w.kind !== 'symlink-skipped') out.warningCount++;
      if (warnings.length < MAX_WARNINGS) warnings.push(w);
    };
    const chain = where.chain;
    const weak = opts.weak === true;
    // the folder's files as columns (no object per file), in the worker's scratch columns
    const { fileAt, kinds, mtimes, sizes, fps } = into ?? grow(to - from);
    let n = 0;
    let fd0 = 0;
    let fd1 = 0;
    let dd0 = 0;
    let dd1 = 0;
    let subdirCount = 0;
    let entries = 0;
    let failures = 0;
    let files = 0;
    let bytes = 0;
    let plain = true; // only regular files so far
    const prefix = where.rel === '' ? '' : `${where.rel}/`;
    const absPrefix = where.abs.endsWith('/') ? where.abs : `${where.abs}/`;
    /**
     * A filesystem call failed on one entry: it is skipped with a warning, and its last record
     * (if any) stays as it is, so it is neither marked as sent nor forgotten: the next run
     * compares it again.
     */
    const failed = (rel: string, error: unknown, kind: 'unreadable' | 'symlink-loop' = 'unreadable'): void => {
      failures++;
      plain = false;
      const why = reason(error);
      warn({ kind, path: rel, detail: kind === 'symlink-loop' ? `symlink loop (${why}): not followed` : `cannot be read (${why}); skipped, retried next run`, reason: why });
    };
    const globs = exclude.length > 0 || include.length > 0;

    for (let e = from; e < to; e++) {
      const name = listed[e] as string;
      // the relative path only when a glob or a warning needs it (most entries never do)
      const rel = globs ? prefix + name : '';
      const abs = absPrefix + name;
      let kind = -1;
      const type = types[e] as number;
      let isDir = type === 2;
      let isLink = type === 3;
      /** `st` holds this entry's numbers (mode, size, mtimeMs, dev, ino). */
      let have = false;
      if (isDir || isLink) plain = false;
      if (type !== 1 && !isDir && !isLink) {
        // DT_UNKNOWN on some filesystems, or a special file: ask lstat (unless excluded anyway)
        if (exclude.length && matches(exclude, rel, name)) continue;
        try {
          fs.lstat(abs, st);
        } catch (error) {
          failed(prefix + name, error);
          continue;
        }
        have = true;
        const fmt = (st[0] as number) & 0o170000;
        isDir = fmt === 0o040000;
        isLink = fmt === 0o120000;
        if (isDir || isLink) plain = false;
        if (!isDir && !isLink && fmt !== 0o100000) {
          plain = false;
          if (include.length && !matches(include, rel, name)) continue;
          warn({ kind: 'special-file', path: prefix + name, detail: 'not a regular file, directory or symlink (a FIFO, socket or device): skipped' });
          continue;
        }
        if (!isDir && !isLink) kind = 0;
      }
      if (isDir) {
        if (exclude.length && matches(exclude, rel, name)) continue;
        out.subdirs.push(name);
        kind = 2;
      } else if (isLink) {
        if (opts.policy === 'skip') {
          out.skippedLinks++;
          warn({ kind: 'symlink-skipped', path: prefix + name, detail: 'symlink skipped (policy: skip)' });
          continue;
        }
        if (exclude.length && matches(exclude, rel, name)) continue;
        if (opts.policy === 'keep') {
          if (include.length && !matches(include, rel, name)) continue;
          try {
            fs.lstat(abs, st);
          } catch (error) {
            failed(prefix + name, error);
            continue;
          }
          have = true;
          kind = 1;
        } else {
          try {
            fs.stat(abs, st);
          } catch (error) {
            const code = codeOf(error);
            if (code === 'ENOENT') {
              warn({ kind: 'dangling-symlink', path: prefix + name, detail: 'symlink target does not exist: skipped' });
            } else failed(prefix + name, error, code === 'ELOOP' ? 'symlink-loop' : 'unreadable');
            continue;
          }
          const fmt = (st[0] as number) & 0o170000;
          if (fmt === 0o040000) {
            const id = `${st[3] as number}:${st[4] as number}`;
            if (chain && chain.includes(id)) {
              warn({ kind: 'symlink-loop', path: prefix + name, detail: 'symlink loop: points to a folder above it; not followed' });
              continue;
            }
            out.subdirs.push(name);
            kind = 2;
          } else if (fmt === 0o100000) {
            if (include.length && !matches(include, rel, name)) continue;
            have = true;
            kind = 0;
          } else {
            warn({ kind: 'special-file', path: prefix + name, detail: 'symlink to a special file (a FIFO, socket or device): skipped' });
            continue;
          }
        }
      } else {
        if (exclude.length && matches(exclude, rel, name)) continue;
        if (include.length && !matches(include, rel, name)) continue;
        kind = 0;
      }
      entries++;
      if (kind === 2) {
        fpx.hash(name, 2, 0, 0, false, h, 0);
        dd0 = (dd0 + (h[2] as number)) >>> 0;
        dd1 = (dd1 + (h[3] as number)) >>> 0;
        subdirCount++;
        continue;
      }
      if (!have) {
        try {
          fs.lstat(abs, st);
        } catch (error) {
          entries--;
          failed(prefix + name, error);
          continue;
        }
      }
      const mtime = Math.round((st[2] as number) * 1000);
      const size = st[1] as number;
      files++;
      bytes += size;
      const at = n * 2;
      fpx.hash(name, kind, size, mtime, weak, h, 0);
      fps[at] = h[0] as number;
      fps[at + 1] = h[1] as number;
      fd0 = (fd0 + (h[2] as number)) >>> 0;
      fd1 = (fd1 + (h[3] as number)) >>> 0;
      fileAt[n] = offset + e;
      kinds[n] = kind;
      mtimes[n] = mtime;
      sizes[n] = size;
      n++;
    }
    out.n = n;
    out.fd0 = fd0;
    out.fd1 = fd1;
    out.dd0 = dd0;
    out.dd1 = dd1;
    out.subdirCount = subdirCount;
    out.entries = entries;
    out.failures = failures;
    out.plain = plain;
    out.files = files;
    out.bytes = bytes;
    return out;
  }

  function part(
    fs: FsLike,
    opts: WorkerInit,
    rules: Rules,
    where: { readonly abs: string; readonly rel: string; readonly chain: readonly string[] | null },
    names: readonly string[],
    types: ArrayLike<number>,
    from: number,
    to: number,
    offset: number,
  ): PartScan {
    // exactly as long as the range (no copy afterwards; the scratch columns stay as small as they were)
    const size = Math.max(1, to - from);
    const own: Columns = { fileAt: new Int32Array(size), kinds: new Uint8Array(size), mtimes: new Float64Array(size), sizes: new Float64Array(size), fps: new Uint32Array(size * 2) };
    return { ...range(fs, opts, rules, where, names, types, from, to, offset, own), ...own };
  }

  function at(c: Columns, row: number): Columns {
    return { fileAt: c.fileAt.subarray(row), kinds: c.kinds.subarray(row), mtimes: c.mtimes.subarray(row), sizes: c.sizes.subarray(row), fps: c.fps.subarray(row * 2) };
  }

  function place(c: Columns, row: number, p: PartScan): void {
    c.fileAt.set(p.fileAt.subarray(0, p.n), row);
    c.kinds.set(p.kinds.subarray(0, p.n), row);
    c.mtimes.set(p.mtimes.subarray(0, p.n), row);
    c.sizes.set(p.sizes.subarray(0, p.n), row);
    c.fps.set(p.fps.subarray(0, p.n * 2), row * 2);
  }

  function totals(p: RangeScan): RangeScan {
    const { n, fd0, fd1, dd0, dd1, subdirCount, entries, failures, plain, files, bytes, subdirs, warnings, warningCount, skippedLinks } = p;
    return { n, fd0, fd1, dd0, dd1, subdirCount, entries, failures, plain, files, bytes, subdirs, warnings, warningCount, skippedLinks };
  }

  function gather(c: Columns, parts: readonly { readonly from: number; readonly scan: RangeScan }[]): RangeScan {
    const out: RangeScan = { n: 0, fd0: 0, fd1: 0, dd0: 0, dd1: 0, subdirCount: 0, entries: 0, failures: 0, plain: true, files: 0, bytes: 0, subdirs: [], warnings: [], warningCount: 0, skippedLinks: 0 };
    for (const { from, scan: p } of parts) {
      // a part's rows start at its first listing index; rows before it are at most that many
      if (from !== out.n && p.n > 0) {
        c.fileAt.copyWithin(out.n, from, from + p.n);
        c.kinds.copyWithin(out.n, from, from + p.n);
        c.mtimes.copyWithin(out.n, from, from + p.n);
        c.sizes.copyWithin(out.n, from, from + p.n);
        c.fps.copyWithin(out.n * 2, from * 2, (from + p.n) * 2);
      }
      out.n += p.n;
      out.fd0 = (out.fd0 + p.fd0) >>> 0;
      out.fd1 = (out.fd1 + p.fd1) >>> 0;
      out.dd0 = (out.dd0 + p.dd0) >>> 0;
      out.dd1 = (out.dd1 + p.dd1) >>> 0;
      out.subdirCount += p.subdirCount;
      out.entries += p.entries;
      out.failures += p.failures;
      out.plain = out.plain && p.plain;
      out.files += p.files;
      out.bytes += p.bytes;
      for (const s of p.subdirs) out.subdirs.push(s);
      for (const w of p.warnings) if (out.warnings.length < MAX_WARNINGS) out.warnings.push(w);
      out.warningCount += p.warningCount;
      out.skippedLinks += p.skippedLinks;
    }
    return out;
  }

  function finish(task: DirTask, opts: WorkerInit, listed: readonly string[], chain: readonly string[] | null, scan: RangeScan, sampleLeft: number, into: Columns = cols): DirResult {
    const result = blank(task);
    result.chain = chain;
    const done = compare(result, task, opts, listed, scan, into, sampleLeft);
    // a big folder's columns are not kept for the small ones after it (nothing refers to them)
    if (cols.fileAt.length > BIG_COLUMNS) cols = memory.columns(0);
    return done;
  }

  function reset(): void {
    cols = memory.columns(0);
  }

  return { blank, unscannable, list, range, part, at, place, totals, gather, finish, reset, reason };
}
