/**
 * The scan workers' filesystem (scan-worker.ts): `readdir`, and `lstat`/`stat` without Node's
 * `Stats` object where that can be done safely, plus the fault injection tests use.
 *
 * `makeScanFs` is self-contained on purpose (no outer references): the scan workers are started
 * from its source text.
 */
import type { FsFault } from './scan-types';

export interface FsLike {
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
export interface StatLike {
  mtimeMs: number;
  size: number;
  dev: number;
  ino: number;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

export interface ScanFs {
  /** The filesystem as the scan uses it (fast stats when they check out). */
  readonly fs: FsLike;
  /** `base` with the faults a test asked for (an errno error thrown for one op on one path). */
  withFaults(base: FsLike, faults: readonly FsFault[]): FsLike;
}

export function makeScanFs(req: (id: string) => unknown): ScanFs {
  function codeOf(error: unknown): string {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : '';
  }

  /**
   * `lstat`/`stat` without Node's `Stats` object: on Node 20 it builds four `Date`s per call,
   * which costs more than the system call itself on a tree of small folders. The binding's raw
   * numbers are read instead — only when they agree with `fs.lstatSync` on a known file, else
   * the public calls are used.
   */
  function fastStats(base: FsLike): FsLike {
    type Raw = (p: string, bigint: boolean, req: undefined, throwIfNoEntry: boolean) => Float64Array | undefined;
    let binding: { lstat?: Raw; stat?: Raw } | null = null;
    try {
      binding = (process as unknown as { binding(name: string): { lstat?: Raw; stat?: Raw } }).binding('fs');
    } catch {
      return base;
    }
    const rawLstat = binding?.lstat;
    const rawStat = binding?.stat;
    if (typeof rawLstat !== 'function' || typeof rawStat !== 'function') return base;
    class Lite implements StatLike {
      constructor(
        readonly mode: number,
        readonly size: number,
        readonly mtimeMs: number,
        readonly dev: number,
        readonly ino: number,
      ) {}
      isFile(): boolean {
        return (this.mode & 0o170000) === 0o100000;
      }
      isDirectory(): boolean {
        return (this.mode & 0o170000) === 0o040000;
      }
      isSymbolicLink(): boolean {
        return (this.mode & 0o170000) === 0o120000;
      }
    }
    const lite = (v: Float64Array | undefined): StatLike | undefined =>
      v === undefined ? undefined : new Lite(v[1] as number, v[8] as number, (v[12] as number) * 1000 + (v[13] as number) / 1000000, v[0] as number, v[7] as number);
    const fast: FsLike = {
      readdirSync: (p, o) => base.readdirSync(p, o),
      lstatSync: (p) => lite(rawLstat.call(binding, p, false, undefined, true)),
      statSync: (p) => lite(rawStat.call(binding, p, false, undefined, true)),
    };
    try {
      const probe = process.execPath;
      const a = base.lstatSync(probe);
      const b = fast.lstatSync(probe);
      const c = base.statSync(probe);
      const d = fast.statSync(probe);
      const same = (x: StatLike | undefined, y: StatLike | undefined): boolean =>
        !!x && !!y && x.size === y.size && x.mtimeMs === y.mtimeMs && x.ino === y.ino && x.dev === y.dev && x.isFile() === y.isFile() && x.isSymbolicLink() === y.isSymbolicLink();
      let thrown = '';
      try {
        fast.lstatSync(`${probe}/missing`);
      } catch (error) {
        thrown = codeOf(error);
      }
      if (same(a, b) && same(c, d) && thrown !== '') return fast;
    } catch {
      // the raw calls do not behave as expected here: the public ones are used
    }
    return base;
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

  return { fs: fastStats(req('node:fs') as FsLike), withFaults };
}
