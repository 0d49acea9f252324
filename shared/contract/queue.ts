/**
 * Contract slice: The batched, crash-safe transfer queue (issue 8).
 * Channels are named `queue:<verb>`; ipc-contract.ts assembles every slice into the one contract.
 */
import { z } from 'zod';
import type { Transport } from '../api-client';

export const queueInvoke = {} as const satisfies Record<`queue:${string}`, { readonly args: z.ZodTuple }>;

export type QueueResults = Record<never, never>;

export const queueEvents = {} as const satisfies Record<`queue:${string}`, z.ZodType>;

export type QueueApi = Record<never, never>;

export function createQueueApi(_t: Transport): QueueApi {
  return {};
}
