/**
 * A scan worker's memory (scan-worker.ts): the scratch columns of the folder being scanned, and a
 * full collection once a scan is over.
 *
 * `makeScanMemory` is self-contained on purpose (no outer references): the scan workers are
 * started from its source text.
 */

/**
 * A folder's files as columns: listing index, kind, mtime (µs), size and fingerprint (lo, hi): 29
 * bytes a file (a file's digest hash is not kept: the folder's sum is, and the few a comparison
 * needs again are computed again, scan-compare.ts). One set per worker, grown to the largest folder and reused: a tree of
 * tiny folders does not allocate six arrays per folder, and a scan leaves no garbage behind.
 */
export interface Columns {
  readonly fileAt: Int32Array;
  readonly kinds: Uint8Array;
  readonly mtimes: Float64Array;
  readonly sizes: Float64Array;
  readonly fps: Uint32Array;
}

export interface ScanMemory {
  /** Columns for at least `count` files (a power of two from 1,024, a multiple of 65,536 beyond 65,536). */
  columns(count: number): Columns;
  /**
   * A garbage collection of this thread (full, or `minor`: the young generation only), when V8
   * allows one: a worker idles between scans, and what a big folder left (its listing, its
   * encoded changes) would stay until the next.
   */
  collect(type?: 'major' | 'minor'): void;
}

export function makeScanMemory(req: (id: string) => unknown): ScanMemory {
  function columns(count: number): Columns {
    // powers of two up to 64 Ki files; beyond, the next multiple of 64 Ki (a folder of 400,000
    // files takes 13 MB of columns, not the 15 MB of 512 Ki)
    const size = count <= 65536 ? Math.max(1024, 2 ** Math.ceil(Math.log2(Math.max(1, count)))) : Math.ceil(count / 65536) * 65536;
    return {
      fileAt: new Int32Array(size),
      kinds: new Uint8Array(size),
      mtimes: new Float64Array(size),
      sizes: new Float64Array(size),
      fps: new Uint32Array(size * 2),
    };
  }

  // V8 offers `gc` only to contexts made while `--expose-gc` is set: one is made for that, and
  // the flag is cleared again at once
  let gc: ((options?: { type: 'major' | 'minor'; execution: 'sync' | 'async' }) => void) | null | undefined;
  function collect(type: 'major' | 'minor' = 'major'): void {
    if (gc === undefined) {
      gc = null;
      try {
        const v8 = req('node:v8') as { setFlagsFromString(flags: string): void };
        const vm = req('node:vm') as { runInNewContext(code: string): unknown };
        v8.setFlagsFromString('--expose-gc');
        try {
          const fn = vm.runInNewContext('gc');
          if (typeof fn === 'function') gc = fn as (options?: { type: 'major' | 'minor'; execution: 'sync' | 'async' }) => void;
        } finally {
          v8.setFlagsFromString('--no-expose-gc');
        }
      } catch {
        gc = null; // no way to ask for one: V8 collects when it sees fit
      }
    }
    // `gc()` with no options is a full collection at once; an options object defaults to other
    // timings (measured: the workers' end-of-scan collection stopped freeing anything)
    if (type === 'minor') gc?.({ type: 'minor', execution: 'sync' });
    else gc?.();
  }

  return { columns, collect };
}
