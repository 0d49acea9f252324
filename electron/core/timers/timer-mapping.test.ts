import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timerMaxRuns, timerMaxIntervalSeconds, timerMinIntervalSeconds, type TimerEnd } from '../../../shared/contract/timers';
import { buildTimerDocument, toTimerDetail } from './timer-mapping';

const SRC = 'aaaaaaaa-0000-4000-8000-000000000001';
const DST = 'bbbbbbbb-0000-4000-8000-000000000002';
const YEAR_2030 = Date.parse('2030-01-01T00:00:00Z');

const endArb: fc.Arbitrary<TimerEnd> = fc.oneof(
  fc.constant({ kind: 'never' } as const),
  fc.integer({ min: 1, max: timerMaxRuns }).map((count) => ({ kind: 'runs', count }) as const),
  fc.integer({ min: 1, max: 10 * 365 * 86_400 }).map((s) => ({ kind: 'date', at: YEAR_2030 + s * 1000 }) as const),
);

describe('timer document round trip', () => {
  it('what Ferry sends is what it reads back from the timer Globus stores (schedule, route, options)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 365 * 86_400 }).map((s) => YEAR_2030 - s * 1000),
        fc.option(fc.integer({ min: timerMinIntervalSeconds, max: timerMaxIntervalSeconds }), { nil: null }),
        endArb,
        fc.record({ syncLevel: fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<0 | 1 | 2 | 3>, verifyChecksum: fc.boolean(), encrypt: fc.boolean(), skipSourceErrors: fc.boolean() }),
        fc.array(fc.record({ method: fc.constantFrom('include', 'exclude') as fc.Arbitrary<'include' | 'exclude'>, name: fc.constantFrom('*.tmp', 'a?', 'raw') }), { maxLength: 4 }),
        (startAt, intervalSeconds, end, options, filterRules) => {
          const effectiveEnd = intervalSeconds === null ? ({ kind: 'never' } as const) : end;
          const doc = buildTimerDocument({
            name: 'round trip',
            source: SRC,
            destination: DST,
            items: [{ sourcePath: '/in/', destinationPath: '/out/', recursive: true }],
            startAt,
            intervalSeconds,
            end: effectiveEnd,
            ...options,
            filterRules,
          });
          // Globus stores the v2 timer as sent and answers it with its id and status.
          const read = toTimerDetail({ job_id: 'eeeeeeee-0000-4000-8000-00000000000e', status: 'new', name: doc.name, schedule: doc.schedule, body: doc.body, number_of_runs: 0, number_of_errors: 0 });
          expect(read).toMatchObject({ source: SRC, destination: DST, startAt, intervalSeconds, end: effectiveEnd, items: [{ sourcePath: '/in/', destinationPath: '/out/', recursive: true }] });
          expect(read?.options).toEqual({ ...options, ...(filterRules.length > 0 ? { filterRules } : {}) });
        },
      ),
      { numRuns: 200 },
    );
  });
});
