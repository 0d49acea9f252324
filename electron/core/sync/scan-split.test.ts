import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprints } from './fingerprint';
import { scanTree, type ScanOptions } from './scanner';
import type { DirResult } from './scan-types';
import { makeSandbox, scanOptionsFor, writeFile, type Sandbox } from './testing/test-support';

/** Every folder's result (without the scan's own ids), by path. */
async function scanAll(s: Sandbox, extra: Partial<ScanOptions>, state: Map<string, Uint8Array> = new Map()): Promise<Map<string, Omit<DirResult, 'id'>>> {
  const out = new Map<string, Omit<DirResult, 'id'>>();
  await scanTree(
    scanOptionsFor(s.src, {
      sampleSize: 20,
      loadState: (rel) => state.get(rel) ?? null,
      onDir: (r) => {
        // the result of a quiet folder is reused: keep a copy
        const { id: _id, ...rest } = structuredClone(r);
        out.set(r.rel, rest);
      },
      faults: [{ op: 'lstat', path: join(s.src, 'big', 'f0101.dat'), code: 'EIO' }],
      ...extra,
    }),
  );
  return out;
}

/** The records a commit of everything would store. */
function stateOf(results: Map<string, Omit<DirResult, 'id'>>): Map<string, Uint8Array> {
  const state = new Map<string, Uint8Array>();
  for (const [rel, r] of results) {
    const d = r.digests ? fingerprints.decodeRecord(r.digests) : null;
    const fps = r.fps ? new Uint32Array(new Uint8Array(r.fps).buffer) : new Uint32Array(0);
    state.set(rel, fingerprints.encodeRecord({ fileDigest: d?.fileDigest ?? null, dirDigest: d?.dirDigest ?? null, fps }));
  }
  return state;
}

describe('a scan that splits big folders between its workers', () => {
  let s: Sandbox;
  beforeEach(() => {
    s = makeSandbox();
    mkdirSync(join(s.src, 'big'));
    for (let i = 0; i < 300; i++) writeFileSync(join(s.src, 'big', `f${String(i).padStart(4, '0')}.dat`), `${i}`);
  }, 30_000);
  afterEach(() => s.cleanup());

  it('finds what the scan of whole folders finds, first run and after changes', async () => {
    mkdirSync(join(s.src, 'big', 'sub a'), { recursive: true });
    writeFile(join(s.src, 'big', 'sub a', 'x.tif'), 'x');
    symlinkSync('f0001.dat', join(s.src, 'big', 'link'));
    const whole = await scanAll(s, { splitMin: 1_000_000 });
    const split = await scanAll(s, { splitMin: 50 });
    expect(split).toEqual(whole);
    const big = split.get('big');
    expect(big?.files).toBe(300); // 299 files and the kept link; one file could not be read
    expect(big?.warnings.map((w) => w.path)).toEqual(['big/f0101.dat']);
    expect(big?.subdirs).toEqual(['sub a']);

    // rewritten and new files, against the state of the first run
    const state = stateOf(whole);
    writeFile(join(s.src, 'big', 'f0007.dat'), 'rewritten');
    writeFile(join(s.src, 'big', 'f0250.dat'), 'rewritten too');
    writeFile(join(s.src, 'big', 'new.dat'), 'new');
    const wholeAgain = await scanAll(s, { splitMin: 1_000_000 }, state);
    const splitAgain = await scanAll(s, { splitMin: 50 }, state);
    expect(splitAgain).toEqual(wholeAgain);
    expect(splitAgain.get('big')?.changedFiles).toBe(3);
    expect(splitAgain.get('big')?.sample.map((e) => e.path)).toEqual(['big/f0007.dat', 'big/f0250.dat', 'big/new.dat']);
  }, 30_000);
});
