/**
 * Contract slice: alerts — warnings that need a person before something fails or while it
 * silently does: a sync job, timer or queue destination that moved nothing for the watchdog
 * period, a task that needs attention, a consent, session or sharing rule about to expire.
 * Channels are named `alerts:<verb>`; ipc-contract.ts assembles every slice into the one contract.
 */
import { z } from 'zod';
import type { Transport } from '../api-client';
import type { Listener, Unsubscribe } from '../ipc-contract';

export const alertKinds = ['watchdog', 'task', 'consent', 'session', 'sharing', 'other'] as const;
export type AlertKind = (typeof alertKinds)[number];

export const alertSeverities = ['info', 'warning', 'error'] as const;
export type AlertSeverity = (typeof alertSeverities)[number];

/** What an alert is about, so the UI can link to it (a sync job, a timer, a queue destination, a task…). */
export interface AlertSubject {
  readonly kind: string;
  readonly id: string;
}

export interface Alert {
  /**
   * Stable per condition (e.g. `watchdog:sync:<job id>`): raising the same id again updates the
   * alert instead of adding one, and a dismissed id stays quiet until its condition clears.
   */
  readonly id: string;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly title: string;
  readonly body: string;
  /** Epoch ms it was first raised. */
  readonly raisedAt: number;
  readonly subject: AlertSubject | null;
}

/** A local notification core asks the host (or the page) to show: alarms and the daily summary. */
export interface AlertNotification {
  readonly title: string;
  readonly body: string;
  /** Replaces an earlier notification with the same tag. */
  readonly tag: string;
}

const text = z.string().max(100_000);
const alertIdSchema = z.string().trim().min(1, 'an alert id is required').max(500, 'an alert id is at most 500 characters');

export const alertSchema = z.object({
  id: text,
  kind: z.enum(alertKinds),
  severity: z.enum(alertSeverities),
  title: text,
  body: text,
  raisedAt: z.number().min(0),
  subject: z.object({ kind: text, id: text }).nullable(),
}) satisfies z.ZodType<Alert>;

export const alertsInvoke = {
  'alerts:list': { args: z.tuple([]) },
  'alerts:dismiss': { args: z.tuple([alertIdSchema]) },
} as const satisfies Record<`alerts:${string}`, { readonly args: z.ZodTuple }>;

export interface AlertsResults {
  'alerts:list': readonly Alert[];
  'alerts:dismiss': { readonly dismissed: boolean };
}

export const alertsEvents = {
  /** Every alert not dismissed, newest first, after each change. */
  'alerts:changed': z.array(alertSchema).max(10_000).readonly(),
  /** Show this as a desktop notification (Electron's main process, or the page when it notifies). */
  'alerts:notify': z.object({ title: text, body: text, tag: text }) satisfies z.ZodType<AlertNotification>,
} as const satisfies Record<`alerts:${string}`, z.ZodType>;

export interface AlertsApi {
  list(): Promise<readonly Alert[]>;
  dismiss(id: string): Promise<{ readonly dismissed: boolean }>;
  onChanged(listener: Listener<readonly Alert[]>): Unsubscribe;
  onNotify(listener: Listener<AlertNotification>): Unsubscribe;
}

export function createAlertsApi(t: Transport): AlertsApi {
  return {
    list: () => t.invoke('alerts:list', []),
    dismiss: (id) => t.invoke('alerts:dismiss', [id]),
    onChanged: (listener) => t.subscribe('alerts:changed', listener),
    onNotify: (listener) => t.subscribe('alerts:notify', listener),
  };
}
