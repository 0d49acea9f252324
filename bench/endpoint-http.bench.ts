/**
 * Endpoint HTTP API overhead: set+get of 1 KB and 10 MB objects through ProxyStore's HTTP routes
 * (EndpointClient -> 127.0.0.1 -> Endpoint) against the same set+get through the in-process
 * Endpoint API, on the same endpoint, for memory and SQLite storage.
 * ratio = in-process time / HTTP time, i.e. HTTP throughput as a fraction of in-process (higher is better).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Endpoint, EndpointClient, MemoryStorage, SqliteStorage, startEndpointServer, type BlobStorage } from '../electron/core/object-store/index';
import type { BenchResult } from './types';

interface Case {
  readonly label: string;
  readonly size: number;
  readonly iterations: number;
}

const cases: readonly Case[] = [
  { label: '1 KB', size: 1_000, iterations: 2_000 },
  { label: '10 MB', size: 10_000_000, iterations: 20 },
];

async function timeIt(iterations: number, op: (i: number) => Promise<void>): Promise<number> {
  for (let i = 0; i < Math.min(5, iterations); i += 1) await op(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) await op(i);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function run(): Promise<readonly BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-endpoint-'));
  const results: BenchResult[] = [];
  try {
    const storages: readonly [string, () => BlobStorage][] = [
      ['memory', () => new MemoryStorage()],
      ['sqlite', () => new SqliteStorage(join(dir, `${randomUUID()}.db`))],
    ];
    for (const [storageName, makeStorage] of storages) {
      const endpoint = new Endpoint({ name: 'bench', uuid: randomUUID(), storage: makeStorage() });
      const server = await startEndpointServer(endpoint);
      const client = new EndpointClient({ url: server.url });
      try {
        for (const c of cases) {
          const data = new Uint8Array(c.size).map((_, i) => i % 251);
          const key = (i: number): string => `k${i % 8}`;
          const inProcessMs = await timeIt(c.iterations, async (i) => {
            await endpoint.set(key(i), data);
            const back = await endpoint.get(key(i));
            if (back?.byteLength !== c.size) throw new Error('in-process get returned the wrong size');
          });
          const httpMs = await timeIt(c.iterations, async (i) => {
            await client.set(key(i), data);
            const back = await client.get(key(i));
            if (back?.byteLength !== c.size) throw new Error('HTTP get returned the wrong size');
          });
          results.push({
            name: `endpoint set+get ${c.label} (${storageName}): HTTP vs in-process`,
            ratio: inProcessMs / httpMs,
            detail:
              `in-process time / HTTP time over ${c.iterations} set+get pairs (higher is better, 1 = no HTTP overhead): ` +
              `in-process ${(inProcessMs / c.iterations).toFixed(3)} ms/pair, HTTP ${(httpMs / c.iterations).toFixed(3)} ms/pair`,
          });
        }
      } finally {
        client.close();
        await server.close();
        await endpoint.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
