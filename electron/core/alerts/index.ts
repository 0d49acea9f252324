/** Alerts: one list of warnings (watchdog alarms, tasks that need attention, expiring consents), their notifications and the daily summary. The only public door of this folder. */
export { createAlertsCapability, hourMsDefault, watchdogIntervalMs, type AlertsCapability, type AlertsChannel, type AlertsDeps } from './handlers';
export { createQueueWatchSource, createSyncWatchSource, type QueuePort, type SyncJobsPort } from './watch-sources';
export { dailySummaryText, summarizeDay, type DaySummary } from './daily-summary';
export { attentionAlert, followAttention } from './attention-alerts';
export type { AlertInput, WatchedThing, WatchSource } from './types';
export { noticeAlert, type Notice } from './notices';
