/**
 * The per-directory half of a scan, run inside `worker_threads`: list a batch of directories,
 * lstat their entries, fingerprint them and compare with each directory's stored record
 * (scan-dir.ts), and answer with what changed (already encoded) and which subdirectories to walk
 * next. A folder of many entries is listed once and its entries split between the workers: the
 * worker that listed it sends the other parts out (through the main thread), scans its own, and
 * answers for the folder once every part is back. An error on one entry (or on the folder
 * itself) becomes a warning of the folder's result: a worker never fails a scan.
 *
 * `scanWorkerMain` must stay self-contained (it is started from its own source text, with
 * `require` and the codec passed in), so it only uses its parameters and globals.
 */
import { makeCodec, type Codec } from './codec';
import { makeDirCompare } from './scan-compare';
import { makeDirScan, type DirScan, type MutableResult, type Rules } from './scan-dir';
import { makeFingerprints, type Fingerprints } from './fingerprint';
import { makeScanFs, type FsLike, type ScanFs } from './scan-fs';
import { makeScanMemory, type Columns, type ScanMemory } from './scan-memory';
import type { DirBatch, DirResult, DirTask, PartReply, PartScan, PartTask, QuietColumns, RangeScan, ResultBatch, SplitRequest, WorkerIdle, WorkerInit } from './scan-types';

interface Port {
  on(event: 'message', fn: (msg: WorkerInit | DirBatch | WorkerIdle | PartTask | PartReply) => void): void;
  postMessage(msg: ResultBatch | SplitRequest | PartReply, transfer?: ArrayBuffer[]): void;
}

/** A big folder this worker listed, while its parts are scanned (by any worker, this one too). */
interface Split {
  readonly task: DirTask;
  readonly names: string[];
  readonly types: Uint8Array;
  readonly chain: string[] | null;
  readonly sampleLeft: number;
  /** Room for every file of the folder: each part's files are placed at its first listing index. */
  readonly cols: Columns;
  /** Each part's first listing index and totals, by part index (null: not back yet). */
  readonly parts: ({ readonly from: number; readonly scan: RangeScan } | null)[];
  got: number;
  error: string | null;
}

/** The buffers of a part to scan (transferred, not copied: through the main thread too). */
export function partTaskBuffers(part: PartTask): ArrayBuffer[] {
  return [part.names.buffer as ArrayBuffer, part.types.buffer as ArrayBuffer];
}

/** The buffers of a part's columns (transferred, not copied). */
export function partBuffers(scan: PartScan): ArrayBuffer[] {
  return [scan.fileAt, scan.kinds, scan.mtimes, scan.sizes, scan.fps].map((a) => a.buffer as ArrayBuffer);
}

