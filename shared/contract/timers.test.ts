import { describe, expect, it } from 'vitest';
import { timerDraftSchema, timerPatchSchema, timersInvoke, type TimerDraft } from './timers';

const SRC = 'aaaaaaaa-0000-4000-8000-000000000001';
const DST = 'bbbbbbbb-0000-4000-8000-000000000002';

const draft = (over: Partial<TimerDraft> = {}): TimerDraft => ({
  name: 'Nightly',
  source: SRC,
  destination: DST,
  items: [{ sourcePath: '/data/', destinationPath: '/backup/', recursive: true }],
  startAt: Date.parse('2026-01-01T01:00:00Z'),
  intervalSeconds: 3600,
  end: { kind: 'never' },
  ...over,
});

/** The messages a refusal gives, to show they say what to fix. */
function refusal(value: unknown, schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } } = timerDraftSchema): string[] {
  const parsed = schema.safeParse(value);
  expect(parsed.success).toBe(false);
  return parsed.error?.issues.map((i) => i.message) ?? [];
}

describe('timer schemas', () => {
  it('accepts a full draft with every transfer option and filter rules', () => {
    const parsed = timerDraftSchema.parse(
      draft({ syncLevel: 2, verifyChecksum: true, encrypt: true, deleteDestinationExtra: true, filterRules: [{ method: 'include', name: '*.h5', type: 'file' }], end: { kind: 'runs', count: 5 } }),
    );
    expect(parsed.filterRules).toEqual([{ method: 'include', name: '*.h5', type: 'file' }]);
  });

  it('refuses an interval Globus does not allow', () => {
    expect(refusal(draft({ intervalSeconds: 59 }))).toEqual(['Globus runs a timer at most once a minute: choose an interval of at least 1 minute']);
    expect(refusal(draft({ intervalSeconds: 366 * 86_400 }))).toEqual(['Globus allows an interval of at most 365 days']);
    expect(refusal(draft({ intervalSeconds: 90.5 }))).toEqual(['the interval is a whole number of seconds']);
  });

  it('refuses an end before the start, an end on a timer that runs once, and zero runs', () => {
    expect(refusal(draft({ end: { kind: 'date', at: Date.parse('2026-01-01T00:00:00Z') } }))).toEqual(['the end date must be after the start']);
    expect(refusal(draft({ intervalSeconds: null, end: { kind: 'runs', count: 3 } }))[0]).toContain('a timer that runs once has no end condition');
    expect(refusal(draft({ end: { kind: 'runs', count: 0 } }))).toEqual(['a timer runs at least once']);
  });

  it('refuses missing names and paths, and a copy onto itself', () => {
    expect(refusal(draft({ name: '  ' }))).toEqual(['give the timer a name']);
    expect(refusal(draft({ items: [] }))).toEqual(['choose what to copy: a source path and a destination path']);
    expect(refusal(draft({ items: [{ sourcePath: 'data', destinationPath: '/b', recursive: false }] }))[0]).toContain('path must start with /');
    expect(refusal(draft({ destination: SRC, items: [{ sourcePath: '/a', destinationPath: '/a', recursive: false }] }))).toEqual(['a path would be copied onto itself; choose another destination path']);
    expect(refusal(draft({ source: 'not-a-uuid' }))[0]).toContain('must be a Globus id');
  });

  it('bounds every string and array', () => {
    expect(refusal(draft({ name: 'x'.repeat(129) }))).toEqual(['the name is at most 128 characters']);
    expect(refusal(draft({ items: Array.from({ length: 1001 }, () => ({ sourcePath: '/a', destinationPath: '/b', recursive: false })) }))[0]).toContain('at most 1,000 paths');
    expect(refusal(draft({ filterRules: Array.from({ length: 101 }, () => ({ method: 'exclude' as const, name: '*' })) }))).toEqual(['at most 100 filter rules']);
  });

  it('takes a patch of name, interval or end, and nothing else', () => {
    expect(timerPatchSchema.parse({ name: 'renamed' })).toEqual({ name: 'renamed' });
    expect(refusal({}, timerPatchSchema)).toEqual(['change the name, the interval or the end']);
    expect(refusal({ source: SRC }, timerPatchSchema)[0]).toContain('source');
    expect(timersInvoke['timers:get'].args.safeParse(['nope']).success).toBe(false);
  });
});
