/**
 * The per-directory half of a scan, run inside `worker_threads`: list a batch of directories,
 * lstat their entries, fingerprint them and compare with each directory's stored record
 * (fingerprint.ts), and answer with what changed (already encoded) and which subdirectories to
 * walk next. An error on one entry (or on the
 * folder itself) becomes a warning of the folder's result: a worker never fails a scan.
 *
 * `scanWorkerMain` must stay self-contained (it is started from its own source text, with
 * `require` and the codec passed in), so it only uses its parameters and globals.
 */
import { makeCodec, type Codec } from './codec';
import { makeFingerprints, type Fingerprints } from './fingerprint';
import { makeScanFs, type FsLike, type Listing, type ScanFs } from './scan-fs';
import { makeScanMemory, type ScanMemory } from './scan-memory';
import type { DirBatch, DirResult, DirTask, QuietColumns, ResultBatch, SampleEntry, ScanWarning, WorkerIdle, WorkerInit } from './scan-types';

/** A result while its folder is scanned (types only: nothing here reaches the worker's source). */
type MutableResult = { -readonly [K in keyof DirResult]: DirResult[K] } & {
  subdirs: DirResult['subdirs'][number][];
  sample: SampleEntry[];
  warnings: ScanWarning[];
};

interface Port {
  on(event: 'message', fn: (msg: WorkerInit | DirBatch | WorkerIdle) => void): void;
  postMessage(msg: ResultBatch, transfer?: ArrayBuffer[]): void;
}
export function scanWorkerMain(req: (id: string) => unknown, codec: Codec, fpx: Fingerprints, scanFs: ScanFs, memory: ScanMemory): void {
  const realFs = scanFs.fs;
  let fs: FsLike = realFs;
  const port = (req('node:worker_threads') as { parentPort: Port }).parentPort;
  let init: WorkerInit | null = null;
  let include: { re: RegExp; base: boolean }[] = [];
  let exclude: { re: RegExp; base: boolean }[] = [];
  const MAX_WARNINGS = 50;
  /** Sample entries wanted per folder of the batch at hand (none once the scan has enough). */
  let sampleLeft = 0;
  /** One entry's numbers from `fs.lstat`/`fs.stat`: mode, size, mtimeMs, dev, ino. */
  const st = new Float64Array(5);

  let cols = memory.columns(0);

  function matches(rules: { re: RegExp; base: boolean }[], rel: string, name: string): boolean {
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

  /** A folder that could not be scanned at all (a bug, a corrupt state record): skipped with a warning. */
  function unscannable(task: DirTask, error: unknown): DirResult {
    const r = blank(task);
    return {
      ...r,
      unreadable: true,
      warningCount: 1,
      warnings: [{ kind: 'unreadable', path: task.rel || '.', detail: `could not be scanned (${reason(error)}); skipped, retried next run`, reason: reason(error) }],
    };
  }

  /** Open-addressing table of a record's fingerprints: index + 1 per slot, 0 = empty. */
  function tableOf(lo: Uint32Array, count: number): { slots: Uint32Array; mask: number } {
    let size = 16;
    while (size < count * 2) size *= 2;
    const slots = new Uint32Array(size);
    const mask = size - 1;
    for (let i = 0; i < count; i++) {
      let h = (lo[i] as number) & mask;
      while (slots[h] !== 0) h = (h + 1) & mask;
      slots[h] = i + 1;
    }
    return { slots, mask };
  }

  function scanDir(task: DirTask, opts: WorkerInit): DirResult {
    const result = blank(task);
    const warnings = result.warnings;
    const warn = (w: ScanWarning): void => {
      if (w.kind !== 'symlink-skipped') result.warningCount++;
      if (warnings.length < MAX_WARNINGS) warnings.push(w);
    };
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
    let listing: Listing;
    try {
      listing = fs.list(task.abs);
    } catch (error) {
      result.unreadable = true;
      const why = reason(error);
      warn({ kind: 'unreadable', path: task.rel || '.', detail: `cannot be read (${why}); skipped, retried next run`, reason: why });
      return result;
    }
    let listed = listing.names;
    let types = listing.types;
    const count = listed.length;
    // changes are encoded in name order (libuv does not promise one; check, sort if not)
    for (let i = 1; i < count; i++) {
      if ((listed[i - 1] as string) > (listed[i] as string)) {
        const order = listed.map((_, k) => k).sort((x, y) => ((listed[x] as string) < (listed[y] as string) ? -1 : (listed[x] as string) > (listed[y] as string) ? 1 : 0));
        listed = order.map((k) => listed[k] as string);
        types = order.map((k) => types[k] as number);
        break;
      }
    }
    const weak = opts.weak === true;
    // the folder's files as columns (no object per file), in the worker's scratch columns
    if (count > cols.fileAt.length) cols = memory.columns(count);
    const { fileAt, kinds, mtimes, sizes, fps, dig } = cols;
    let n = 0;
    const h = new Uint32Array(4);
    let fd0 = 0;
    let fd1 = 0;
    let dd0 = 0;
    let dd1 = 0;
    let subdirCount = 0;
    let entries = 0;
    let failures = 0;
    let plain = true; // only regular files so far
    const prefix = task.rel === '' ? '' : `${task.rel}/`;
    const absPrefix = task.abs.endsWith('/') ? task.abs : `${task.abs}/`;
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

    for (let e = 0; e < count; e++) {
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
        result.subdirs.push({ abs, rel: prefix + name, chain });
        kind = 2;
      } else if (isLink) {
        if (opts.policy === 'skip') {
          result.skippedLinks++;
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
            result.subdirs.push({ abs, rel: prefix + name, chain });
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
      result.files++;
      result.bytes += size;
      const at = n * 2;
      fpx.hash(name, kind, size, mtime, weak, h, 0);
      fps[at] = h[0] as number;
      fps[at + 1] = h[1] as number;
      dig[at] = h[2] as number;
      dig[at + 1] = h[3] as number;
      fd0 = (fd0 + (h[2] as number)) >>> 0;
      fd1 = (fd1 + (h[3] as number)) >>> 0;
      fileAt[n] = e;
      kinds[n] = kind;
      mtimes[n] = mtime;
      sizes[n] = size;
      n++;
    }
    // a folder whose every entry failed is not empty: it is not created empty at the destination
    result.empty = entries === 0 && failures === 0;
    result.whole = result.isNew && plain && entries > 0;

    const fileDigest: [number, number] | null = n >= fpx.DIGEST_MIN ? [fd0, fd1] : null;
    const dirDigest: [number, number] | null = subdirCount > 0 ? [dd0, dd1] : null;
    // the digests first: the fingerprints are decoded only when the files' digest differs
    let old = task.state ? fpx.decodeRecord(task.state, false) : null;
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
      old = fpx.decodeRecord(task.state as Uint8Array);
      const { slots, mask } = tableOf(old.lo, old.count);
      const seen = new Uint8Array(old.count);
      const narrow = old.width === 6;
      for (let i = 0; i < n; i++) {
        const lo = fps[2 * i] as number;
        const hi = narrow ? (fps[2 * i + 1] as number) & 0xffff : (fps[2 * i + 1] as number);
        let s = lo & mask;
        let found = -1;
        for (;;) {
          const k = slots[s] as number;
          if (k === 0) break;
          if (old.lo[k - 1] === lo && old.hi[k - 1] === hi && seen[k - 1] === 0) {
            found = k - 1;
            break;
          }
          s = (s + 1) & mask;
        }
        if (found < 0) changed.push(i);
        else seen[found] = 1;
      }
      for (let k = 0; k < old.count; k++) if (seen[k] === 0) unmatched++;
      if (unmatched === 0 && failures === 0 && old.fileDigest !== null) {
        // every stored file is still here: the files that matched must sum to the stored digest.
        // If they do not, a changed file took the fingerprint of its old self (or of another
        // stored file): a collision. Nothing is guessed: the whole folder is sent again.
        let m0 = 0;
        let m1 = 0;
        let c = 0;
        for (let i = 0; i < n; i++) {
          if (c < changed.length && changed[c] === i) {
            c++;
            continue;
          }
          m0 = (m0 + (dig[2 * i] as number)) >>> 0;
          m1 = (m1 + (dig[2 * i + 1] as number)) >>> 0;
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
          keep[j++] = old.lo[k] as number;
          keep[j++] = old.hi[k] as number;
        }
      }
    }
    const changedCount = changed === null ? n : changed.length;
    result.dirsChanged = old !== null && (old.dirDigest === null ? dirDigest !== null : dirDigest === null || old.dirDigest[0] !== dd0 || old.dirDigest[1] !== dd1);
    result.removedCount = failures > 0 ? Math.max(0, unmatched - failures) : unmatched;
    result.write = old === null || changedCount > 0 || result.dirsChanged || (failures === 0 && (unmatched > 0 || !sameFileDigest || old.count !== n));
    for (let c = 0; c < changedCount; c++) {
      const i = changed === null ? c : (changed[c] as number);
      const size = sizes[i] as number;
      result.changedFiles++;
      result.changedBytes += size;
      if (result.sample.length < sampleLeft) result.sample.push({ path: prefix + (listed[fileAt[i] as number] as string), size, mtime: mtimes[i] as number });
    }
    if (opts.mode === 'pending' && result.write) {
      if (changedCount > 0) {
        const pick = (col: ArrayLike<number>): number[] => {
          const out = new Array<number>(changedCount);
          for (let c = 0; c < changedCount; c++) out[c] = col[changed === null ? c : (changed[c] as number)] as number;
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

  port.on('message', (msg) => {
    if (msg.type === 'idle') {
      cols = memory.columns(0);
      memory.collect();
      return;
    }
    if (msg.type === 'init') {
      init = msg;
      fs = msg.faults && msg.faults.length > 0 ? scanFs.withFaults(realFs, msg.faults) : realFs;
      include = msg.include.map((r) => ({ re: new RegExp(r.source, r.flags), base: r.base }));
      exclude = msg.exclude.map((r) => ({ re: new RegExp(r.source, r.flags), base: r.base }));
      return;
    }
    const results: MutableResult[] = [];
    const quiet: QuietColumns = { ids: [], rels: [], files: [], bytes: [], subdirs: [] };
    let total = 0;
    sampleLeft = Math.min(init?.sampleSize ?? 0, msg.sample);
    for (const task of msg.tasks) {
      let res: DirResult;
      try {
        if (!init) throw new Error('scan worker used before init');
        res = scanDir(task, init);
      } catch (error) {
        // not one entry but the whole folder failed (a bug, a corrupt state record): it is
        // skipped with a warning and nothing of it is recorded; the rest of the tree goes on
        res = unscannable(task, error);
      }
      if (!res.write && !res.unreadable && !res.isNew && res.warningCount === 0 && res.skippedLinks === 0 && res.changedFiles === 0 && res.removedCount === 0 && !res.dirsChanged) {
        quiet.ids.push(res.id);
        quiet.rels.push(res.rel);
        quiet.files.push(res.files);
        quiet.bytes.push(res.bytes);
        quiet.subdirs.push(res.subdirs);
        continue;
      }
      for (const b of [res.changes, res.fps, res.keep, res.digests]) if (b) total += b.length;
      results.push(res as MutableResult);
    }
    // every folder's buffers in one, handed over (not copied) as a whole: transferring a few
    // buffers per folder cost more than scanning a folder of a few files
    const whole = new ArrayBuffer(total);
    const bytes = new Uint8Array(whole);
    let at = 0;
    const place = (b: Uint8Array | null): Uint8Array | null => {
      if (!b) return null;
      bytes.set(b, at);
      const view = new Uint8Array(whole, at, b.length);
      at += b.length;
      return view;
    };
    for (const res of results) {
      res.changes = place(res.changes);
      res.fps = place(res.fps);
      res.keep = place(res.keep);
      res.digests = place(res.digests);
    }
    port.postMessage({ type: 'batch', results, quiet }, [whole]);
  });
}

/** JavaScript source of a scan worker (for `new Worker(source, { eval: true })`). */
export function scanWorkerSource(): string {
  return [
    // transpilers that keep function names insert __name(...) calls; make them harmless
    'var __name = function (f) { return f; };',
    `var makeCodec = ${makeCodec.toString()};`,
    `var makeFingerprints = ${makeFingerprints.toString()};`,
    `var makeScanFs = ${makeScanFs.toString()};`,
    `var makeScanMemory = ${makeScanMemory.toString()};`,
    `(${scanWorkerMain.toString()})(require, makeCodec(require('node:zlib')), makeFingerprints(), makeScanFs(require), makeScanMemory(require));`,
  ].join('\n');
}
