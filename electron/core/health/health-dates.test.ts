import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonthsUtc, DAY, MINUTE, nextCheckDelay, parseExpiry, refreshTokenFailsAt, sessionFailsAt, statusAt } from './health-dates';

const time = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) });
const warnDays = fc.integer({ min: 1, max: 90 });
const failsAt = fc.option(time, { nil: null });

describe('statusAt', () => {
  it('reads the three states at their edges', () => {
    const now = Date.UTC(2026, 10, 30);
    expect(statusAt(null, now, 7)).toBe('ok');
    expect(statusAt(now, now, 7)).toBe('failing');
    expect(statusAt(now - 1, now, 7)).toBe('failing');
    expect(statusAt(now + 7 * DAY, now, 7)).toBe('warning');
    expect(statusAt(now + 7 * DAY + 1, now, 7)).toBe('ok');
  });

  it('an ok item never fails before now', () => {
    fc.assert(
      fc.property(failsAt, time, warnDays, (f, now, w) => {
        if (statusAt(f, now, w) === 'ok') expect(f === null || f > now).toBe(true);
      }),
    );
  });

  it('warning iff it fails within warnDays days, failing iff its time has come', () => {
    fc.assert(
      fc.property(failsAt, time, warnDays, (f, now, w) => {
        const s = statusAt(f, now, w);
        expect(s === 'warning').toBe(f !== null && f > now && f - now <= w * DAY);
        expect(s === 'failing').toBe(f !== null && f <= now);
      }),
    );
  });

  it('only gets worse as time passes', () => {
    const rank = { ok: 0, warning: 1, failing: 2 } as const;
    fc.assert(
      fc.property(failsAt, time, fc.integer({ min: 0, max: 400 * DAY }), warnDays, (f, now, later, w) => {
        expect(rank[statusAt(f, now + later, w)]).toBeGreaterThanOrEqual(rank[statusAt(f, now, w)]);
      }),
    );
  });
});

describe('session and refresh-token dates', () => {
  it('a session fails exactly its timeout after the login, later logins fail later', () => {
    expect(sessionFailsAt(1000, 30)).toBe(1000 + 30 * MINUTE);
    fc.assert(
      fc.property(time, time, fc.integer({ min: 0, max: 100_000 }), (a, b, mins) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        expect(sessionFailsAt(early, mins)).toBeLessThanOrEqual(sessionFailsAt(late, mins));
        expect(sessionFailsAt(early, mins)).toBeGreaterThanOrEqual(early);
      }),
    );
  });

  it('a refresh token lasts six calendar months from its last use', () => {
    expect(new Date(refreshTokenFailsAt(Date.UTC(2026, 0, 15, 10))).toISOString()).toBe('2026-07-15T10:00:00.000Z');
    expect(new Date(addMonthsUtc(Date.UTC(2026, 7, 31), 6)).toISOString()).toBe('2027-02-28T00:00:00.000Z');
    fc.assert(
      fc.property(time, (used) => {
        const days = (refreshTokenFailsAt(used) - used) / DAY;
        expect(days).toBeGreaterThanOrEqual(178);
        expect(days).toBeLessThanOrEqual(185);
      }),
    );
  });
});

describe('nextCheckDelay', () => {
  it('waits a day at most and at least a minute', () => {
    fc.assert(
      fc.property(time, fc.array(failsAt, { maxLength: 20 }), warnDays, (now, fs, w) => {
        const delay = nextCheckDelay(now, fs, w);
        expect(delay).toBeGreaterThanOrEqual(MINUTE);
        expect(delay).toBeLessThanOrEqual(DAY);
      }),
    );
  });

  it('wakes up when an item enters its warning window, so the notification is on time', () => {
    const now = Date.UTC(2026, 10, 30);
    const f = now + 7 * DAY + 5 * 3_600_000;
    expect(nextCheckDelay(now, [f], 7)).toBe(5 * 3_600_000);
    expect(nextCheckDelay(now, [now + 30 * DAY], 7)).toBe(DAY);
  });

  it('never sleeps past a status change', () => {
    fc.assert(
      fc.property(time, fc.array(failsAt, { maxLength: 10 }), warnDays, (now, fs, w) => {
        const delay = nextCheckDelay(now, fs, w);
        // Every instant strictly before the wake-up reads the same as now.
        const before = now + delay - 1;
        if (delay > MINUTE) for (const f of fs) expect(statusAt(f, before, w)).toBe(statusAt(f, now, w));
      }),
    );
  });
});

describe('parseExpiry', () => {
  it('reads a bare date as the end of that day and refuses nonsense', () => {
    expect(new Date(parseExpiry('2027-01-31') ?? 0).toISOString()).toBe('2027-01-31T23:59:59.000Z');
    expect(parseExpiry('2027-01-31T08:00:00+00:00')).toBe(Date.UTC(2027, 0, 31, 8));
    expect(parseExpiry('soon')).toBeNull();
  });
});
