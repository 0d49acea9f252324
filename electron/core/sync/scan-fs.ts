/**
 * The scan workers' filesystem (scan-worker.ts): a folder's listing as two columns (names and
 * entry types) and `lstat`/`stat` numbers written into a small array, without a `Dirent` per entry
 * or a `Stats` object per file where that can be done safely, plus the fault injection tests use.
 *
 * `makeScanFs` is self-contained on purpose (no outer references): the scan workers are started
 * from its source text.
 */
import type { FsFault } from './scan-types';

export interface Listing {
  readonly names: string[];
  /** libuv's `UV_DIRENT_*` per name: 0 unknown, 1 file, 2 folder, 3 symbolic link, else a special file. */
  readonly types: number[];
}

export interface FsLike {
  /** A folder's entries (not sorted). Throws on every error. */
  list(p: string): Listing;
  /** Writes the entry's `[mode, size, mtimeMs, dev, ino]` into `out` (mtimeMs exactly as `Stats.mtimeMs`). Throws on every error (ENOENT included). */
  lstat(p: string, out: Float64Array): void;
  /** As `lstat`, through symbolic links. */
  stat(p: string, out: Float64Array): void;
}

export interface ScanFs {
  /** The filesystem as the scan uses it (the raw calls when they check out). */
  readonly fs: FsLike;
  /** `base` with the faults a test asked for (an errno error thrown for one op on one path). */
  withFaults(base: FsLike, faults: readonly FsFault[]): FsLike;
}

/** `raw` false: Node's public calls only (what is used where the raw ones do not check out). */
export function makeScanFs(req: (id: string) => unknown, raw = true): ScanFs {
  interface PublicStats {
    mode: number;
    size: number;
    mtimeMs: number;
    dev: number;
    ino: number;
  }
  interface PublicDirent {
    name: string;
    isFile(): boolean;
    isDirectory(): boolean;
    isSymbolicLink(): boolean;
  }
  interface PublicFs {
    readdirSync(p: string, o: { withFileTypes: true }): PublicDirent[];
    lstatSync(p: string): PublicStats;
    statSync(p: string): PublicStats;
  }
  const pub = req('node:fs') as PublicFs;

  const put = (s: PublicStats, out: Float64Array): void => {
    out[0] = s.mode;
    out[1] = s.size;
    out[2] = s.mtimeMs;
    out[3] = s.dev;
    out[4] = s.ino;
  };

  /** Node's public calls: one `Dirent` per entry, one `Stats` per call. */
  const base: FsLike = {
    list(p) {
      const names: string[] = [];
      const types: number[] = [];
      for (const d of pub.readdirSync(p, { withFileTypes: true })) {
        names.push(d.name);
        types.push(d.isFile() ? 1 : d.isDirectory() ? 2 : d.isSymbolicLink() ? 3 : 0);
      }
      return { names, types };
    },
    lstat(p, out) {
      put(pub.lstatSync(p), out);
    },
    stat(p, out) {
      put(pub.statSync(p), out);
    },
  };

  function codeOf(error: unknown): string {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : '';
  }

  /**
   * The binding's raw calls: `readdir` answers two arrays (names, types) instead of a `Dirent`
   * each, `lstat` a shared array of numbers instead of a `Stats` (on Node 20 it builds four
   * `Date`s per call, which costs more than the system call itself). Used only when they agree
   * with the public calls on known entries, else the public calls are used.
   */
  function fastFs(): FsLike {
    type RawStat = (p: string, bigint: boolean, req: undefined, throwIfNoEntry: boolean) => Float64Array | undefined;
    type RawDir = (p: string, encoding: string, withTypes: boolean) => [string[], number[]] | undefined;
    let binding: { lstat?: RawStat; stat?: RawStat; readdir?: RawDir } | null = null;
    try {
      binding = (process as unknown as { binding(name: string): typeof binding }).binding('fs');
    } catch {
      return base;
    }
    const rawLstat = binding?.lstat;
    const rawStat = binding?.stat;
    const rawDir = binding?.readdir;
    if (typeof rawLstat !== 'function' || typeof rawStat !== 'function' || typeof rawDir !== 'function') return base;
    const b = binding;
    const copy = (v: Float64Array | undefined, p: string, out: Float64Array): void => {
      if (v === undefined || v.length < 14) throw Object.assign(new Error(`ENOENT: no such file or directory, stat '${p}'`), { code: 'ENOENT' });
      out[0] = v[1] as number;
      out[1] = v[8] as number;
      out[2] = (v[12] as number) * 1000 + (v[13] as number) / 1000000; // as Node's Stats.mtimeMs
      out[3] = v[0] as number;
      out[4] = v[7] as number;
    };
    const fast: FsLike = {
      list(p) {
        const r = rawDir.call(b, p, 'utf8', true);
        if (!r || !Array.isArray(r[0]) || !Array.isArray(r[1])) throw Object.assign(new Error(`ENOENT: no such file or directory, scandir '${p}'`), { code: 'ENOENT' });
        return { names: r[0], types: r[1] };
      },
      lstat(p, out) {
        copy(rawLstat.call(b, p, false, undefined, true), p, out);
      },
      stat(p, out) {
        copy(rawStat.call(b, p, false, undefined, true), p, out);
      },
    };
    try {
      const probe = process.execPath;
      const dir = probe.slice(0, probe.lastIndexOf('/')) || '/';
      const x = new Float64Array(5);
      const y = new Float64Array(5);
      const same = (): boolean => x.every((v, i) => v === y[i]);
      base.lstat(probe, x);
      fast.lstat(probe, y);
      if (!same()) return base;
      base.stat(probe, x);
      fast.stat(probe, y);
      if (!same()) return base;
      const a = base.list(dir);
      const c = fast.list(dir);
      if (a.names.length !== c.names.length || a.names.some((n, i) => n !== c.names[i] || (a.types[i] !== 0 && a.types[i] !== c.types[i]))) return base;
      let thrown = '';
      try {
        fast.lstat(`${probe}/missing`, y);
      } catch (error) {
        thrown = codeOf(error);
      }
      let listThrown = '';
      try {
        fast.list(`${probe}/missing`);
      } catch (error) {
        listThrown = codeOf(error);
      }
      if (thrown !== '' && listThrown !== '') return fast;
    } catch {
      // the raw calls do not behave as expected here: the public ones are used
    }
    return base;
  }

  /** The filesystem with the faults a test asked for (an errno error thrown for one op on one path). */
  function withFaults(inner: FsLike, faults: readonly FsFault[]): FsLike {
    const table = new Map<string, string>(faults.map((f) => [`${f.op}\u0000${f.path}`, f.code]));
    const check = (op: FsFault['op'], p: string): void => {
      const code = table.get(`${op}\u0000${p}`);
      if (code === undefined) return;
      const error = new Error(`${code}: injected fault, ${op} '${p}'`) as Error & { code: string };
      error.code = code;
      throw error;
    };
    return {
      list: (p) => {
        check('readdir', p);
        return inner.list(p);
      },
      lstat: (p, out) => {
        check('lstat', p);
        inner.lstat(p, out);
      },
      stat: (p, out) => {
        check('stat', p);
        inner.stat(p, out);
      },
    };
  }

  return { fs: raw ? fastFs() : base, withFaults };
}
