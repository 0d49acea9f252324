/** Test support: queue items for the queue's own tests. */
import type { EnqueueItem } from '../types';

export const SRC = 'aaaaaaaa-0000-4000-8000-000000000001';
export const DST_A = 'bbbbbbbb-0000-4000-8000-000000000002';
export const DST_B = 'cccccccc-0000-4000-8000-000000000003';

/** `n` files from SRC to `destination`, `/src/<prefix><i>` -> `/dst/<prefix><i>`, each `size` bytes. */
export function files(n: number, destination = DST_A, prefix = 'f', size = 10, originId = 'req-1'): EnqueueItem[] {
  return Array.from({ length: n }, (_, i) => ({
    source: SRC,
    sourcePath: `/src/${prefix}${i}`,
    destination,
    destinationPath: `/dst/${prefix}${i}`,
    size,
    origin: 'manual' as const,
    originId,
  }));
}
