/**
 * How the process that runs syncs grows its JavaScript heaps.
 *
 * V8 lets a heap grow to up to four times what survived its last full collection before it
 * collects again. A run allocates steadily (a record per folder, a change list per changed
 * folder) and keeps little, so with that default a run on 400,000 files in 200,000 tiny folders
 * held ~90 MB of garbage on the main thread alone, and each run started on the last one's. With
 * `--heap-growing-percent=30` a heap grows by 30 % of what is live (or V8's minimum step) between
 * full collections: the same run peaks ~60 MB lower at about the same speed (see docs/syncs.md,
 * "Memory and speed"). The flag is read at every collection, so setting it once at start-up
 * applies to the main thread and to every scan worker; it is process-wide, and every Ferry
 * process that constructs a sync engine (the app, `ferry serve`, the `ferry` command) wants it.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { makeScanMemory } from './scan-memory';

const HEAP_GROWING_PERCENT = 30;

let applied = false;

/** Sets the growth once per process (a failure leaves V8's default: memory, not correctness). */
export function keepHeapsCompact(): void {
  if (applied) return;
  applied = true;
  try {
    v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  } catch {
    // an embedder that refuses runtime flags keeps its own heap policy
  }
}

const memory = makeScanMemory((id) => (id === 'node:v8' ? v8 : id === 'node:vm' ? vm : undefined));

/**
 * A full collection of this thread's heap, where a run starts (it does not start on the last
 * run's garbage) and, in a big run, where it submits and commits (what the last phase left —
 * change lists, fingerprints on their way to the pending record, records — is gone before the
 * next allocates). It takes 10–20 ms on the main thread.
 */
export function collectGarbage(): void {
  memory.collect();
}

/**
 * A run big enough that collections between its phases pay: one that changed 20,000 files or
 * more (its change lists and pending rows are megabytes). A run of a few changes is not slowed by
 * them (measured: on 400,000 files a collection before the commit of 1,000 changes did not lower
 * the peak, and cost 2-4 % of the run).
 */
export function bigRun(stats: { readonly changedFiles: number }): boolean {
  return stats.changedFiles >= 20_000;
}

/**
 * Counts the bytes of buffers a phase lets go (change lists read back, file lists written) and
 * asks for a young-generation collection every `every` bytes: a buffer's memory is freed when its
 * object is, and V8 waits for 64 MB of them before it looks, which on a tree of long names held
 * ~30 MB of dead lists in the main thread's `malloc` arena at a first run's peak. About 1 ms each.
 */
export function churnCollector(every = 4 << 20): { add(bytes: number): void } {
  let since = 0;
  return {
    add(bytes) {
      since += bytes;
      if (since < every) return;
      since = 0;
      memory.collect('minor');
    },
  };
}