export function scanWorkerMain(req: (id: string) => unknown, codec: Codec, fpx: Fingerprints, scanFs: ScanFs, memory: ScanMemory, dirScan: (codec: Codec, fpx: Fingerprints, memory: ScanMemory, makeCompare: typeof makeDirCompare) => DirScan, makeCompare: typeof makeDirCompare): void {
  const realFs = scanFs.fs;
  let fs: FsLike = realFs;
  const port = (req('node:worker_threads') as { parentPort: Port }).parentPort;
  let init: WorkerInit | null = null;
  let rules: Rules = { include: [], exclude: [] };
  /** Sample entries wanted per folder of the batch at hand (none once the scan has enough). */
  let sampleLeft = 0;
  const ds = dirScan(codec, fpx, memory, makeCompare);
  const splits = new Map<number, Split>();
  const utf8 = new TextEncoder();
  const utf8Names = new TextDecoder();
  /**
   * Entries per part of a split folder. Small parts, handed out one or two at a time: a worker
   * never holds more than a part of another worker's names, the parts' columns are placed as they
   * come back, and whichever worker is free takes the next.
   */
  const PART_FILES = 16384;

  /** Scans one folder; undefined when it was split (its result comes once its parts are in). */
  function scanDir(task: DirTask, opts: WorkerInit): DirResult | undefined {
    const result = ds.blank(task);
    const listing = ds.list(fs, task, opts, result);
    if (!listing) return result;
    const { names, types, chain } = listing;
    const count = names.length;
    if (opts.parts > 1 && count >= opts.splitMin) {
      // list once, scan in parts: the main thread hands them out to whichever worker is free
      const size = Math.max(1, Math.min(PART_FILES, Math.ceil(count / (opts.parts * 2))));
      const kinds = Uint8Array.from(types);
      const parts: PartTask[] = [];
      for (let from = 0; from < count; from += size) {
        const to = Math.min(count, from + size);
        parts.push({ type: 'part', id: task.id, index: parts.length, abs: task.abs, rel: task.rel, chain, from, names: utf8.encode(names.slice(from, to).join('\u0000')), types: kinds.slice(from, to) });
      }
      splits.set(task.id, { task, names, types: kinds, chain, sampleLeft, cols: memory.columns(count), parts: parts.map(() => null), got: 0, error: null });
      port.postMessage({ type: 'split', id: task.id, parts }, parts.flatMap(partTaskBuffers));
      return undefined;
    }
    return ds.finish(task, opts, names, chain, ds.range(fs, opts, rules, { abs: task.abs, rel: task.rel, chain }, names, types, 0, count, 0), sampleLeft);
  }

  /** A part of a split folder: of this worker's own (scanned straight into its columns) or another's. */
  function scanPart(part: PartTask): void {
    let reply: PartReply;
    try {
      if (!init) throw new Error('scan worker used before init');
      const own = splits.get(part.id);
      if (own) {
        const to = part.from + part.types.length;
        const scan = ds.range(fs, init, rules, part, own.names, own.types, part.from, to, 0, ds.at(own.cols, part.from));
        reply = { type: 'part-done', id: part.id, index: part.index, from: part.from, scan, placed: true, error: null };
      } else {
        const names = utf8Names.decode(part.names).split('\u0000');
        const scan = ds.part(fs, init, rules, part, names, part.types, 0, names.length, part.from);
        reply = { type: 'part-done', id: part.id, index: part.index, from: part.from, scan, placed: false, error: null };
      }
    } catch (error) {
      reply = { type: 'part-done', id: part.id, index: part.index, from: part.from, scan: null, placed: false, error: String((error as Error | null)?.message ?? error) };
    }
    port.postMessage(reply, reply.scan && !reply.placed ? partBuffers(reply.scan as PartScan) : []);
  }

  /** A part of one of this worker's folders is back: once all are, the folder's result goes out. */
  function merge(reply: PartReply): void {
    const split = splits.get(reply.id);
    if (!split) return;
    if (reply.error !== null) split.error = reply.error;
    else if (reply.scan) {
      if (!reply.placed) ds.place(split.cols, reply.from, reply.scan as PartScan);
      split.parts[reply.index] = { from: reply.from, scan: ds.totals(reply.scan) };
    }
    split.got++;
    if (split.got < split.parts.length) return;
    splits.delete(reply.id);
    let res: DirResult;
    try {
      if (!init) throw new Error('scan worker used before init');
      if (split.error !== null) throw new Error(split.error);
      const all = ds.gather(split.cols, split.parts as { readonly from: number; readonly scan: RangeScan }[]);
      res = ds.finish(split.task, init, split.names, split.chain, all, split.sampleLeft, split.cols);
    } catch (error) {
      res = ds.unscannable(split.task, error);
    }
    send([res], true);
  }

  /** A buffer of 64 KiB or more that is the whole of its memory: sent as it is. */
  function alone(b: Uint8Array): boolean {
    return b.byteLength >= 65536 && b.byteOffset === 0 && b.buffer.byteLength === b.byteLength && !(b.buffer instanceof SharedArrayBuffer);
  }

  /** Results (and quiet folders) as one message, their buffers in one transferred buffer. */
  function send(all: readonly DirResult[], merged: boolean): void {
    const results: MutableResult[] = [];
    const quiet: QuietColumns = { ids: [], rels: [], files: [], bytes: [], subdirs: [], chains: [] };
    let total = 0;
    for (const res of all) {
      if (!res.write && !res.unreadable && !res.isNew && res.warningCount === 0 && res.skippedLinks === 0 && res.changedFiles === 0 && res.removedCount === 0 && !res.dirsChanged) {
        quiet.ids.push(res.id);
        quiet.rels.push(res.rel);
        quiet.files.push(res.files);
        quiet.bytes.push(res.bytes);
        quiet.subdirs.push(res.subdirs);
        quiet.chains.push(res.chain);
        continue;
      }
      for (const b of [res.changes, res.fps, res.keep, res.digests]) if (b && !alone(b)) total += b.length;
      results.push(res as MutableResult);
    }
    // every folder's buffers in one, handed over (not copied) as a whole: transferring a few
    // buffers per folder cost more than scanning a folder of a few files; a big buffer that is
    // all of its own memory (a big folder's changes) is handed over as it is, not copied
    const whole = new ArrayBuffer(total);
    const bytes = new Uint8Array(whole);
    const transfer: ArrayBuffer[] = [whole];
    let at = 0;
    const place = (b: Uint8Array | null): Uint8Array | null => {
      if (!b) return null;
      if (alone(b)) {
        transfer.push(b.buffer as ArrayBuffer);
        return b;
      }
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
    port.postMessage(merged ? { type: 'batch', merged: true, results, quiet } : { type: 'batch', results, quiet }, transfer);
  }

  port.on('message', (msg) => {
    switch (msg.type) {
      case 'idle':
        splits.clear();
        ds.reset();
        memory.collect();
        return;
      case 'init':
        init = msg;
        fs = msg.faults && msg.faults.length > 0 ? scanFs.withFaults(realFs, msg.faults) : realFs;
        rules = {
          include: msg.include.map((r) => ({ re: new RegExp(r.source, r.flags), base: r.base })),
          exclude: msg.exclude.map((r) => ({ re: new RegExp(r.source, r.flags), base: r.base })),
        };
        return;
      case 'part':
        scanPart(msg);
        return;
      case 'part-done':
        merge(msg);
        return;
      case 'batch':
        break;
    }
    const all: DirResult[] = [];
    sampleLeft = Math.min(init?.sampleSize ?? 0, msg.sample);
    for (const task of msg.tasks) {
      let res: DirResult | undefined;
      try {
        if (!init) throw new Error('scan worker used before init');
        res = scanDir(task, init);
      } catch (error) {
        // not one entry but the whole folder failed (a bug, a corrupt state record): it is
        // skipped with a warning and nothing of it is recorded; the rest of the tree goes on
        splits.delete(task.id);
        res = ds.unscannable(task, error);
      }
      if (res) all.push(res);
    }
    send(all, false);
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
    `var makeDirCompare = ${makeDirCompare.toString()};`,
    `var makeDirScan = ${makeDirScan.toString()};`,
    `var partBuffers = ${partBuffers.toString()};`,
    `var partTaskBuffers = ${partTaskBuffers.toString()};`,
    `(${scanWorkerMain.toString()})(require, makeCodec(require('node:zlib')), makeFingerprints(), makeScanFs(require), makeScanMemory(require), makeDirScan, makeDirCompare);`,
  ].join('\n');
}
