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
import { makeScanFs, type FsLike, type ScanFs, type StatLike } from './scan-fs';
import type { DirBatch, DirResult, DirTask, QuietColumns, ResultBatch, SampleEntry, ScanWarning, WorkerInit } from './scan-types';

/** A result while its folder is scanned (types only: nothing here reaches the worker's source). */
type MutableResult = { -readonly [K in keyof DirResult]: DirResult[K] } & {
  subdirs: DirResult['subdirs'][number][];
  sample: SampleEntry[];
  warnings: ScanWarning[];
};

interface Port {
  on(event: 'message', fn: (msg: WorkerInit | DirBatch) => void): void;
  postMessage(msg: ResultBatch, transfer?: ArrayBuffer[]): void;
}
export function scanWorkerMain(req: (id: string) => unknown, codec: Codec, fpx: Fingerprints, scanFs: ScanFs): void {
  const realFs = scanFs.fs;
  let fs: FsLike = realFs;
  const port = (req('node:worker_threads') as { parentPort: Port }).parentPort;
  let init: WorkerInit | null = null;
  let include: { re: RegExp; base: boolean }[] = [];
  let exclude: { re: RegExp; base: boolean }[] = [];
  const MAX_WARNINGS = 50;

  /** A copy with its own ArrayBuffer (zlib output may sit in Node's shared pool: never transfer that). */
  function own(b: Uint8Array): Uint8Array {
    return new Uint8Array(b);
  }

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
        const self = fs.statSync(task.abs);
        if (self) chain.push(`${self.dev}:${self.ino}`);
      } catch {
        // the listing below says what is wrong with this folder
      }
    }
    let dirents;
    try {
      dirents = fs.readdirSync(task.abs, { withFileTypes: true });
    } catch (error) {
      result.unreadable = true;
      const why = reason(error);
      warn({ kind: 'unreadable', path: task.rel || '.', detail: `cannot be read (${why}); skipped, retried next run`, reason: why });
      return result;
    }
    // changes are encoded in name order (libuv already sorts; check, sort if not)
    for (let i = 1; i < dirents.length; i++) {
      if ((dirents[i - 1] as { name: string }).name > (dirents[i] as { name: string }).name) {
        dirents.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
        break;
      }
    }
    const weak = opts.weak === true;
    const names: string[] = [];
    const kinds: number[] = [];
    const mtimes: number[] = [];
    const sizes: number[] = [];
    let fps = new Uint32Array(Math.max(8, dirents.length * 2));
    /** Each file's digest hash (lo, hi), beside `fps`. */
    let dig = new Uint32Array(fps.length);
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

    for (const d of dirents) {
      const name = d.name;
      const rel = prefix + name;
      const abs = absPrefix + name;
      let kind = -1;
      let isDir = d.isDirectory();
      let isLink = !isDir && d.isSymbolicLink();
      let st: StatLike | undefined;
      if (isDir || isLink) plain = false;
      if (!isDir && !isLink && !d.isFile()) {
        // DT_UNKNOWN on some filesystems, or a special file: ask lstat (unless excluded anyway)
        if (exclude.length && matches(exclude, rel, name)) continue;
        try {
          st = fs.lstatSync(abs);
        } catch (error) {
          failed(rel, error);
          continue;
        }
        if (!st) continue;
        isDir = st.isDirectory();
        isLink = st.isSymbolicLink();
        if (isDir || isLink) plain = false;
        if (!isDir && !isLink && !st.isFile()) {
          plain = false;
          if (include.length && !matches(include, rel, name)) continue;
          warn({ kind: 'special-file', path: rel, detail: 'not a regular file, directory or symlink (a FIFO, socket or device): skipped' });
          continue;
        }
        if (!isDir && !isLink) kind = 0;
      }
      if (isDir) {
        if (exclude.length && matches(exclude, rel, name)) continue;
        result.subdirs.push({ abs, rel, chain });
        kind = 2;
      } else if (isLink) {
        if (opts.policy === 'skip') {
          result.skippedLinks++;
          warn({ kind: 'symlink-skipped', path: rel, detail: 'symlink skipped (policy: skip)' });
          continue;
        }
        if (exclude.length && matches(exclude, rel, name)) continue;
        if (opts.policy === 'keep') {
          if (include.length && !matches(include, rel, name)) continue;
          try {
            st = fs.lstatSync(abs);
          } catch (error) {
            failed(rel, error);
            continue;
          }
          if (!st) continue;
          kind = 1;
        } else {
          let target: StatLike | undefined;
          try {
            target = fs.statSync(abs);
          } catch (error) {
            const code = codeOf(error);
            if (code === 'ENOENT') {
              warn({ kind: 'dangling-symlink', path: rel, detail: 'symlink target does not exist: skipped' });
            } else failed(rel, error, code === 'ELOOP' ? 'symlink-loop' : 'unreadable');
            continue;
          }
          if (!target) continue;
          if (target.isDirectory()) {
            const id = `${target.dev}:${target.ino}`;
            if (chain && chain.includes(id)) {
              warn({ kind: 'symlink-loop', path: rel, detail: 'symlink loop: points to a folder above it; not followed' });
              continue;
            }
            result.subdirs.push({ abs, rel, chain });
            kind = 2;
          } else if (target.isFile()) {
            if (include.length && !matches(include, rel, name)) continue;
            st = target;
            kind = 0;
          } else {
            warn({ kind: 'special-file', path: rel, detail: 'symlink to a special file (a FIFO, socket or device): skipped' });
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
      if (!st) {
        try {
          st = fs.lstatSync(abs);
        } catch (error) {
          entries--;
          failed(rel, error);
          continue;
        }
        if (!st) {
          entries--;
          continue;
        }
      }
      const mtime = Math.round(st.mtimeMs * 1000);
      const size = st.size;
      result.files++;
      result.bytes += size;
      const at = names.length * 2;
      if (at + 2 > fps.length) {
        const grown = new Uint32Array(fps.length * 2);
        grown.set(fps);
        fps = grown;
      }
      fpx.hash(name, kind, size, mtime, weak, h, 0);
      fps[at] = h[0] as number;
      fps[at + 1] = h[1] as number;
      if (at + 2 > dig.length) {
        const grown = new Uint32Array(Math.max(dig.length * 2, at + 2));
        grown.set(dig);
        dig = grown;
      }
      dig[at] = h[2] as number;
      dig[at + 1] = h[3] as number;
      fd0 = (fd0 + (h[2] as number)) >>> 0;
      fd1 = (fd1 + (h[3] as number)) >>> 0;
      names.push(name);
      kinds.push(kind);
      mtimes.push(mtime);
      sizes.push(size);
    }
    // a folder whose every entry failed is not empty: it is not created empty at the destination
    result.empty = entries === 0 && failures === 0;
    result.whole = result.isNew && plain && entries > 0;

    const n = names.length;
    const fileDigest: [number, number] | null = n >= fpx.DIGEST_MIN ? [fd0, fd1] : null;
    const dirDigest: [number, number] | null = subdirCount > 0 ? [dd0, dd1] : null;
    // the digests first: the fingerprints are decoded only when the files' digest differs
    let old = task.state ? fpx.decodeRecord(task.state, false) : null;
    /** Indexes (in `names`) of the files that changed. */
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
      if (result.sample.length < opts.sampleSize) result.sample.push({ path: prefix + (names[i] as string), size, mtime: mtimes[i] as number });
    }
    if (opts.mode === 'pending' && result.write) {
      if (changedCount > 0) {
        const pick = <T>(col: T[]): T[] => (changed === null ? col : (changed as number[]).map((i) => col[i] as T));
        result.changes = own(codec.encode({ names: pick(names), kinds: pick(kinds), mtimes: pick(mtimes), sizes: pick(sizes) }));
      }
      result.fps = new Uint8Array(fps.buffer.slice(0, n * 8));
      if (keep) result.keep = new Uint8Array(keep.buffer);
      result.digests = own(fpx.encodeRecord({ fileDigest: failures === 0 ? fileDigest : null, dirDigest, fps: new Uint32Array(0) }));
    }
    return result;
  }

  port.on('message', (msg) => {
    if (msg.type === 'init') {
      init = msg;
      fs = msg.faults && msg.faults.length > 0 ? scanFs.withFaults(realFs, msg.faults) : realFs;
      include = msg.include.map((r) => ({ re: new RegExp(r.source, r.flags), base: r.base }));
      exclude = msg.exclude.map((r) => ({ re: new RegExp(r.source, r.flags), base: r.base }));
      return;
    }
    const results: DirResult[] = [];
    const quiet: QuietColumns = { ids: [], rels: [], files: [], bytes: [], subdirs: [] };
    const transfer: ArrayBuffer[] = [];
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
      for (const b of [res.changes, res.fps, res.keep, res.digests]) if (b) transfer.push(b.buffer as ArrayBuffer);
      results.push(res);
    }
    port.postMessage({ type: 'batch', results, quiet }, transfer);
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
    `(${scanWorkerMain.toString()})(require, makeCodec(require('node:zlib')), makeFingerprints(), makeScanFs(require));`,
  ].join('\n');
}
