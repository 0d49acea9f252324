/**
 * Contract slice: Scheduled directory sync jobs (issue 11).
 * Channels are named `syncs:<verb>`; ipc-contract.ts assembles every slice into the one contract.
 */
import { z } from 'zod';
import type { Transport } from '../api-client';

export const syncsInvoke = {} as const satisfies Record<`syncs:${string}`, { readonly args: z.ZodTuple }>;

export type SyncsResults = Record<never, never>;

export const syncsEvents = {} as const satisfies Record<`syncs:${string}`, z.ZodType>;

export type SyncsApi = Record<never, never>;

export function createSyncsApi(_t: Transport): SyncsApi {
  return {};
}
