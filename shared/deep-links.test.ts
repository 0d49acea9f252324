import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ferryLinkInArgs, formatFerryLink, MAX_LINK_LENGTH, openTargetSchema, parseFerryLink, type OpenTarget } from './deep-links';

const TASK = '0f1e2d3c-4b5a-4968-8776-655443322110';

describe('ferry:// links', () => {
  it('names areas, tasks, sync jobs and timers', () => {
    expect(parseFerryLink('ferry://activity')).toEqual({ kind: 'area', area: 'activity' });
    expect(parseFerryLink('ferry://object-stores/')).toEqual({ kind: 'area', area: 'object-stores' });
    expect(parseFerryLink(`ferry://activity/task/${TASK.toUpperCase()}`)).toEqual({ kind: 'task', taskId: TASK });
    expect(parseFerryLink('ferry://syncs/job/nightly_run-2')).toEqual({ kind: 'sync-job', jobId: 'nightly_run-2' });
    expect(parseFerryLink(`FERRY://timers/timer/${TASK}?from=mail#x`)).toEqual({ kind: 'timer', timerId: TASK });
    expect(parseFerryLink(`ferry://collections/${TASK}?path=%2Fdata%2Frun%201%2F`)).toEqual({ kind: 'collection', collectionId: TASK, path: '/data/run 1/' });
    expect(parseFerryLink(`ferry://collections/${TASK}`)).toEqual({ kind: 'collection', collectionId: TASK, path: null });
  });

  it('refuses anything else without throwing', () => {
    for (const bad of [
      null,
      42,
      '',
      'https://app.globus.org',
      'ferry:activity',
      'ferry://',
      'ferry://activity/task/not-a-uuid',
      'ferry://activity/task',
      `ferry://syncs/task/${TASK}`,
      'ferry://syncs/job/a%2Fb',
      'ferry://syncs/job/%E0%A4%A',
      'ferry://Ac tivity',
      `ferry://activity/task/${TASK}/extra`,
      `ferry://activity/${'x'.repeat(MAX_LINK_LENGTH)}`,
      'javascript://activity',
      `ferry://collections/${TASK}?path=relative/path`,
      `ferry://collections/${TASK}?path=%2Fa%0Ab`,
      'ferry://collections/not-a-uuid',
    ]) {
      expect(parseFerryLink(bad), String(bad)).toBeNull();
    }
  });

  it('round-trips every target and never throws on any text', () => {
    const target: fc.Arbitrary<OpenTarget> = fc.oneof(
      fc.constantFrom('activity', 'syncs', 'queue', 'object-stores', 'settings').map((area) => ({ kind: 'area' as const, area })),
      fc.uuid().map((taskId) => ({ kind: 'task' as const, taskId })),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/).map((jobId) => ({ kind: 'sync-job' as const, jobId })),
      fc.uuid().map((timerId) => ({ kind: 'timer' as const, timerId })),
      fc.tuple(fc.uuid(), fc.option(fc.string({ maxLength: 40 }).map((p) => `/${p.replace(/[\0\r\n]/g, '')}`), { nil: null })).map(([collectionId, path]) => ({
        kind: 'collection' as const,
        collectionId,
        path,
      })),
    );
    fc.assert(
      fc.property(target, (t) => {
        expect(parseFerryLink(formatFerryLink(t))).toEqual(t);
      }),
      { seed: 42, numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `ferry://${s}`), fc.webUrl()), (text) => {
        const parsed = parseFerryLink(text);
        if (parsed !== null) expect(openTargetSchema.safeParse(parsed).success).toBe(true);
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  it('finds the link among process arguments as Windows and Linux pass it', () => {
    expect(ferryLinkInArgs(['/opt/Ferry/ferry', '--no-sandbox', `ferry://activity/task/${TASK}`])).toEqual({ kind: 'task', taskId: TASK });
    expect(ferryLinkInArgs(['/opt/Ferry/ferry'])).toBeNull();
  });
});
