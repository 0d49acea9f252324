/**
 * FileConnector throughput against `cp` of the same bytes, measured in the same run.
 * A put followed by a get moves the bytes twice (into the store, back out), so the reference
 * is `cp` in plus `cp` out: ratio = (cp in + cp out) time / (put + get) time, higher is better
 * (goal >= 0.8). Measured for:
 * 1. put(bytes) + get(key): objects in memory, as ProxyStore uses connectors;
 * 2. putFile(path) + getToFile(key, path): file to file, as Ferry's stage does for big files.
 * Every timing is the median of several runs, all in the page cache (no fsync on either side);
 * the detail also shows the ratio against a single cp.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FileConnector } from '../electron/core/connectors/index';
import type { BenchResult } from './types';

const exec = promisify(execFile);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

async function timeIt(reps: number, fn: () => Promise<void>): Promise<number> {
  await fn(); // warm up
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

const sizes = [
  { label: '1 MB', bytes: 1_000_000, reps: 41 },
  { label: '256 MB', bytes: 256_000_000, reps: 7 },
];

async function benchSize(dir: string, label: string, bytes: number, reps: number): Promise<BenchResult[]> {
  const data = randomBytes(bytes);
  const src = join(dir, `src-${bytes}`);
  const mid = join(dir, `mid-${bytes}`);
  const out = join(dir, `out-${bytes}`);
  writeFileSync(src, data);
  const connector = new FileConnector(join(dir, `store-${bytes}`));

  const cpOneMs = await timeIt(reps, async () => {
    await exec('cp', [src, mid]);
    await rm(mid);
  });
  const cpTwoMs = await timeIt(reps, async () => {
    await exec('cp', [src, mid]);
    await exec('cp', [mid, out]);
    await rm(mid);
    await rm(out);
  });
  const putGetMs = await timeIt(reps, async () => {
    const key = await connector.put(data);
    const back = await connector.get(key);
    if (back?.length !== bytes) throw new Error('get returned the wrong size');
    await connector.evict(key);
  });
  const fileMs = await timeIt(reps, async () => {
    const key = await connector.putFile(src);
    if (!(await connector.getToFile(key, out))) throw new Error('getToFile found no object');
    await connector.evict(key);
    await rm(out);
  });
  await connector.close();
  rmSync(src);
  const ms = (x: number): string => `${x.toFixed(2)} ms`;
  return [
    {
      name: `file-connector put+get ${label}`,
      ratio: cpTwoMs / putGetMs,
      detail: `(cp in + cp out) / (put + get); cp+cp ${ms(cpTwoMs)}, put+get ${ms(putGetMs)}; one cp ${ms(cpOneMs)} (ratio ${(cpOneMs / putGetMs).toFixed(3)}); median of ${reps}`,
      goal: '>= 0.8',
    },
    {
      name: `file-connector putFile+getToFile ${label}`,
      ratio: cpTwoMs / fileMs,
      detail: `(cp in + cp out) / (putFile + getToFile); cp+cp ${ms(cpTwoMs)}, putFile+getToFile ${ms(fileMs)}; median of ${reps}`,
      goal: '>= 0.8',
    },
  ];
}

export async function run(): Promise<readonly BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-fc-'));
  try {
    const results: BenchResult[] = [];
    for (const s of sizes) results.push(...(await benchSize(dir, s.label, s.bytes, s.reps)));
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
