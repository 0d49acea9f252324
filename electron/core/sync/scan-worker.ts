/**
 * The per-directory half of a scan, run inside `worker_threads`: list one directory, lstat
 * its entries, compare them with that directory's stored state, and answer with what changed
 * (already encoded) and which subdirectories to walk next. An error on one entry (or on the
 * folder itself) becomes a warning of the folder's result: a worker never fails a scan.
 *
 * `scanWorkerMain` must stay self-contained (it is started from its own source text, with
 * `require` and the codec passed in), so it only uses its parameters and globals.
 */
import { makeCodec, type Codec } from './codec';
import type { DirResult, DirTask, FsFault, SampleEntry, ScanWarning, WorkerInit } from './scan-types';

/** A result while its folder is scanned (types only: nothing here reaches the worker's source). */
type MutableResult = { -readonly [K in keyof DirResult]: DirResult[K] } & {
  subdirs: DirResult['subdirs'][number][];
  sample: SampleEntry[];
  warnings: ScanWarning[];
};

interface Port {
  on(event: 'message', fn: (msg: WorkerInit | DirTask) => void): void;
  postMessage(msg: DirResult, transfer?: ArrayBuffer[]): void;
}
interface FsLike {
  readdirSync(p: string, o: { withFileTypes: true }): {
    name: string;
    isFile(): boolean;
    isDirectory(): boolean;
    isSymbolicLink(): boolean;
  }[];
  /** Throws on every error (ENOENT included): each becomes a warning about that entry. */
  lstatSync(p: string): StatLike | undefined;
  statSync(p: string): StatLike | undefined;
}
interface StatLike {
  mtimeMs: number;
  size: number;
  dev: number;
  ino: number;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

export function scanWorkerMain(req: (id: string) => unknown, codec: Codec): void {
  const realFs = req('node:fs') as FsLike;
  let fs: FsLike = realFs;
  const zlib = req('node:zlib') as { crc32?: (b: Uint8Array) => number };
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

  /** The filesystem with the faults a test asked for (an errno error thrown for one op on one path). */
  function withFaults(base: FsLike, faults: readonly FsFault[]): FsLike {
    const table = new Map<string, string>(faults.map((f) => [`${f.op}\u0000${f.path}`, f.code]));
    const check = (op: FsFault['op'], p: string): void => {
      const code = table.get(`${op}\u0000${p}`);
      if (code === undefined) return;
      const error = new Error(`${code}: injected fault, ${op} '${p}'`) as Error & { code: string };
      error.code = code;
      throw error;
    };
    return {
      readdirSync: (p, o) => {
        check('readdir', p);
        return base.readdirSync(p, o);
      },
      lstatSync: (p) => {
        check('lstat', p);
        return base.lstatSync(p);
      },
      statSync: (p) => {
        check('stat', p);
        return base.statSync(p);
      },
    };
  }

  function blank(task: DirTask): MutableResult {
    return {
      type: 'dir' as const,
      id: task.id,
      rel: task.rel,
      subdirs: [],
      changes: null,
      removed: null,
      oldIndex: null,
      stateCrc: null,
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

  function scanDir(task: DirTask, opts: WorkerInit): DirResult {
    // Old state as raw columns, walked as a sorted cursor merged with the (sorted) listing:
    // in the common case a name is checked char by char against the stored prefix + suffix
    // without building a string or a map.
    const old = task.state ? codec.decodeColumns(task.state) : null;
    const oldCount = old ? old.count : 0;
    let oi = 0;
    let off = 0;
    let oldPrev = '';
    let oldCur: string | null = null;
    const gone: string[] = [];
    const oldMatches = (name: string): boolean => {
      if (!old) return false;
      const p = old.prefixes[oi] as number;
      const len = old.lengths[oi] as number;
      if (name.length !== p + len) return false;
      for (let j = 0; j < p; j++) if (name.charCodeAt(j) !== oldPrev.charCodeAt(j)) return false;
      const text = old.suffixText;
      for (let j = 0; j < len; j++) if (name.charCodeAt(p + j) !== text.charCodeAt(off + j)) return false;
      return true;
    };
    const oldName = (): string => {
      if (oldCur === null && old) {
        const len = old.lengths[oi] as number;
        oldCur = oldPrev.slice(0, old.prefixes[oi]) + old.suffixText.slice(off, off + len);
      }
      return oldCur ?? '';
    };
    const advance = (name: string): void => {
      oldPrev = name;
      off += old ? (old.lengths[oi] as number) : 0;
      oi++;
      oldCur = null;
    };
    /** Index of the old entry named `name`, or -1; passes (and records as gone) smaller old names. */
    const seek = (name: string): number => {
      while (oi < oldCount) {
        if (oldMatches(name)) {
          const i = oi;
          advance(name);
          return i;
        }
        const on = oldName();
        if (on < name) {
          gone.push(on);
          advance(on);
          continue;
        }
        return -1;
      }
      return -1;
    };
    const result = blank(task);
    result.stateCrc = task.state && zlib.crc32 ? zlib.crc32(task.state) : null;
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
    // the merge needs the listing in name order (libuv already sorts; check, sort if not)
    for (let i = 1; i < dirents.length; i++) {
      if ((dirents[i - 1] as { name: string }).name > (dirents[i] as { name: string }).name) {
        dirents.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
        break;
      }
    }
    const cNames: string[] = [];
    const cKinds: number[] = [];
    const cMtimes: number[] = [];
    const cSizes: number[] = [];
    const cOld: number[] = [];
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
    const failed = (name: string, rel: string, error: unknown, kind: 'unreadable' | 'symlink-loop' = 'unreadable'): void => {
      failures++;
      plain = false;
      if (old) seek(name);
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
          failed(name, rel, error);
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
            failed(name, rel, error);
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
            } else failed(name, rel, error, code === 'ELOOP' ? 'symlink-loop' : 'unreadable');
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
      let mtime = 0;
      let size = 0;
      if (kind !== 2) {
        if (!st) {
          try {
            st = fs.lstatSync(abs);
          } catch (error) {
            failed(name, rel, error);
            continue;
          }
          if (!st) continue;
        }
        mtime = Math.round(st.mtimeMs * 1000);
        size = st.size;
        result.files++;
        result.bytes += size;
      }
      entries++;
      let changed = true;
      let oldIdx = -1;
      if (old) {
        oldIdx = seek(name);
        if (oldIdx >= 0) changed = old.kinds[oldIdx] !== kind || old.mtimes[oldIdx] !== mtime || old.sizes[oldIdx] !== size;
      }
      if (!changed) continue;
      if (kind !== 2) {
        result.changedFiles++;
        result.changedBytes += size;
        if (result.sample.length < opts.sampleSize) result.sample.push({ path: rel, size, mtime });
      }
      if (opts.mode === 'pending') {
        cNames.push(name);
        cKinds.push(kind);
        cMtimes.push(mtime);
        cSizes.push(size);
        cOld.push(oldIdx);
      }
    }
    // a folder whose every entry failed is not empty: it is not created empty at the destination
    result.empty = entries === 0 && failures === 0;
    result.whole = result.isNew && plain && entries > 0;
    if (opts.mode === 'pending' && cNames.length > 0) {
      // collected in listing order, which is name order
      result.changes = own(codec.encode({ names: cNames, kinds: cKinds, mtimes: cMtimes, sizes: cSizes }));
      result.oldIndex = new Uint8Array(Int32Array.from(cOld).buffer);
    }
    if (old) {
      while (oi < oldCount) {
        const on = oldName();
        gone.push(on);
        advance(on);
      }
      result.removedCount = gone.length;
      if (gone.length > 0 && opts.mode === 'pending') {
        result.removed = own(
          codec.encode({
            names: gone,
            kinds: gone.map(() => 0),
            mtimes: gone.map(() => 0),
            sizes: gone.map(() => 0),
          }),
        );
      }
    }
    return result;
  }

  port.on('message', (msg) => {
    if (msg.type === 'init') {
      init = msg;
      fs = msg.faults && msg.faults.length > 0 ? withFaults(realFs, msg.faults) : realFs;
      include = msg.include.map((r) => ({ re: new RegExp(r.source, r.flags), base: r.base }));
      exclude = msg.exclude.map((r) => ({ re: new RegExp(r.source, r.flags), base: r.base }));
      return;
    }
    let res: DirResult;
    try {
      if (!init) throw new Error('scan worker used before init');
      res = scanDir(msg, init);
    } catch (error) {
      // not one entry but the whole folder failed (a bug, a corrupt state record): it is
      // skipped with a warning and nothing of it is recorded; the rest of the tree goes on
      port.postMessage(unscannable(msg, error));
      return;
    }
    const transfer: ArrayBuffer[] = [];
    if (res.changes) transfer.push(res.changes.buffer as ArrayBuffer);
    if (res.removed) transfer.push(res.removed.buffer as ArrayBuffer);
    if (res.oldIndex) transfer.push(res.oldIndex.buffer as ArrayBuffer);
    port.postMessage(res, transfer);
  });
}

/** JavaScript source of a scan worker (for `new Worker(source, { eval: true })`). */
export function scanWorkerSource(): string {
  return [
    // transpilers that keep function names insert __name(...) calls; make them harmless
    'var __name = function (f) { return f; };',
    `var makeCodec = ${makeCodec.toString()};`,
    `(${scanWorkerMain.toString()})(require, makeCodec(require('node:zlib')));`,
  ].join('\n');
}
