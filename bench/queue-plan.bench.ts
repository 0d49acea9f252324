/**
 * Transfer queue: enqueue + plan 100,000 items (batches of 1,000) against the reference of
 * inserting the same rows into a plain SQLite table in one transaction, both in WAL files
 * opened the same way. Ratio = ours / reference time (lower is better; goal <= 2).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../electron/core/store';
import { createQueueStore, type EnqueueItem } from '../electron/core/queue';
import type { BenchResult } from './types';

const count = Number(process.env.QUEUE_BENCH_ITEMS ?? 100_000);
const rounds = 5;

function makeItems(n: number): EnqueueItem[] {
  const items: EnqueueItem[] = [];
  const destinations = ['dst-collection-a', 'dst-collection-b', 'dst-collection-c'];
  for (let i = 0; i < n; i++) {
    const dir = `run-${Math.floor(i / 5000)}`;
    items.push({
      source: 'src-collection-0000-0000-0000-000000000001',
      sourcePath: `/detector/${dir}/frame-${i}.h5`,
      destination: destinations[i % destinations.length] ?? 'dst',
      destinationPath: `/archive/${dir}/frame-${i}.h5`,
      size: 1_000 + (i % 997),
      origin: 'manual',
      originId: 'request-1',
    });
  }
  return items;
}

function reference(dir: string, items: readonly EnqueueItem[]): number {
  const db = openDatabase(join(dir, 'ref.db'), [
    {
      version: 1,
      up: (d) =>
        d.exec(`CREATE TABLE rows (id INTEGER PRIMARY KEY, source TEXT, source_path TEXT, destination TEXT,
          destination_path TEXT, size INTEGER, origin TEXT, origin_id TEXT, enqueued_at INTEGER)`),
    },
  ]);
  const insert = db.prepare(
    'INSERT INTO rows (source, source_path, destination, destination_path, size, origin, origin_id, enqueued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const t0 = performance.now();
  db.transaction(() => {
    const now = Date.now();
    for (const it of items) {
      insert.run(it.source, it.sourcePath, it.destination, it.destinationPath, it.size, it.origin, it.originId ?? null, now);
    }
  })();
  const t = performance.now() - t0;
  db.close();
  return t;
}

function ours(dir: string, items: readonly EnqueueItem[]): { ms: number; batches: number } {
  const store = createQueueStore(join(dir, 'queue.db'));
  const t0 = performance.now();
  store.enqueue(items);
  const batches = store.plan(Number.MAX_SAFE_INTEGER);
  const t = performance.now() - t0;
  store.close();
  return { ms: t, batches: batches.length };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

export async function run(): Promise<readonly BenchResult[]> {
  const items = makeItems(count);
  const refs: number[] = [];
  const ourTimes: number[] = [];
  let batches = 0;
  for (let r = 0; r < rounds; r++) {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-queue-bench-'));
    try {
      refs.push(reference(dir, items));
      const o = ours(dir, items);
      ourTimes.push(o.ms);
      batches = o.batches;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const ref = median(refs);
  const our = median(ourTimes);
  return [
    {
      name: 'queue: enqueue + plan vs plain SQLite insert',
      ratio: our / ref,
      goal: '<= 2',
      detail: `${count} items into ${batches} batches: ${our.toFixed(1)} ms vs one-transaction insert ${ref.toFixed(1)} ms (median of ${rounds}; lower is better)`,
    },
  ];
}
