import { assertNever } from '../../../shared/assert-never';
import { formatCount } from '../../../shared/format';
import type { AlertInput, WatchedThing, WatchSource } from './types';

export const watchdogPrefix = 'watchdog:';

export function watchdogAlertId(thing: Pick<WatchedThing, 'kind' | 'id'>): string {
  return `${watchdogPrefix}${thing.kind}:${thing.id}`;
}

/**
 * How long a thing has been quiet while expected to move data (ms), or null when nothing is
 * expected of it. Quiet since the later of "expected from" and "last moved".
 */
export function quietFor(thing: WatchedThing, now: number): number | null {
  if (thing.expectingSince === null) return null;
  const since = Math.max(thing.expectingSince, thing.lastMovedAt ?? Number.NEGATIVE_INFINITY);
  return Math.max(0, now - since);
}

export function isOverdue(thing: WatchedThing, now: number, periodMs: number): boolean {
  const quiet = quietFor(thing, now);
  return quiet !== null && quiet >= periodMs;
}

function what(kind: WatchedThing['kind']): { readonly noun: string; readonly check: string } {
  switch (kind) {
    case 'sync':
      return {
        noun: 'Sync job',
        check: 'Check that the folder still receives new files (is the instrument or job writing?), that the job is not failing (Syncs → run history) and that Ferry is signed in.',
      };
    case 'timer':
      return {
        noun: 'Timer',
        check: 'Check the timer in Timers: it may be inactive (a missing consent), failing, or its source may hold nothing new.',
      };
    case 'queue':
      return {
        noun: 'Queue destination',
        check: 'Check the Queue: the destination may be switched off, its tasks stuck or failing, the collection offline, or Ferry signed out.',
      };
    default:
      return assertNever(kind, 'watched thing kind');
  }
}

/**
 * The alarm's words: "Sync job "detector" moved nothing for 24 hours". They name the period,
 * not the quiet time so far, so the alert stays the same (no update, no event) while it lasts.
 */
export function watchdogAlert(thing: WatchedThing, hours: number): AlertInput {
  const w = what(thing.kind);
  const period = formatCount(hours, 'hour');
  const seen = thing.lastMovedAt === null ? 'Ferry has not seen it move any data' : 'it has not moved any data';
  return {
    id: watchdogAlertId(thing),
    kind: 'watchdog',
    severity: 'warning',
    title: `${w.noun} "${thing.name}" moved nothing for ${period}`,
    body: `It is expected to send data, but ${seen} in the last ${period}. ${w.check}`,
    subject: { kind: thing.kind, id: thing.id },
  };
}

export interface WatchdogTarget {
  raise(alert: AlertInput): unknown;
  resolve(id: string): unknown;
  /** Watchdog alert ids now listed or dismissed, to clear those whose thing is gone or moving again. */
  idsWithPrefix(prefix: string): readonly string[];
}

/**
 * One look at every source: raise an alarm for each thing that is expected to move data but
 * stayed quiet for the period, clear the alarm of each that moved again (or is no longer
 * expected to, or is gone). A source that fails this time keeps its alarms as they are.
 */
export async function checkWatchSources(
  sources: readonly WatchSource[],
  target: WatchdogTarget,
  now: number,
  hourMs: number,
  hours: number,
): Promise<{ readonly overdue: readonly string[]; readonly failedSources: number }> {
  const periodMs = hours * hourMs;
  const listed = new Set<string>();
  const overdue: string[] = [];
  let failedSources = 0;
  for (const source of sources) {
    let things: readonly WatchedThing[];
    try {
      things = await source.list();
    } catch (error) {
      failedSources += 1;
      console.warn('watchdog: a source could not be listed', error);
      continue;
    }
    for (const thing of things) {
      const id = watchdogAlertId(thing);
      listed.add(id);
      if (isOverdue(thing, now, periodMs)) {
        overdue.push(id);
        target.raise(watchdogAlert(thing, hours));
      } else {
        target.resolve(id);
      }
    }
  }
  // Things that disappeared (a job deleted, a destination emptied): their alarms go too, but
  // only when every source answered (a failing source's things are unknown, not gone).
  if (failedSources === 0) for (const id of target.idsWithPrefix(watchdogPrefix)) if (!listed.has(id)) target.resolve(id);
  return { overdue, failedSources };
}
