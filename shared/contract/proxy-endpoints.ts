/**
 * Contract slice: ProxyStore-style object-store endpoints and the relay (issue 9).
 * Channels are named `endpoints:<verb>`; ipc-contract.ts assembles every slice into the one contract.
 */
import { z } from 'zod';
import type { Transport } from '../api-client';

export const proxyEndpointsInvoke = {} as const satisfies Record<`endpoints:${string}`, { readonly args: z.ZodTuple }>;

export type ProxyEndpointsResults = Record<never, never>;

export const proxyEndpointsEvents = {} as const satisfies Record<`endpoints:${string}`, z.ZodType>;

export type ProxyEndpointsApi = Record<never, never>;

export function createProxyEndpointsApi(_t: Transport): ProxyEndpointsApi {
  return {};
}
