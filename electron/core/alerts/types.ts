import type { AlertKind, AlertSeverity, AlertSubject } from '../../../shared/contract/alerts';

/**
 * Something the watchdog keeps an eye on: a sync job, a Globus timer or a queue destination.
 * It alarms when the thing is expected to move data (`expectingSince` not null) but nothing
 * moved for the watchdog period (Settings → Alerts → watchdog hours).
 */
export interface WatchedThing {
  readonly kind: 'sync' | 'timer' | 'queue';
  /** Unique within its kind. */
  readonly id: string;
  /** What a person calls it (the job's, timer's or collection's name). */
  readonly name: string;
  /** Epoch ms data last moved (a run or task that carried files ended), null when never seen. */
  readonly lastMovedAt: number | null;
  /** Epoch ms since when it is expected to move data (enabled, scheduled, items waiting), null when it is not. */
  readonly expectingSince: number | null;
}

/** Lists the things of one kind (sync jobs, timers, queue destinations) as they are now. */
export interface WatchSource {
  list(): Promise<readonly WatchedThing[]>;
}

/** What another capability hands to `raise` (consent health, sharing expiry, the watchdog itself). */
export interface AlertInput {
  /** Stable per condition, e.g. `consent:<collection id>`: raising it again updates the alert. */
  readonly id: string;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly title: string;
  readonly body: string;
  readonly subject?: AlertSubject | null;
  /** Also show a desktop notification when the alert is new (default true). */
  readonly notify?: boolean;
}
