/**
 * The date arithmetic of health checks and sharing expiries, pure and in epoch milliseconds so
 * it can be tested with properties. Nothing here reads the clock: `now` is always passed in.
 */
import type { HealthStatus } from '../../../shared/contract/health';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/**
 * Globus ends a refresh token that has not been used for six months (docs.globus.org, "Refresh
 * tokens ... expire after 6 months of inactivity"). Calendar months, in UTC.
 */
export const REFRESH_TOKEN_IDLE_MONTHS = 6;

/**
 * ok, warning or failing for something that starts failing at `failsAt` (null: never):
 * failing once `failsAt` is reached, warning when it is at most `warnDays` days away, else ok.
 */
export function statusAt(failsAt: number | null, now: number, warnDays: number): HealthStatus {
  if (failsAt === null) return 'ok';
  if (failsAt <= now) return 'failing';
  if (failsAt - now <= warnDays * DAY) return 'warning';
  return 'ok';
}

/** When a login at `authTime` stops satisfying a collection's `authentication_timeout_mins`. */
export function sessionFailsAt(authTime: number, timeoutMinutes: number): number {
  return authTime + Math.max(0, timeoutMinutes) * MINUTE;
}

/** Adds whole calendar months in UTC, clamping the day (31 Jan + 1 month = 28/29 Feb). */
export function addMonthsUtc(time: number, months: number): number {
  const d = new Date(time);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

/** When a refresh token last used at `usedAt` expires if nothing uses it again. */
export function refreshTokenFailsAt(usedAt: number): number {
  return addMonthsUtc(usedAt, REFRESH_TOKEN_IDLE_MONTHS);
}

/** The time something failing at `failsAt` enters its warning window. */
export function warnFrom(failsAt: number, warnDays: number): number {
  return failsAt - warnDays * DAY;
}

/**
 * How long to wait before checking again: a day at most, but wake up when the next item crosses
 * into its warning window or starts failing, so a notification is never a day late. At least a
 * minute, so a string of imminent failures cannot spin.
 */
export function nextCheckDelay(now: number, failsAts: readonly (number | null)[], warnDays: number): number {
  let next = now + DAY;
  for (const failsAt of failsAts) {
    if (failsAt === null) continue;
    for (const boundary of [warnFrom(failsAt, warnDays), failsAt]) {
      if (boundary > now && boundary < next) next = boundary;
    }
  }
  return Math.max(MINUTE, next - now);
}

/** Parses an ISO date; a bare date (2027-01-31) means the end of that day, UTC. null when unreadable. */
export function parseExpiry(text: string): number | null {
  const trimmed = text.trim();
  const bare = /^\d{4}-\d{2}-\d{2}$/.test(trimmed);
  const ms = Date.parse(bare ? `${trimmed}T23:59:59Z` : trimmed);
  return Number.isNaN(ms) ? null : ms;
}

export function isoOrNull(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}
