/**
 * Contract slice: consent and session health (issue 15). For every collection Ferry uses, and
 * for the sign-in itself, what will stop working and when, and the fix.
 * Channels are named `health:<verb>`; ipc-contract.ts assembles every slice into the one contract.
 */
import { z } from 'zod';
import type { Transport } from '../api-client';
import { globusIdSchema } from '../ids';
import type { Listener, Unsubscribe } from '../ipc-contract';

export const healthStatuses = ['ok', 'warning', 'failing'] as const;
export type HealthStatus = (typeof healthStatuses)[number];

/**
 * consent: the collection's data_access consent. session: the collection's authentication
 * timeout or high-assurance policy against the last sign-in. refresh-token: the sign-in's refresh
 * token (Globus ends those unused for six months). account: signed in at all.
 */
export const healthCheckKinds = ['consent', 'session', 'refresh-token', 'account'] as const;
export type HealthCheckKind = (typeof healthCheckKinds)[number];

export type HealthFix = { readonly kind: 'consent'; readonly scope: string; readonly collectionId: string } | { readonly kind: 'sign-in' };

export interface HealthCheck {
  /** Stable per thing checked, e.g. `consent:<collection id>`: one notification per subject. */
  readonly subject: string;
  readonly kind: HealthCheckKind;
  /** What a person calls it: the collection's name, or "Globus sign-in". */
  readonly title: string;
  readonly collectionId: string | null;
  /** What in Ferry uses the collection ("Sync job Nightly", "Queue destination"). */
  readonly usedBy: readonly string[];
  readonly status: HealthStatus;
  /** When it starts (or started) failing, ISO; null when nothing foreseeable will make it fail. */
  readonly failsAt: string | null;
  readonly explanation: string;
  readonly fix: HealthFix | null;
}

export interface HealthReport {
  readonly checkedAt: string;
  readonly warnDaysBefore: number;
  readonly checks: readonly HealthCheck[];
  /** Collections that could not be checked (Globus unreachable), with the reason. */
  readonly problems: readonly string[];
}

export const healthInvoke = {
  'health:get': { args: z.tuple([]) },
  'health:check-now': { args: z.tuple([]) },
  'health:check-collection': { args: z.tuple([globusIdSchema]) },
} as const satisfies Record<`health:${string}`, { readonly args: z.ZodTuple }>;

export interface HealthResults {
  /** The last report (checks first when there is none yet). */
  'health:get': HealthReport;
  'health:check-now': HealthReport;
  'health:check-collection': HealthReport;
}

const outText = z.string().max(10_000);
const healthCheckSchema = z.object({
  subject: outText,
  kind: z.enum(healthCheckKinds),
  title: outText,
  collectionId: outText.nullable(),
  usedBy: z.array(outText).readonly(),
  status: z.enum(healthStatuses),
  failsAt: outText.nullable(),
  explanation: outText,
  fix: z.union([z.object({ kind: z.literal('consent'), scope: outText, collectionId: outText }), z.object({ kind: z.literal('sign-in') })]).nullable(),
}) satisfies z.ZodType<HealthCheck>;

export const healthReportSchema = z.object({
  checkedAt: outText,
  warnDaysBefore: z.number(),
  checks: z.array(healthCheckSchema).max(10_000).readonly(),
  problems: z.array(outText).max(1000).readonly(),
}) satisfies z.ZodType<HealthReport>;

export const healthEvents = {
  /** A new report after a check (asked, daily, or a collection started being used). */
  'health:changed': healthReportSchema,
} as const satisfies Record<`health:${string}`, z.ZodType>;

export interface HealthApi {
  get(): Promise<HealthReport>;
  checkNow(): Promise<HealthReport>;
  checkCollection(collectionId: string): Promise<HealthReport>;
  onChanged(listener: Listener<HealthReport>): Unsubscribe;
}

export function createHealthApi(t: Transport): HealthApi {
  return {
    get: () => t.invoke('health:get', []),
    checkNow: () => t.invoke('health:check-now', []),
    checkCollection: (id) => t.invoke('health:check-collection', [id]),
    onChanged: (listener) => t.subscribe('health:changed', listener),
  };
}
