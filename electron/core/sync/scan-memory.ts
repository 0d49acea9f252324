/**
 * A scan worker's memory (scan-worker.ts): the scratch columns of the folder being scanned, and a
 * full collection once a scan is over.
 *
 * `makeScanMemory` is self-contained on purpose (no outer references): the scan workers are
 * started from its source text.
 */

/**
 * A folder's files as columns: listing index, kind, mtime (µs), size, fingerprint (lo, hi) and
 * digest hash (lo, hi). One set per worker, grown to the largest folder and reused: a tree of
 * tiny folders does not allocate six arrays per folder, and a scan leaves no garbage behind.
 */
export interface Columns {
  readonly fileAt: Int32Array;
  readonly kinds: Uint8Array;
  readonly mtimes: Float64Array;
  readonly sizes: Float64Array;
  readonly fps: Uint32Array;
  readonly dig: Uint32Array;
}

export interface ScanMemory {
  /** Columns for at least `count` files (a power of two, at least 1,024). */
  columns(count: number): Columns;
  /**
   * A full garbage collection of this thread, when V8 allows one: a worker idles between scans,
   * and what a big folder left (its listing, its encoded changes) would stay until the next.
   */
  collect(): void;
}

export function makeScanMemory(req: (id: string) => unknown): ScanMemory {
  function columns(count: number): Columns {
    const size = Math.max(1024, 2 ** Math.ceil(Math.log2(Math.max(1, count))));
    return {
      fileAt: new Int32Array(size),
      kinds: new Uint8Array(size),
      mtimes: new Float64Array(size),
      sizes: new Float64Array(size),
      fps: new Uint32Array(size * 2),
      dig: new Uint32Array(size * 2),
    };
  }

  // V8 offers `gc` only to contexts made while `--expose-gc` is set: one is made for that, and
  // the flag is cleared again at once
  let gc: (() => void) | null | undefined;
  function collect(): void {
    if (gc === undefined) {
      gc = null;
      try {
        const v8 = req('node:v8') as { setFlagsFromString(flags: string): void };
        const vm = req('node:vm') as { runInNewContext(code: string): unknown };
        v8.setFlagsFromString('--expose-gc');
        try {
          const fn = vm.runInNewContext('gc');
          if (typeof fn === 'function') gc = fn as () => void;
        } finally {
          v8.setFlagsFromString('--no-expose-gc');
        }
      } catch {
        gc = null; // no way to ask for one: V8 collects when it sees fit
      }
    }
    gc?.();
  }

  return { columns, collect };
}
