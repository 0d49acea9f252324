import { getEventListeners } from 'node:events';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanTree, ScanAbortedError, type ScanOptions } from './scanner';
import { makeSandbox, writeFile, type Sandbox } from './testing/test-support';

describe('a scan and its abort signal', () => {
  let s: Sandbox;
  beforeEach(() => {
    s = makeSandbox();
    for (let i = 0; i < 40; i++) writeFile(join(s.src, `d${i % 4}`, `f${i}.dat`), `${i}`);
  });
  afterEach(() => s.cleanup());

  const options = (signal: AbortSignal, onDir: ScanOptions['onDir'] = () => undefined): ScanOptions => ({
    root: s.src,
    policy: 'keep',
    include: [],
    exclude: [],
    mode: 'pending',
    sampleSize: 5,
    workers: 2,
    loadState: () => null,
    onDir,
    signal,
  });

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
