import { join } from 'node:path';
import type { ActivityRow } from '../../../shared/activity';
import type { Alert, alertsInvoke } from '../../../shared/contract/alerts';
import type { Settings } from '../../../shared/settings';
import { formatCount } from '../../../shared/format';
import { systemClock, type Capability, type Clock, type EventBus } from '../kernel';
import { AlertList } from './alert-list';
import { dailySummaryText, summarizeDay } from './daily-summary';
import type { AlertInput, WatchSource } from './types';
import { checkWatchSources } from './watchdog';

export type AlertsChannel = keyof typeof alertsInvoke;

export const hourMsDefault = 3_600_000;

/** What the alerts capability needs from the composition root. */
export interface AlertsDeps {
  /** Where `alerts.json` lives (null: memory only, for tests). */
  readonly stateDir: string | null;
  readonly bus: EventBus;
  readonly settings: { get(): Settings; onChanged(listener: (s: Settings) => void): () => void };
  readonly clock?: Clock;
  /** The length of a watchdog hour (tests and e2e shorten it: FERRY_WATCHDOG_HOUR_MS). Also the daily summary's day is 24 of them. */
  readonly hourMs?: number;
  /** Watch sources known at start; more with `addSource`. */
  readonly sources?: readonly WatchSource[];
  /** The transfer history, for the daily summary. */
  readonly history?: { snapshot(): { readonly rows: readonly ActivityRow[] } };
}

export interface AlertsCapability extends Capability<AlertsChannel> {
  /** Adds or updates an alert (and notifies when it is new); null when the person dismissed it and its condition has not cleared. */
  raise(alert: AlertInput): Alert | null;
  /** The condition behind `id` cleared: the alert goes; a later raise may notify again. */
  resolve(id: string): void;
  /** Ids of alerts listed or dismissed that start with `prefix` (e.g. `task:`). */
  idsWithPrefix(prefix: string): readonly string[];
  /** Watches one more source (e.g. timers); returns the function that stops watching it. */
  addSource(source: WatchSource): () => void;
  /** Runs the watchdog and the daily summary now (tests; the loop runs them on its own). */
  checkNow(): Promise<void>;
  dispose(): Promise<void>;
}

/** How often the watchdog looks: a twelfth of its period, between 50 ms and 5 minutes. */
export function watchdogIntervalMs(hours: number, hourMs: number): number {
  return Math.min(5 * 60_000, Math.max(50, Math.floor((hours * hourMs) / 12)));
}

/**
 * The `alerts:*` channels: one list of alerts every capability can raise into (the watchdog,
 * tasks that need attention, consent health, sharing expiry), each new one also a desktop
 * notification (`alerts:notify`, shown by the host or the page), and the daily summary.
 */
export function createAlertsCapability(deps: AlertsDeps): AlertsCapability {
  const clock = deps.clock ?? systemClock;
  const hourMs = deps.hourMs && deps.hourMs > 0 ? deps.hourMs : hourMsDefault;
  const sources = new Set<WatchSource>(deps.sources ?? []);
  let disposed = false;
  const list = new AlertList({
    file: deps.stateDir ? join(deps.stateDir, 'alerts.json') : null,
    now: () => clock.now(),
    onChanged: (alerts) => {
      if (!disposed) deps.bus.emit('alerts:changed', alerts);
    },
    onNotify: (n) => {
      if (!disposed) deps.bus.emit('alerts:notify', n);
    },
  });

  const dailySummary = (): void => {
    const settings = deps.settings.get();
    const now = clock.now();
    if (!settings.alerts.dailySummary || !deps.history) {
      if (list.lastSummaryAt !== null) list.lastSummaryAt = null;
      return;
    }
    const from = list.lastSummaryAt;
    if (from === null) {
      list.lastSummaryAt = now; // the first day counts from when the summary was switched on
      return;
    }
    const day = 24 * hourMs;
    if (now - from < day) return;
    list.lastSummaryAt = now;
    const days = Math.round((now - from) / day);
    const text = dailySummaryText(summarizeDay(deps.history.snapshot().rows, from, now), days <= 1 ? 'the last 24 hours' : `the last ${formatCount(days, 'day')}`);
    if (text) deps.bus.emit('alerts:notify', { ...text, tag: 'ferry-daily-summary' });
  };

  let timer: (() => void) | null = null;
  let running: Promise<void> | null = null;
  const tick = (): Promise<void> => {
    running ??= (async () => {
      try {
        const hours = deps.settings.get().alerts.watchdogHours;
        await checkWatchSources([...sources], list, clock.now(), hourMs, hours);
        if (!disposed) dailySummary();
      } catch (error) {
        console.error('alerts: the watchdog check failed', error);
      }
    })().finally(() => {
      running = null;
      schedule();
    });
    return running;
  };
  const schedule = (): void => {
    timer?.();
    timer = null;
    if (disposed) return;
    timer = clock.setTimeout(() => void tick(), watchdogIntervalMs(deps.settings.get().alerts.watchdogHours, hourMs));
  };
  // A new watchdog period applies at the next look, which comes sooner when the period shrank.
  const offSettings = deps.settings.onChanged(() => {
    if (!running) schedule();
  });
  schedule();

  return {
    handlers: {
      'alerts:list': async () => list.list(),
      'alerts:dismiss': async (id) => ({ dismissed: list.dismiss(id) }),
    },
    raise: (alert) => list.raise(alert),
    resolve: (id) => void list.resolve(id),
    idsWithPrefix: (prefix) => list.idsWithPrefix(prefix),
    addSource(source) {
      sources.add(source);
      return () => sources.delete(source);
    },
    checkNow: () => tick(),
    async dispose() {
      disposed = true;
      offSettings();
      timer?.();
      timer = null;
      await running;
      await list.flush();
    },
  };
}
