/**
 * The per-directory half of a scan, run inside `worker_threads`: list one directory, lstat
 * its entries, compare them with that directory's stored state, and answer with what changed
 * (already encoded) and which subdirectories to walk next.
 *
 * `scanWorkerMain` must stay self-contained (it is started from its own source text, with
 * `require` and the codec passed in), so it only uses its parameters and globals.
 */
import { makeCodec, type Codec } from './codec';
import type { SyncSymlinkPolicy } from '../../../shared/contract/syncs';

export interface GlobRule {
  readonly source: string;
  readonly flags: string;
  /** The pattern has no `/`: test it against the entry's name instead of its relative path. */
  readonly base: boolean;
}

export interface WorkerInit {
  readonly type: 'init';
  readonly policy: SyncSymlinkPolicy;
  readonly include: readonly GlobRule[];
  readonly exclude: readonly GlobRule[];
  /** `pending`: encode changes for the pending record; `preview`: counts and samples only. */
  readonly mode: 'pending' | 'preview';
  readonly sampleSize: number;
}

export interface DirTask {
  readonly type: 'dir';
  readonly id: number;
  readonly abs: string;
  readonly rel: string;
  readonly state: Uint8Array | null;
  /** `dev:ino` of the directories above (follow policy only), for loop detection. */
  readonly chain: readonly string[] | null;
}

export interface ScanWarning {
  readonly kind: 'symlink-skipped' | 'symlink-loop' | 'dangling-symlink' | 'unreadable' | 'special-file';
  readonly path: string;
  readonly detail: string;
}

export interface SampleEntry {
  readonly path: string;
  readonly size: number;
  /** Microseconds since the epoch. */
  readonly mtime: number;
}

export interface DirResult {
  readonly type: 'dir';
  readonly id: number;
  readonly rel: string;
  readonly subdirs: readonly { readonly abs: string; readonly rel: string; readonly chain: readonly string[] | null }[];
  /** Encoded changed entries (files, kept links, new subdirectories), or null when none. */
  readonly changes: Uint8Array | null;
  /** Encoded names that were in the state but are gone, or null. */
  readonly removed: Uint8Array | null;
  /** Int32 (platform order) per changed entry: its index in the old state, -1 when new. */
  readonly oldIndex: Uint8Array | null;
  /** crc32 of the state blob the diff was made against (null: none). */
  readonly stateCrc: number | null;
  readonly changedFiles: number;
  readonly changedBytes: number;
  readonly removedCount: number;
  readonly files: number;
  readonly bytes: number;
  readonly isNew: boolean;
  readonly empty: boolean;
  /** A new folder of regular files only (no subfolder, link or special file): one recursive
   * transfer item carries exactly what was scanned (when the job has no include/exclude). */
  readonly whole: boolean;
  readonly unreadable: boolean;
  readonly sample: readonly SampleEntry[];
  readonly warnings: readonly ScanWarning[];
  readonly skippedLinks: number;
}

export interface WorkerError {
  readonly type: 'error';
  readonly id: number;
  readonly message: string;
}

interface Port {
  on(event: 'message', fn: (msg: WorkerInit | DirTask) => void): void;
  postMessage(msg: DirResult | WorkerError, transfer?: ArrayBuffer[]): void;
}
interface FsLike {
  readdirSync(p: string, o: { withFileTypes: true }): {
    name: string;
    isFile(): boolean;
    isDirectory(): boolean;
    isSymbolicLink(): boolean;
  }[];
  lstatSync(p: string, o?: { throwIfNoEntry: false }): StatLike | undefined;
  statSync(p: string, o?: { throwIfNoEntry: false }): StatLike | undefined;
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
  const fs = req('node:fs') as FsLike;
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
    const warnings: ScanWarning[] = [];
    const warn = (w: ScanWarning): void => {
      if (warnings.length < MAX_WARNINGS) warnings.push(w);
    };
    const result = {
      type: 'dir' as const,
      id: task.id,
      rel: task.rel,
      subdirs: [] as { abs: string; rel: string; chain: readonly string[] | null }[],
      changes: null as Uint8Array | null,
      removed: null as Uint8Array | null,
      oldIndex: null as Uint8Array | null,
      stateCrc: task.state && zlib.crc32 ? zlib.crc32(task.state) : null,
      changedFiles: 0,
      changedBytes: 0,
      removedCount: 0,
      files: 0,
      bytes: 0,
      isNew: task.state === null,
      empty: false,
      whole: false,
      unreadable: false,
      sample: [] as SampleEntry[],
      warnings,
      skippedLinks: 0,
    };
    let chain: string[] | null = null;
    if (opts.policy === 'follow') {
      const self = fs.statSync(task.abs, { throwIfNoEntry: false });
      chain = [...(task.chain ?? [])];
      if (self) chain.push(`${self.dev}:${self.ino}`);
    }
    let dirents;
    try {
      dirents = fs.readdirSync(task.abs, { withFileTypes: true });
    } catch (error) {
      result.unreadable = true;
      warn({ kind: 'unreadable', path: task.rel || '.', detail: (error as Error).message });
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
    let plain = true; // only regular files so far
    const prefix = task.rel === '' ? '' : `${task.rel}/`;
    const absPrefix = task.abs.endsWith('/') ? task.abs : `${task.abs}/`;

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
        // DT_UNKNOWN on some filesystems, or a special file: ask lstat
        st = fs.lstatSync(abs, { throwIfNoEntry: false });
        if (!st) continue;
        isDir = st.isDirectory();
        isLink = st.isSymbolicLink();
        if (isDir || isLink) plain = false;
        if (!isDir && !isLink && !st.isFile()) {
          plain = false;
          warn({ kind: 'special-file', path: rel, detail: 'not a regular file, directory or symlink: skipped' });
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
          st = fs.lstatSync(abs, { throwIfNoEntry: false });
          if (!st) continue;
          kind = 1;
        } else {
          const target = fs.statSync(abs, { throwIfNoEntry: false });
          if (!target) {
            warn({ kind: 'dangling-symlink', path: rel, detail: 'symlink target does not exist: skipped' });
            continue;
          }
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
            warn({ kind: 'special-file', path: rel, detail: 'symlink to a special file: skipped' });
            continue;
          }
        }
      } else {
        if (exclude.length && matches(exclude, rel, name)) continue;
        if (include.length && !matches(include, rel, name)) continue;
        kind = 0;
      }
      entries++;
      let mtime = 0;
      let size = 0;
      if (kind !== 2) {
        if (!st) st = fs.lstatSync(abs, { throwIfNoEntry: false });
        if (!st) {
          entries--;
          continue; // vanished between readdir and lstat
        }
        mtime = Math.round(st.mtimeMs * 1000);
        size = st.size;
        result.files++;
        result.bytes += size;
      }
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
    result.empty = entries === 0;
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
      include = msg.include.map((r) => ({ re: new RegExp(r.source, r.flags), base: r.base }));
      exclude = msg.exclude.map((r) => ({ re: new RegExp(r.source, r.flags), base: r.base }));
      return;
    }
    try {
      if (!init) throw new Error('scan worker used before init');
      const res = scanDir(msg, init);
      const transfer: ArrayBuffer[] = [];
      if (res.changes) transfer.push(res.changes.buffer as ArrayBuffer);
      if (res.removed) transfer.push(res.removed.buffer as ArrayBuffer);
      if (res.oldIndex) transfer.push(res.oldIndex.buffer as ArrayBuffer);
      port.postMessage(res, transfer);
    } catch (error) {
      port.postMessage({ type: 'error', id: msg.id, message: (error as Error).stack ?? String(error) });
    }
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
