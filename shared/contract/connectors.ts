/**
 * Contract slice: ProxyStore GlobusEndpoints, MultiConnector policies and Stage (issue 5).
 * Channels are named `connectors:<verb>`; ipc-contract.ts assembles every slice into the one contract.
 */
import { z } from 'zod';
import type { Transport } from '../api-client';

export const connectorsInvoke = {} as const satisfies Record<`connectors:${string}`, { readonly args: z.ZodTuple }>;

export type ConnectorsResults = Record<never, never>;

export const connectorsEvents = {} as const satisfies Record<`connectors:${string}`, z.ZodType>;

export type ConnectorsApi = Record<never, never>;

export function createConnectorsApi(_t: Transport): ConnectorsApi {
  return {};
}
