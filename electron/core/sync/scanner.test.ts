import { createHash } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codec } from './codec';
import { scanTree, ScanAbortedError, type ScanOptions } from './scanner';
import { makeSandbox, scanOptionsFor, writeFile, type Sandbox } from './testing/test-support';

describe('a scan and its abort signal', () => {
  let s: Sandbox;
  beforeEach(() => {
    s = makeSandbox();
    for (let i = 0; i < 40; i++) writeFile(join(s.src, `d${i % 4}`, `f${i}.dat`), `${i}`);
  });
  afterEach(() => s.cleanup());

  const options = (signal: AbortSignal, onDir: ScanOptions['onDir'] = () => undefined): ScanOptions => scanOptionsFor(s.src, { signal, onDir });

  // a run's signal lives as long as the engine: a listener left on it kept every finished scan
  // (its options, the job's folder store and its cached chunks) alive, 3.2 MB a run on a folder
  // of 400,000 files
  it('takes its listener off the signal when it ends, done or stopped', async () => {
    const life = new AbortController();
    for (let run = 0; run < 3; run++) await scanTree(options(life.signal));
    expect(getEventListeners(life.signal, 'abort')).toHaveLength(0);

    const stopped = new AbortController();
    let seen = 0;
    const scan = scanTree(
      options(stopped.signal, () => {
        if (++seen === 1) stopped.abort();
      }),
    );
    await expect(scan).rejects.toBeInstanceOf(ScanAbortedError);
    expect(getEventListeners(stopped.signal, 'abort')).toHaveLength(0);
  }, 30_000);
});

describe('a folder whose change list is big', () => {
  let s: Sandbox;
  // names that do not repeat (a list of repeating names is deflated to a few hundred bytes), some
  // of them not ASCII (a split folder's names travel as UTF-8)
  const scripts = ['', 'é', 'データ', '😀', 'Ω'];
  const names = Array.from({ length: 5000 }, (_, i) => `${scripts[i % scripts.length] ?? ''}${createHash('sha1').update(String(i)).digest('hex').slice(0, 20)}.tif`).sort();
  beforeEach(() => {
    s = makeSandbox();
    for (const name of names) writeFile(join(s.src, 'big', name), 'x');
  }, 60_000);
  afterEach(() => s.cleanup());

  // over 64 KiB a worker hands the list over as it is instead of copying it into the batch's buffer
  it("reaches the main thread whole, with the folder's other buffers, split or not", async () => {
    for (const splitMin of [1_000_000, 100]) {
      const got = new Map<string, { names: readonly string[]; fps: number; bytes: number }>();
      await scanTree(
        scanOptionsFor(s.src, {
          splitMin,
          onDir: (r) => {
            got.set(r.rel, { names: r.changes ? codec.decode(r.changes).names : [], fps: r.fps?.length ?? 0, bytes: r.changes?.length ?? 0 });
          },
        }),
      );
      const big = got.get('big');
      expect(big?.bytes).toBeGreaterThan(65536);
      expect(big?.names).toEqual(names);
      expect(big?.fps).toBe(5000 * 8);
    }
  }, 60_000);
});
