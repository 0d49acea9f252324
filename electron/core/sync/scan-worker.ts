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
import { makeScanMemory, type ScanMemory } from './scan-memory';
import type { DirBatch, DirResult, DirTask, PartReply, PartScan, PartTask, QuietColumns, ResultBatch, SplitRequest, WorkerIdle, WorkerInit } from './scan-types';

interface Port {
  on(event: 'message', fn: (msg: WorkerInit | DirBatch | WorkerIdle | PartTask | PartReply) => void): void;
  postMessage(msg: ResultBatch | SplitRequest | PartReply, transfer?: ArrayBuffer[]): void;
}

/** A big folder this worker listed, while its parts are scanned. */
interface Split {
  readonly task: DirTask;
  readonly names: string[];
  readonly chain: string[] | null;
  readonly sampleLeft: number;
  readonly parts: (PartScan | null)[];
  got: number;
  error: string | null;
}

/** The buffers of a part's columns (transferred, not copied). */
export function partBuffers(scan: PartScan): ArrayBuffer[] {
  return [scan.fileAt, scan.kinds, scan.mtimes, scan.sizes, scan.fps, scan.dig].map((a) => a.buffer as ArrayBuffer);
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

  /** Scans one folder; undefined when it was split (its result comes once its parts are in). */
  function scanDir(task: DirTask, opts: WorkerInit): DirResult | undefined {
    const result = ds.blank(task);
    const listing = ds.list(fs, task, opts, result);
    if (!listing) return result;
    const { names, types, chain } = listing;
    const count = names.length;
    if (opts.parts > 1 && count >= opts.splitMin) {
      // list once, scan in parts: the other workers get theirs first, then this one scans its own
      const size = Math.ceil(count / opts.parts);
      const parts: PartTask[] = [];
      for (let i = 1; i * size < count; i++) {
        const from = i * size;
        const to = Math.min(count, from + size);
        parts.push({ type: 'part', id: task.id, index: i, abs: task.abs, rel: task.rel, chain, from, names: names.slice(from, to).join('\u0000'), types: Uint8Array.from(types.slice(from, to)) });
      }
      port.postMessage({ type: 'split', id: task.id, parts }, parts.map((p) => p.types.buffer as ArrayBuffer));
      const own = ds.part(fs, opts, rules, { abs: task.abs, rel: task.rel, chain }, names, types, 0, Math.min(count, size), 0);
      const split: Split = { task, names, chain, sampleLeft, parts: [own], got: 1, error: null };
      for (let i = 0; i < parts.length; i++) split.parts.push(null);
      splits.set(task.id, split);
      return undefined;
    }
    return ds.finish(task, opts, names, chain, ds.range(fs, opts, rules, { abs: task.abs, rel: task.rel, chain }, names, types, 0, count, 0), sampleLeft);
  }

  /** A part of another worker's folder. */
  function scanPart(part: PartTask): void {
    let reply: PartReply;
    try {
      if (!init) throw new Error('scan worker used before init');
      const names = part.names.split('\u0000');
      const scan = ds.part(fs, init, rules, part, names, part.types, 0, names.length, part.from);
      reply = { type: 'part-done', id: part.id, index: part.index, scan, error: null };
    } catch (error) {
      reply = { type: 'part-done', id: part.id, index: part.index, scan: null, error: String((error as Error | null)?.message ?? error) };
    }
    port.postMessage(reply, reply.scan ? partBuffers(reply.scan) : []);
  }

  /** A part of one of this worker's folders is back: once all are, the folder's result goes out. */
  function merge(reply: PartReply): void {
    const split = splits.get(reply.id);
    if (!split) return;
    split.parts[reply.index] = reply.scan;
    if (reply.error !== null) split.error = reply.error;
    split.got++;
    if (split.got < split.parts.length) return;
    splits.delete(reply.id);
    let res: DirResult;
    try {
      if (!init) throw new Error('scan worker used before init');
      if (split.error !== null) throw new Error(split.error);
      res = ds.finish(split.task, init, split.names, split.chain, ds.gather(split.parts as PartScan[]), split.sampleLeft);
    } catch (error) {
      res = ds.unscannable(split.task, error);
    }
    send([res], true);
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
    port.postMessage(merged ? { type: 'batch', merged: true, results, quiet } : { type: 'batch', results, quiet }, [whole]);
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
    `(${scanWorkerMain.toString()})(require, makeCodec(require('node:zlib')), makeFingerprints(), makeScanFs(require), makeScanMemory(require), makeDirScan, makeDirCompare);`,
  ].join('\n');
}
